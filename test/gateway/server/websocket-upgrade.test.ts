// WebSocket is not proxied: an upgrade to it gets the gateway's 501 instead of the backend getting half a handshake.
// Other upgrades (curl --http2 asks for h2c) are served as plain HTTP/1.1 requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection, type RawResponse } from '../../support/raw-connection';

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway({ services: [{ name: 'live', pathPrefix: '/live', upstream: { url: upstream.url } }] });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

/**
 * The answer to `head`, then the status of a plain request sent on the same connection once it came. (Not pipelined:
 * a client waits for the answer to an upgrade, and Node reads bytes behind an upgrade request as the new protocol's.)
 */
async function answerThenNext(head: string[]): Promise<[RawResponse, number]> {
  const connection = await RawConnection.open(gateway.port);
  try {
    connection.write(`${head.join('\r\n')}\r\n\r\n`);
    const answer = (await connection.response())!;
    connection.write('GET /live/after HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    return [answer, (await connection.response())!.status];
  } finally {
    connection.close();
  }
}

describe('Upgrade', () => {
  it('to WebSocket: 501 JSON from the gateway, nothing reaches the backend, the connection goes on', async () => {
    for (const upgrade of ['websocket', 'WebSocket', 'foo/2, websocket/13']) {
      const before = upstream.requests.length;
      const [answer, next] = await answerThenNext([
        'GET /live/socket HTTP/1.1', 'Host: gw.test', 'Connection: Upgrade', `Upgrade: ${upgrade}`,
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13',
      ]);
      expect(answer.status).toBe(501);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({ message: 'WebSocket upgrades are not proxied: the gateway forwards plain HTTP requests only' });
      expect(next).toBe(200);
      expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/after']);
    }
    expect(gateway.logs.find((e) => e.path === '/live/socket')).toMatchObject({ status: 501, error: 'WEBSOCKET_NOT_PROXIED' });
  });

  it('to h2c (curl --http2): served as a plain HTTP/1.1 request, without the upgrade', async () => {
    const before = upstream.requests.length;
    const [answer] = await answerThenNext([
      'GET /live/page HTTP/1.1', 'Host: gw.test', 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA',
    ]);
    expect(answer.status).toBe(200);
    const forwarded = upstream.requests[before]!;
    expect(forwarded.url).toBe('/page');
    expect(forwarded.headers.upgrade).toBeUndefined();
    expect(forwarded.headers['http2-settings']).toBeUndefined();
  });
});
