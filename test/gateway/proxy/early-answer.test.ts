// An upstream that answers before it has read the request body (a 401 or 413 for a large upload): once the
// answer is relayed nobody reads the rest of the client's body, so the connection could never reach the client's
// next request. It hung, claiming keep-alive, until clientBodyTimeoutMs, and then a stray 408 went out for a
// request that had already been answered. Now the answer says `Connection: close` and the connection ends with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection, type RawResponse } from '../../support/raw-connection';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream } from '../../support/recording-upstream';

let gateway: TestGateway;
let close: () => Promise<void>;

const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  // Answers as soon as the head is in, without reading a byte of the body.
  '/early/reject': (socket) => socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\nrejected early\n'),
  '/early/garbage': (socket) => socket.write('NOT HTTP\r\n\r\n'),
  // Closes its side after each answer: the raw upstream reads one request per connection.
  '/early/ok': (socket) => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
};

beforeAll(async () => {
  ({ gateway, close } = await startRawUpstreamBehindGateway({ name: 'early', pathPrefix: '/early' }, (socket, path) => BEHAVIOURS[path]?.(socket), { limits: { clientBodyTimeoutMs: 2000, clientHeadersTimeoutMs: 2000 } }));
});

afterAll(() => close());

/**
 * Sends the head of an upload and its first 10 bytes, the rest never coming (a client still uploading), and reads
 * the answer: it must say `Connection: close`, and the connection must end after it with nothing more on it (no
 * 408 for a request already answered).
 */
async function answerToUnfinishedUpload(port: number, path: string, contentLength: number): Promise<RawResponse | undefined> {
  const client = await RawConnection.open(port);
  client.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${contentLength}\r\n\r\n0123456789`);
  const answer = await client.response();
  expect(answer?.headers.connection).toBe('close');
  await client.closed;
  expect(client.pending).toBe('');
  client.close();
  return answer;
}

describe('an upstream answering before the request body is complete', () => {
  it('relays the answer with Connection: close and ends the connection after it, with nothing more on it', async () => {
    const answer = await answerToUnfinishedUpload(gateway.port, '/early/reject', 100_000);
    expect(answer?.status).toBe(401);
    expect(answer?.body).toBe('rejected early\n');
  });

  it('closes the connection after the gateway\'s own 502 for an upstream failing early, too', async () => {
    expect((await answerToUnfinishedUpload(gateway.port, '/early/garbage', 100_000))?.status).toBe(502);
  });

  it('keeps serving other connections, and keeps a connection whose request was complete alive', async () => {
    const client = await RawConnection.open(gateway.port);
    client.write('POST /early/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    const first = await client.response();
    expect(first?.status).toBe(200);
    expect(first?.headers.connection).toBe('keep-alive');
    client.write('GET /early/ok HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.response())?.status).toBe(200);
    expect(client.serverClosed).toBe(false);
    client.close();
  });
});

describe('the gateway answering before the request body is complete', () => {
  it('closes the connection after its 502 for a token endpoint that failed, as after an upstream\'s early answer', async () => {
    const tokenEndpoint = await startRecordingUpstream((_req, res) => {
      res.writeHead(500).end();
    });
    const own = await startTestGateway(
      { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: 'http://127.0.0.1:1' }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: `${tokenEndpoint.url}/token`, secret: 'erp-oauth' } }] },
      { 'erp-oauth': { clientId: 'c', clientSecret: 's' } },
    );
    try {
      // Larger than the gateway reads ahead for a retry (replayable-body.ts): it fetches the token at once. The
      // connection is ended by the gateway, not left for the client to send the rest for nothing, or for a 408.
      const answer = await answerToUnfinishedUpload(own.port, '/erp/upload', 100_000_000);
      expect(answer?.status).toBe(502);
      expect(answer?.body).toContain('token endpoint');
    } finally {
      await own.close();
      await tokenEndpoint.close();
    }
  });
});
