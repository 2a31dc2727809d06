import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface TlsRequestRecord {
  method: string;
  url: string;
  /** The verified client certificate's CN, when one was presented. */
  clientCommonName?: string;
}

export interface TestTlsServer {
  url: string;
  port: number;
  requests: TlsRequestRecord[];
  /** Handshakes the server refused (e.g. no or untrusted client certificate). */
  tlsErrors: string[];
  server: Server;
  close(): Promise<void>;
}

export interface TlsServerOptions {
  cert: string;
  key: string;
  /** Demand a client certificate issued by this CA (mutual TLS). */
  clientCa?: string;
  /** The newest TLS version the server speaks (`TLSv1.2`: a client certificate is checked inside the handshake). */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  handler?: (req: IncomingMessage, res: ServerResponse, record: TlsRequestRecord) => void;
}

const answerJson = (_req: IncomingMessage, res: ServerResponse, record: TlsRequestRecord) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(record));
};

/** A real HTTPS server on 127.0.0.1; with `clientCa` it refuses handshakes without a certificate from that CA. */
export async function startTlsServer(options: TlsServerOptions): Promise<TestTlsServer> {
  const requests: TlsRequestRecord[] = [];
  const tlsErrors: string[] = [];
  const handler = options.handler ?? answerJson;
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const cn = peer && 'subject' in peer ? peer.subject?.CN : undefined;
      const record: TlsRequestRecord = { method: req.method ?? '', url: req.url ?? '', ...(typeof cn === 'string' ? { clientCommonName: cn } : {}) };
      requests.push(record);
      req.resume();
      req.on('end', () => handler(req, res, record));
    },
  );
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => tlsErrors.push(error.code ?? error.message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    tlsErrors,
    server,
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
