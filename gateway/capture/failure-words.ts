// The traffic inspector's words for a call that did not happen: a backend call never made because a token or CSRF
// endpoint failed first, and a backend call that never reached the backend (its connection or TLS handshake
// failed, so no byte of the request was sent). Plain text, made in the gateway; it names origins, paths and codes,
// never a credential.
import { SERVER_CERTIFICATE_CODES } from '../http/server-certificate-codes';
import { errorCode, UpstreamError } from '../proxy/upstream-errors';
import { PoolFullError } from '../proxy/connection-queue';
import { isReceivedTlsAlert, tlsAlertReason } from '../proxy/tls-refusal';
import type { CredentialEndpointError } from '../security/credential-endpoint-error';

/** The OS's and undici's codes for a connection that was never made, in words. */
const CONNECT_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset before the request was sent',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed: the port does not speak TLS',
};

/** How a connection that carried no request failed: `connection refused (ECONNREFUSED)`. */
export function notReachedWords(code: string): string {
  const words = CONNECT_WORDS[code] ?? (SERVER_CERTIFICATE_CODES.has(code) ? 'TLS handshake failed: its certificate was not accepted' : isReceivedTlsAlert(code) ? tlsRefusedWords(code) : 'the connection failed');
  return `${words} (${code})`;
}

/** A TLS alert from the backend: `TLS handshake refused: it asked for a client certificate and none was sent`. */
function tlsRefusedWords(code: string): string {
  const reason = tlsAlertReason(code);
  return reason === undefined ? 'TLS handshake refused by the backend' : `TLS handshake refused by the backend: ${reason}`;
}

/**
 * Why a call to the backend carried nothing to it: its connection failed (`connection refused (ECONNREFUSED)`), no
 * connection to it came free in time (connection-queue.ts), or the gateway could not put the request together
 * (undici refused a header value before any I/O).
 */
export function notSentWords(error: unknown): string {
  if (error instanceof PoolFullError) return error.words;
  if (error instanceof UpstreamError && error.status === 500) return `the gateway could not build the request (${error.code})`;
  return notReachedWords(error instanceof UpstreamError ? error.code : errorCode(error));
}

/**
 * Why the backend was not called (or not called again): `fetching the token from https://idp/token failed: it
 * answered HTTP 401 (invalid_client)`, `… failed: connection refused (ECONNREFUSED)`.
 */
export function credentialEndpointWords(error: CredentialEndpointError): string {
  const what = error.kind === 'oauth-token' ? 'the token' : 'the CSRF token';
  const how = error.failure === 'unreachable' && error.callCode !== undefined ? notReachedWords(error.callCode) : `it ${error.reason}`;
  return `fetching ${what} from ${error.tokenEndpoint} failed: ${how}`;
}
