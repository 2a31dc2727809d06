// undici's connector for an https:// pool, made to keep what a refused TLS handshake said (tls-refusal.ts). In TLS
// 1.3 the server checks the client's certificate after the client has finished its side of the handshake: undici
// has the connection and writes the request, the server's alert (certificate_required, say) arrives as the socket's
// error, and the end of the connection right behind it makes undici fail the request with "other side closed"
// (UND_ERR_SOCKET), the alert lost. Before the handshake is done (TLS 1.2), the alert or the connection's end is the
// connect's own failure, which undici hands on as it came, but a bare ECONNRESET there reads as a lost connection.
// One listener a connection, none a request: a request that succeeds pays nothing more.
import type { buildConnector as Connector } from 'undici';
import { buildConnector } from './undici-core';
import { isReceivedTlsAlert, noteTlsRefusal } from './tls-refusal';

/** A connection that ended before its handshake was done, as Node reports it (ECONNRESET even for a plain close). */
const HANDSHAKE_ENDED = new Set(['ECONNRESET', 'EPIPE']);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * undici's connector for `options` whose failures note a refused handshake; `clientCertificate`: whether the
 * connections present one (said in the words for a refusal).
 */
export function tlsRefusalNotingConnector(options: Connector.BuildOptions, clientCertificate: boolean): Connector.connector {
  const connect = buildConnector(options);
  return (target, callback) => {
    let secured = false;
    let alert: string | undefined;
    const socket = connect(target, (...outcome: Parameters<Connector.Callback>) => {
      const [error] = outcome;
      if (error === null) secured = true;
      else if (isReceivedTlsAlert(codeOf(error)) || HANDSHAKE_ENDED.has(codeOf(error))) noteTlsRefusal(error, { code: codeOf(error), clientCertificate });
      callback(...outcome);
    });
    // Added before undici's own listener (it comes with the connection), so the failure undici reports, the error
    // after the alert, already carries it.
    socket.on('error', (error: unknown) => {
      if (!secured) return;
      const code = codeOf(error);
      if (alert === undefined && isReceivedTlsAlert(code)) alert = code;
      if (alert !== undefined) noteTlsRefusal(error, { code: alert, clientCertificate });
    });
    return socket;
  };
}
