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
 * The answer to `head`, and the status of a plain request sent after it on a new connection: the answer to a request
 * that asks to switch protocols closes its connection (Node's parser stops at such a request and drops what else the
 * same read held, so a request pipelined behind it would hang unanswered).
 */
async function answerThenNext(head: string[]): Promise<[RawResponse, number]> {
  const connection = await RawConnection.open(gateway.port);
  try {
    connection.write(`${head.join('\r\n')}\r\n\r\n`);
    const answer = (await connection.response())!;
    expect(answer.headers.connection).toBe('close');
    await connection.closed; // the gateway closes it; if it never does, the test's timeout says so
    const next = await RawConnection.open(gateway.port);
    next.write('GET /live/after HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    const status = (await next.response())!.status;
    next.close();
    return [answer, status];
  } finally {
    connection.close();
  }
}

describe('Upgrade', () => {
  it('to WebSocket: 501 JSON from the gateway, nothing reaches the backend, the connection closes', async () => {
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

  it('with a request pipelined behind it: the answer closes the connection, which does not hang on the lost request', async () => {
    for (const upgrade of ['h2c', 'websocket']) {
      const connection = await RawConnection.open(gateway.port);
      connection.write(`GET /live/first HTTP/1.1\r\nHost: gw.test\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n\r\nGET /live/behind HTTP/1.1\r\nHost: gw.test\r\n\r\n`);
      const answer = (await connection.response())!;
      expect(answer.status).toBe(upgrade === 'h2c' ? 200 : 501);
      expect(answer.headers.connection).toBe('close');
      await connection.closed; // without the close, the client would wait forever for /behind's answer
      connection.close();
    }
  });

  it('without "upgrade" in Connection, an Upgrade header alone keeps the connection open', async () => {
    const connection = await RawConnection.open(gateway.port);
    connection.write('GET /live/one HTTP/1.1\r\nHost: gw.test\r\nUpgrade: h2c\r\n\r\nGET /live/two HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    const answers = [(await connection.response())!, (await connection.response())!];
    expect(answers.map((a) => [a.status, a.headers.connection])).toEqual([[200, 'keep-alive'], [200, 'keep-alive']]);
    connection.close();
  });
});
