// Issue 13's rules on the wire, over raw sockets against a real gateway and a recording upstream: transfer codings,
// every header seen, no HTTP/0.9, 100 Continue only for admitted requests and 417 for any other expectation, dot segments with parameters and
// non-UTF-8 escapes refused, and client-sent identity headers dropped. Refused requests never reach the upstream.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../support/gateway';
import { RawConnection, type RawResponse } from '../support/raw-connection';

let upstream: RecordingUpstream;
let gateway: TestGateway;
let before = 0;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  // The recording upstream must see every header too.
  upstream.server.maxHeadersCount = 0;
  gateway = await startTestGateway(
    {
      services: [
        { name: 'echo', pathPrefix: '/echo', upstream: { url: upstream.url } },
        { name: 'public', pathPrefix: '/public', upstream: { url: `${upstream.url}/public-api` } },
        { name: 'admin', pathPrefix: '/admin', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } },
        { name: 'readonly', pathPrefix: '/readonly', upstream: { url: upstream.url } },
      ],
      routes: [{ name: 'readonly-get', service: 'readonly', path: '/', methods: ['GET'] }],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    },
    { 'alex-pw': { password: 'wire-pw-1' } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

beforeEach(() => {
  before = upstream.requests.length;
});

const CRLF = '\r\n';
const request = (head: string[], body = '') => head.join(CRLF) + CRLF + CRLF + body;
const ALEX = basic('alex', 'wire-pw-1');

async function exchange(raw: string): Promise<{ res: RawResponse | undefined; conn: RawConnection }> {
  const conn = await RawConnection.open(gateway.port);
  conn.write(raw);
  return { res: await conn.response(), conn };
}

function expectJson(res: RawResponse | undefined, status: number, message?: RegExp): void {
  expect(res, 'an answer').toBeDefined();
  expect(res!.status).toBe(status);
  expect(res!.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res!.body) as { message: string };
  if (message) expect(body.message).toMatch(message);
}

async function expectRefusedAndClosed(raw: string, status: number, message?: RegExp): Promise<void> {
  const { res, conn } = await exchange(raw);
  try {
    expectJson(res, status, message);
    expect(res!.headers.connection).toBe('close');
    await conn.closed;
  } finally {
    conn.close();
  }
  expect(upstream.requests.length, 'the upstream saw nothing').toBe(before);
}

describe('transfer codings (RFC 9112 §6.1)', () => {
  it.each([
    ['an unknown coding before chunked', ['Transfer-Encoding: foo, chunked']],
    ['an unknown coding in its own header', ['Transfer-Encoding: foo', 'Transfer-Encoding: chunked']],
    ['gzip before chunked (the gateway does not decode it)', ['Transfer-Encoding: gzip, chunked']],
  ])('%s: 501 JSON, connection closed', async (_name, te) => {
    await expectRefusedAndClosed(request(['POST /echo/a HTTP/1.1', 'Host: gw.test', ...te], `4${CRLF}abcd${CRLF}0${CRLF}${CRLF}`), 501, /transfer coding/);
  });

  it.each([
    ['chunked, then another coding', ['Transfer-Encoding: chunked, foo']],
    ['chunked twice', ['Transfer-Encoding: chunked, chunked']],
    ['identity only', ['Transfer-Encoding: identity']],
  ])('%s: 400 JSON, connection closed', async (_name, te) => {
    await expectRefusedAndClosed(request(['POST /echo/a HTTP/1.1', 'Host: gw.test', ...te], `0${CRLF}${CRLF}`), 400);
  });

  it('an HTTP/1.0 request with Transfer-Encoding: 400 JSON, connection closed, nothing pipelined behind it answered', async () => {
    // RFC 9112 §6.1: faulty framing in HTTP/1.0, whatever the coding; it was forwarded chunk-decoded and the
    // connection kept alive for the request behind it.
    const first = request(['POST /echo/http10 HTTP/1.0', 'Host: gw.test', 'Connection: keep-alive', 'Transfer-Encoding: chunked'], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`);
    const { res, conn } = await exchange(first + request(['GET /echo/behind-http10 HTTP/1.1', 'Host: gw.test']));
    try {
      expectJson(res, 400, /HTTP\/1\.0 request must not have a Transfer-Encoding/);
      expect(res!.headers.connection).toBe('close');
      await conn.closed;
      expect(await conn.response()).toBeUndefined();
    } finally {
      conn.close();
    }
    expect(gateway.logs.find((e) => e.path === '/echo/http10')).toMatchObject({ status: 400, error: 'BAD_TRANSFER_ENCODING' });
    // Logged once it was read and left alone: from then on it cannot reach the upstream.
    await expect.poll(() => gateway.logs.find((e) => e.path === '/echo/behind-http10')).toMatchObject({ status: 444, error: 'CONNECTION_CLOSING' });
    expect(upstream.requests.length, 'the upstream saw nothing').toBe(before);
  });

  it('forwards a plain chunked body', async () => {
    const { res, conn } = await exchange(request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `4${CRLF}abcd${CRLF}0${CRLF}${CRLF}`));
    conn.close();
    expect(res?.status).toBe(200);
    expect(upstream.requests[before]!.bodyBytes).toBe(4);
  });
});

describe('headers', () => {
  // Short names, so 2100 of them stay under Node's 16 KiB header limit.
  const others = Array.from({ length: 2100 }, (_, i) => `${i.toString(36)}:v`);

  it('sees every header: a second Authorization after 2100 others is a 401, not a login', async () => {
    const { res, conn } = await exchange(request(['GET /admin/x HTTP/1.1', 'Host: gw.test', `Authorization: ${ALEX}`, ...others, `Authorization: ${ALEX}`]));
    conn.close();
    expectJson(res, 401, /Invalid authorization/);
    expect(upstream.requests.length).toBe(before);
  });

  it('forwards all of them, not the first thousand', async () => {
    const { res, conn } = await exchange(request(['GET /echo/many HTTP/1.1', 'Host: gw.test', ...others, 'X-Last: here']));
    conn.close();
    expect(res?.status).toBe(200);
    expect(upstream.requests[before]!.headers['x-last']).toBe('here');
    expect(upstream.requests[before]!.headers[(2099).toString(36)]).toBe('v');
  });

  it('answers 431 when the headers pass 16 KiB together, whatever their count', async () => {
    const big = Array.from({ length: 20 }, (_, i) => `X-Big-${i}: ${'b'.repeat(1000)}`);
    await expectRefusedAndClosed(request(['GET /echo/big HTTP/1.1', 'Host: gw.test', ...big]), 431);
  });

  it('adds the gateway to Via (RFC 9110 §7.6.3) with the version the client spoke, after a client\'s own entries', async () => {
    for (const [head, via] of [
      [['GET /echo/via HTTP/1.1', 'Host: gw.test'], '1.1 gatehouse'],
      [['GET /echo/via HTTP/1.0', 'Host: gw.test'], '1.0 gatehouse'],
      [['GET /echo/via HTTP/1.1', 'Host: gw.test', 'Via: 1.0 fred', 'Via: 1.1 p.example.net'], '1.0 fred, 1.1 p.example.net, 1.1 gatehouse'],
    ] as const) {
      const { res, conn } = await exchange(request([...head]));
      conn.close();
      expect(res?.status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.via).toBe(via);
    }
  });

  it('drops every X-Consumer-* and X-Credential-* header a client sends', async () => {
    const { res, conn } = await exchange(request([
      'GET /admin/who HTTP/1.1', 'Host: gw.test', `Authorization: ${ALEX}`,
      'X-Consumer-Custom-Id: admin', 'X-Consumer-Groups: admins', 'X-Credential-Username: admin', 'X-Consumer-ID: 1', 'X-Anonymous-Consumer: false',
    ]));
    conn.close();
    expect(res?.status).toBe(200);
    const seen = upstream.requests[before]!.headers;
    expect(Object.keys(seen).filter((name) => /^x-(consumer|credential|anonymous)-/.test(name)).sort()).toEqual(['x-consumer-username', 'x-credential-identifier']);
    expect(seen['x-consumer-username']).toBe('alex');
  });
});

describe('request lines', () => {
  it.each([
    ['ended by a bare LF, with headers', 'GET /echo/a\nHost: gw.test\r\n\r\n'],
    ['ended by a bare LF, without headers', 'GET /echo/a\n\r\n'],
    ['ended by CRLF', 'GET /echo/a\r\nHost: gw.test\r\n\r\n'],
  ])('HTTP/0.9 style (no version), %s: 400, never forwarded', async (_name, raw) => {
    await expectRefusedAndClosed(raw, 400, /HTTP\/0\.9/);
  });
});

describe('Expect: 100-continue', () => {
  const expecting = (target: string, extra: string[] = []) => request([`POST ${target} HTTP/1.1`, 'Host: gw.test', 'Content-Length: 4', 'Expect: 100-continue', ...extra]);

  it.each([
    ['no credentials', '/admin/upload', [], 401],
    ['a wrong password', '/admin/upload', [`Authorization: ${basic('alex', 'nope')}`], 401],
    ['no route', '/nowhere', [], 404],
    ['a method the route does not allow', '/readonly/x', [], 405],
  ])('%s: the final answer comes first, no 100, and the connection closes', async (_name, target, extra, status) => {
    const { res, conn } = await exchange(expecting(target, extra as string[]));
    try {
      expectJson(res, status);
      expect(res!.headers.connection).toBe('close');
      await conn.closed;
      expect(conn.pending).not.toMatch(/100 Continue/);
    } finally {
      conn.close();
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('a refused client that sends its body without waiting for 100 (RFC 9110 §10.1.1 lets it): the refusal, the connection closed, nothing behind it served', async () => {
    const smuggled = request(['GET /echo/behind-the-body HTTP/1.1', 'Host: gw.test']);
    const { res, conn } = await exchange(
      request(['POST /admin/upload HTTP/1.1', 'Host: gw.test', `Content-Length: ${smuggled.length}`, 'Expect: 100-continue'], smuggled) + request(['GET /echo/behind HTTP/1.1', 'Host: gw.test']),
    );
    try {
      expectJson(res, 401);
      expect(res!.headers.connection).toBe('close');
      await conn.closed;
      expect(conn.pending).toBe('');
    } finally {
      conn.close();
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('an admitted request is invited, sends its body and is forwarded', async () => {
    const conn = await RawConnection.open(gateway.port);
    try {
      conn.write(expecting('/admin/upload', [`Authorization: ${ALEX}`]));
      expect((await conn.response())?.status).toBe(100);
      conn.write('abcd');
      const res = await conn.response();
      expect(res?.status).toBe(200);
      expect(upstream.requests[before]!.bodyBytes).toBe(4);
      expect(upstream.requests[before]!.headers.expect).toBeUndefined();
    } finally {
      conn.close();
    }
  });
});

describe('Expect with anything but 100-continue (RFC 9110 §10.1.1)', () => {
  it('is answered 417 as JSON before any route or login is looked at, logged, and the connection closes', async () => {
    await expectRefusedAndClosed(request(['POST /admin/upload HTTP/1.1', 'Host: gw.test', 'Content-Length: 4', 'Expect: a-miracle']), 417, /100-continue/);
    expect(gateway.logs.at(-1)).toMatchObject({ method: 'POST', path: '/admin/upload', status: 417, error: 'EXPECTATION_FAILED', consumer: null });
  });

  it('is ignored from an HTTP/1.0 client, as Node ignores its expectations: the request is served', async () => {
    const { res, conn } = await exchange(request(['GET /echo/old HTTP/1.0', 'Host: gw.test', 'Expect: a-miracle']));
    conn.close();
    expect(res?.status).toBe(200);
    expect(upstream.requests[before]!.headers.expect).toBeUndefined();
  });
});

describe('paths that common backends read as a step up the tree', () => {
  it.each([
    ['a dot-dot segment with an empty parameter', '/public/..;/x'],
    ['a dot-dot segment with parameters', '/public/..;a=b/x'],
    ['a dot segment with a parameter', '/public/.;/x'],
    ['an encoded dot-dot segment with a parameter', '/public/%2e%2e;/x'],
    ['overlong UTF-8 dots', '/public/%c0%ae%c0%ae/x'],
    ['an overlong UTF-8 slash', '/public/..%c0%afx'],
    ['a lone continuation byte', '/public/%80x'],
    ['double-encoded overlong dots', '/public/%25c0%25ae%25c0%25ae/x'],
  ])('%s (%s): 400', async (_name, target) => {
    const { res, conn } = await exchange(request([`GET ${target} HTTP/1.1`, 'Host: gw.test']));
    conn.close();
    expectJson(res, 400, /request path/);
    expect(upstream.requests.length).toBe(before);
  });

  it.each([
    ['a parameter on an ordinary segment', '/public/a;v=1/b', '/public-api/a;v=1/b'],
    ['dots inside a segment', '/public/x..;y', '/public-api/x..;y'],
    ['UTF-8 escapes', '/public/caf%C3%A9', '/public-api/caf%C3%A9'],
  ])('keeps %s', async (_name, target, forwarded) => {
    const { res, conn } = await exchange(request([`GET ${target} HTTP/1.1`, 'Host: gw.test']));
    conn.close();
    expect(res?.status).toBe(200);
    expect(upstream.requests[before]!.url).toBe(forwarded);
  });
});
