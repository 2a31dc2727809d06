// A 304 or 204 ends with its head (RFC 9112 §6.3), whatever Content-Length it carries: RFC 9110 §8.6 lets a 304 to
// a conditional GET carry the length of the representation it stands for (ASP.NET, cowboy and tornado send it).
// undici checks every answer but HEAD's against its Content-Length and failed these, so every revalidation against
// such a backend was a 502 "unreachable". They are relayed as the complete answers they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection } from '../../support/raw-connection';
import type { TestGateway } from '../../support/gateway';

let gateway: TestGateway;
let close: () => Promise<void>;

const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  '/b/not-modified': (socket) => socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: "x"\r\nCache-Control: max-age=60\r\n\r\n'),
  // The 5 bytes after the head are not this answer's: a 204 has no body.
  '/b/no-content': (socket) => socket.write('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX-Kept: yes\r\n\r\nhello'),
  // Closes its side after each answer: the raw upstream reads one request per connection.
  '/b/ok': (socket) => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
};

beforeAll(async () => {
  ({ gateway, close } = await startRawUpstreamBehindGateway({ name: 'bodiless', pathPrefix: '/b' }, (socket, path) => BEHAVIOURS[path]?.(socket)));
});

afterAll(() => close());

describe('a 304 or 204 from the upstream with a Content-Length', () => {
  it('relays a 304 with its headers, its Content-Length as sent, and no body; the connection serves the next request', async () => {
    const client = await RawConnection.open(gateway.port);
    client.write('GET /b/not-modified HTTP/1.1\r\nHost: x\r\nIf-None-Match: "x"\r\n\r\n');
    const answer = await client.response();
    expect(answer?.status).toBe(304);
    expect(answer?.headers).toMatchObject({ 'content-length': '1234', etag: '"x"', 'cache-control': 'max-age=60' });
    client.write('GET /b/ok HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await client.response()).toMatchObject({ status: 200, body: 'ok' });
    client.close();
    await expect.poll(() => gateway.logs.find((e) => e.path === '/b/not-modified')).toMatchObject({ status: 304 });
    expect(gateway.logs.find((e) => e.path === '/b/not-modified')?.error).toBeUndefined();
  });

  it('relays a 204 without its Content-Length and without the bytes behind its head', async () => {
    const client = await RawConnection.open(gateway.port);
    client.write('DELETE /b/no-content HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await client.response();
    expect(answer?.status).toBe(204);
    expect(answer?.headers['x-kept']).toBe('yes');
    expect(answer?.headers['content-length']).toBeUndefined();
    client.write('GET /b/ok HTTP/1.1\r\nHost: x\r\n\r\n');
    // "hello" did not reach the client: the next thing on the connection is the next answer.
    expect(await client.response()).toMatchObject({ status: 200, body: 'ok' });
    client.close();
  });
});
