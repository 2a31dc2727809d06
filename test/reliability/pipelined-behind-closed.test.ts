// Requests pipelined behind an answer after which the gateway closes the connection: a body it cut (an upstream
// that failed mid-body, a body timeout), an answer to HTTP/1.0 that ends at the connection's close, a draining
// stop. The client did not leave; the log must not say it did (499 CLIENT_GONE). Nor may it record an answer that
// never went out: a 400 for the bytes behind a request that said `Connection: close`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../support/raw-upstream-gateway';
import { RawConnection } from '../support/raw-connection';

const CRLF = '\r\n';
const request = (head: string[]) => head.join(CRLF) + CRLF + CRLF;

/** Paths the upstream was asked for, in order. */
const asked: string[] = [];
const ANSWERS: Record<string, (socket: Socket) => void> = {
  // Five bytes of a chunked body, then the connection ends: the body failed after bytes went to the client.
  '/raw/chunk-cut': (socket) => socket.end(`HTTP/1.1 200 OK${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}5${CRLF}hello${CRLF}`),
  // Five bytes, then silence past responseMs: the body wait cuts it (UND_ERR_BODY_TIMEOUT).
  '/raw/chunk-stall': (socket) => socket.write(`HTTP/1.1 200 OK${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}5${CRLF}hello${CRLF}`),
  // Complete, but without a length an HTTP/1.0 client can read: its answer ends at the connection's close.
  '/raw/chunked': (socket) => socket.end(`HTTP/1.1 200 OK${CRLF}Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}2${CRLF}ok${CRLF}0${CRLF}${CRLF}`),
};

let setup: RawUpstreamBehindGateway;

beforeAll(async () => {
  setup = await startRawUpstreamBehindGateway({ name: 'raw', pathPrefix: '/raw' }, (socket, path) => {
    asked.push(path);
    const answer = ANSWERS[path];
    if (answer) return answer(socket);
    const slow = /^\/raw\/slow/.test(path);
    // The raw upstream reads one request a connection.
    setTimeout(() => socket.end(`HTTP/1.1 200 OK${CRLF}Content-Length: ${path.length}${CRLF}Connection: close${CRLF}${CRLF}${path}`), slow ? 100 : 0);
  }, { timeouts: { responseMs: 200 } });
});

afterAll(async () => {
  await setup.close();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const logged = (path: string) => setup.gateway.logs.filter((e) => e.path === path);

describe('a request waiting its turn behind an answer after which the gateway closes the connection', () => {
  it.each([
    ['a body the upstream broke off', '/raw/chunk-cut', 'HTTP/1.1', 'UND_ERR_SOCKET'],
    ['a body timed out', '/raw/chunk-stall', 'HTTP/1.1', 'UND_ERR_BODY_TIMEOUT'],
    ['an answer to HTTP/1.0 that ends at the close', '/raw/chunked', 'HTTP/1.0', undefined],
  ])('behind %s is logged 444 CONNECTION_CLOSING, after that answer, and never goes upstream', async (_name, first, version, firstError) => {
    const behind = `${first}-behind`;
    const keepAlive = version === 'HTTP/1.0' ? ['Connection: keep-alive'] : [];
    const conn = await RawConnection.open(setup.gateway.port);
    conn.write(request([`GET ${first} ${version}`, 'Host: gw.test', ...keepAlive]) + request([`DELETE ${behind} ${version}`, 'Host: gw.test', ...keepAlive]));
    await conn.closed;
    await until(() => logged(behind).length > 0 && logged(first).length > 0);
    expect(logged(first)).toEqual([expect.objectContaining({ status: 200, ...(firstError ? { error: firstError } : {}) })]);
    expect(logged(behind)).toEqual([expect.objectContaining({ method: 'DELETE', status: 444, error: 'CONNECTION_CLOSING' })]);
    // In order: the answer that closed the connection, then the request behind it.
    const lines = setup.gateway.logs.map((e) => e.path);
    expect(lines.indexOf(first)).toBeLessThan(lines.indexOf(behind));
    expect(asked).not.toContain(behind);
    await until(() => setup.gateway.inFlight === 0);
  });

  it('a client that leaves while it waits is still logged as leaving (499 CLIENT_GONE)', async () => {
    const conn = await RawConnection.open(setup.gateway.port);
    conn.write(request(['GET /raw/slow-left HTTP/1.1', 'Host: gw.test']) + request(['GET /raw/left-behind HTTP/1.1', 'Host: gw.test']));
    await until(() => asked.includes('/raw/slow-left'));
    conn.close();
    await until(() => logged('/raw/left-behind').length > 0);
    expect(logged('/raw/left-behind')).toEqual([expect.objectContaining({ status: 499, error: 'CLIENT_GONE' })]);
    expect(asked).not.toContain('/raw/left-behind');
  });
});

describe('bytes pipelined behind a request that closes the connection', () => {
  it.each([
    ['Connection: close', ['GET /raw/closing HTTP/1.1', 'Host: gw.test', 'Connection: close']],
    ['HTTP/1.0 without keep-alive', ['GET /raw/closing HTTP/1.0', 'Host: gw.test']],
  ])('(%s) get no answer and no log line: the requests before them are answered and logged, in order, then the connection closes', async (_name, closing) => {
    const before = setup.gateway.logs.length;
    const conn = await RawConnection.open(setup.gateway.port);
    conn.write(request(['GET /raw/slow-first HTTP/1.1', 'Host: gw.test']) + request(closing) + request(['GET /raw/never HTTP/1.1', 'Host: gw.test']));
    const answers = [await conn.response(), await conn.response()];
    expect(answers.map((a) => [a?.status, a?.body])).toEqual([[200, '/raw/slow-first'], [200, '/raw/closing']]);
    await conn.closed;
    expect(await conn.response()).toBeUndefined();
    await until(() => setup.gateway.inFlight === 0 && setup.gateway.logs.slice(before).some((e) => e.path === '/raw/closing'));
    // Node's parser refuses the bytes behind `Connection: close` as it reads them, before either answer is out: a
    // line for them would be here already.
    expect(setup.gateway.logs.slice(before).map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', '/raw/slow-first', 200],
      ['GET', '/raw/closing', 200],
    ]);
    expect(asked).not.toContain('/raw/never');
  });
});

describe('a request waiting its turn when a draining close cuts the connection', () => {
  it("is logged as the gateway's cut (444 GATEWAY_STOPPED), not the client's", async () => {
    const stopping = await startRawUpstreamBehindGateway({ name: 'raw', pathPrefix: '/raw' }, (socket) => {
      // A stream that never ends: the drain's deadline cuts it.
      socket.write(`HTTP/1.1 200 OK${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}5${CRLF}hello${CRLF}`);
    });
    const conn = await RawConnection.open(stopping.gateway.port);
    conn.write(request(['GET /raw/endless HTTP/1.1', 'Host: gw.test']) + request(['DELETE /raw/queued HTTP/1.1', 'Host: gw.test']));
    expect(await conn.response(undefined, { head: true })).toMatchObject({ status: 200 });
    expect(await stopping.gateway.close(0)).toEqual({ cut: 1 });
    stopping.upstream.close();
    const lines = stopping.gateway.logs.map(({ path, status, error }) => ({ path, status, error }));
    expect(lines).toEqual([
      { path: '/raw/endless', status: 200, error: 'GATEWAY_STOPPED' },
      { path: '/raw/queued', status: 444, error: 'GATEWAY_STOPPED' },
    ]);
  });
});
