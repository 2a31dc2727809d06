// An upstream that sends bytes after a complete response (beyond its Content-Length, or after the last chunk)
// loses that connection (RFC 9112 §6.3: it cannot be reused), and the gateway's log says so in one line naming
// the upstream's origin, never the bytes. The client's answer, complete already, is as the upstream framed it,
// and the next request goes out on a new connection.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { request } from 'undici';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';

let setup: RawUpstreamBehindGateway | undefined;

afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** Bytes a test can find in the log if they leaked into it. */
const EXTRA = 'EXTRA-secret-bytes';

const ANSWERS = {
  'beyond its Content-Length': `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${EXTRA}`,
  'after its last chunk': `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n${EXTRA}`,
};

describe('bytes after a complete upstream response', () => {
  for (const [where, first] of Object.entries(ANSWERS)) {
    it(`logs the upstream's origin once for bytes ${where}, answers the client, and sends the next request on a new connection`, async () => {
      const connections: Socket[] = [];
      setup = await startRawUpstreamBehindGateway({ name: 'extra', pathPrefix: '/extra' }, (socket) => {
        connections.push(socket);
        // The first connection's answer carries the extra bytes; a later connection answers cleanly.
        socket.write(connections.length === 1 ? first : 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond');
      });
      const { gateway, upstream } = setup;
      const logged = gateway.firstConnectionLog();

      const answer = await request(`${gateway.url}/extra/a`);
      expect(answer.statusCode).toBe(200);
      expect(await answer.body.text()).toBe('ok');

      const origin = `http://127.0.0.1:${upstream.port}`;
      expect(await logged).toEqual({
        time: expect.any(String),
        upstream: origin,
        error: 'UPSTREAM_BYTES_AFTER_RESPONSE',
        message: `upstream ${origin} sent bytes after a complete response; connection closed`,
      });

      const next = await request(`${gateway.url}/extra/b`);
      expect(next.statusCode).toBe(200);
      expect(await next.body.text()).toBe('second');
      expect(connections).toHaveLength(2);
      expect(gateway.logs.map((e) => [e.status, e.error])).toEqual([[200, undefined], [200, undefined]]);
      expect(gateway.connectionLogs).toHaveLength(1);
      expect(JSON.stringify([gateway.logs, gateway.connectionLogs])).not.toContain('EXTRA');
    });
  }

  it('logs bytes that come later, on the idle connection, once the client has its answer', async () => {
    let idle: Socket | undefined;
    setup = await startRawUpstreamBehindGateway({ name: 'extra', pathPrefix: '/extra' }, (socket) => {
      idle = socket;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const { gateway, upstream } = setup;
    const answer = await request(`${gateway.url}/extra/a`);
    expect(await answer.body.text()).toBe('ok');
    expect(gateway.connectionLogs).toEqual([]);
    idle!.write(EXTRA);
    expect((await gateway.firstConnectionLog()).upstream).toBe(`http://127.0.0.1:${upstream.port}`);
  });

  // undici said "bad response" of both; an unasked 100 is now read as the interim answer it is (unasked-informational-answers.ts).
  it('does not say it for an unasked 100 Continue, whose final answer is relayed on a connection kept', async () => {
    const connections = new Set<Socket>();
    // Each request on a connection (a GET's head comes in one read on loopback) gets the same two answers.
    const answer = (socket: Socket) => {
      connections.add(socket);
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      socket.once('data', () => answer(socket));
    };
    setup = await startRawUpstreamBehindGateway({ name: 'extra', pathPrefix: '/extra' }, answer);
    for (const path of ['/extra/a', '/extra/b']) {
      const answer = await request(`${setup.gateway.url}${path}`);
      expect([answer.statusCode, await answer.body.text()]).toEqual([200, 'ok']);
    }
    expect(connections.size).toBe(1);
    await expect.poll(() => setup!.gateway.logs.map((e) => [e.status, e.error])).toEqual([[200, undefined], [200, undefined]]);
    expect(setup.gateway.connectionLogs).toEqual([]);
  });
});
