import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  bodyBytes: number;
}

export interface RecordingUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  server: Server;
  close(): Promise<void>;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void;

const answerJson: UpstreamHandler = (_req, res, recorded) => {
  const body = JSON.stringify({ method: recorded.method, url: recorded.url, headers: recorded.headers, bodyBytes: recorded.bodyBytes });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
};

/** A real HTTP upstream on 127.0.0.1 that records what it received (body counted, not kept). */
export async function startRecordingUpstream(handler: UpstreamHandler = answerJson): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: 0 };
    requests.push(recorded);
    req.on('data', (chunk: Buffer) => {
      recorded.bodyBytes += chunk.length;
    });
    req.on('end', () => handler(req, res, recorded));
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    server,
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
