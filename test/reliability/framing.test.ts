// Request smuggling, framing and hostile targets over raw sockets. Every case gets a clean 4xx with a JSON body;
// the upstream never completes a request built from a malformed one; a refusal that keeps the connection open
// leaves the next request on it unaffected, and one that closes it says `connection: close`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from '../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../support/gateway';
import { RawConnection, type RawResponse } from '../support/raw-connection';

const MAX_BODY = 64 * 1024;
let upstream: RecordingUpstream;
let gateway: TestGateway;
/** Requests the upstream received completely (its handler ran). */
const completed: RecordedRequest[] = [];
/** Upstream requests that ended before their body was complete. */
let abortedUpstream = 0;

beforeAll(async () => {
  upstream = await startRecordingUpstream((_req, res, recorded) => {
    completed.push(recorded);
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: recorded.url, bodyBytes: recorded.bodyBytes }));
    };
    if (recorded.url.startsWith('/slow')) setTimeout(answer, 300);
    else answer();
  });
  upstream.server.on('request', (req: IncomingMessage) => {
    req.once('close', () => {
      if (!req.complete) abortedUpstream += 1;
    });
  });
  gateway = await startTestGateway(
    {
      gateway: { limits: { maxBodyBytes: MAX_BODY } },
      services: [
        { name: 'echo', pathPrefix: '/echo', upstream: { url: upstream.url } },
        { name: 'public', pathPrefix: '/public', upstream: { url: `${upstream.url}/public-api` } },
        { name: 'admin', pathPrefix: '/admin', upstream: { url: `${upstream.url}/admin-api` }, plugins: { 'basic-auth': {} } },
        { name: 'readonly', pathPrefix: '/readonly', upstream: { url: upstream.url } },
      ],
      routes: [{ name: 'readonly-get', service: 'readonly', path: '/', methods: ['GET'] }],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    },
    { 'alex-pw': { password: 'framing-pw-1' } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

let before = 0;
beforeEach(() => {
  before = completed.length;
});

const CRLF = '\r\n';
const request = (head: string[], body = '') => head.join(CRLF) + CRLF + CRLF + body;
const VALID = request(['GET /echo/next?n=1 HTTP/1.1', 'Host: gw.test']);

/** Every request the upstream completed looks like one a correct client would send. */
function expectWellFormed(recorded: RecordedRequest): void {
  expect(recorded.url.startsWith('/')).toBe(true);
  expect(recorded.url.split('?')[0]!.split('/')).not.toContain('..');
  expect(recorded.url).not.toMatch(/%2e|%2f|%5c|%00|#/i);
  expect(recorded.headers['content-length'] !== undefined && recorded.headers['transfer-encoding'] !== undefined).toBe(false);
  if (recorded.headers['content-length'] !== undefined) expect(recorded.bodyBytes).toBe(Number(recorded.headers['content-length']));
  expect(recorded.rawHeaders.filter((_, i) => i % 2 === 0 && recorded.rawHeaders[i]!.toLowerCase() === 'host')).toHaveLength(1);
}

function expectJsonRefusal(res: RawResponse | undefined, status: number): void {
  expect(res, 'an answer').toBeDefined();
  expect(res!.status).toBe(status);
  expect(res!.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof (JSON.parse(res!.body) as { message?: unknown }).message).toBe('string');
}

/**
 * Sends `raw` on a new connection and checks the answer. `closes`: the gateway must close the connection (and a
 * fresh one must work); otherwise the next request on the same connection must be served as usual.
 */
async function refused(raw: string, status: number, closes: boolean): Promise<void> {
  const conn = await RawConnection.open(gateway.port);
  try {
    conn.write(raw);
    const res = await conn.response();
    expectJsonRefusal(res, status);
    if (closes) {
      expect(res!.headers.connection).toBe('close');
      await conn.closed; // the gateway closes it; if it never does, the test's timeout says so
    } else {
      expect(res!.headers.connection).not.toBe('close');
      conn.write(VALID);
      const next = await conn.response();
      expect(next?.status).toBe(200);
      expect(JSON.parse(next!.body)).toEqual({ url: '/next?n=1', bodyBytes: 0 });
    }
  } finally {
    conn.close();
  }
  if (closes) {
    const fresh = await RawConnection.open(gateway.port);
    fresh.write(VALID);
    expect((await fresh.response())?.status).toBe(200);
    fresh.close();
  }
  // The upstream completed only the follow-up requests, each well-formed.
  const seen = completed.slice(before);
  expect(seen.map((r) => r.url)).toEqual(['/next?n=1']);
  seen.forEach(expectWellFormed);
}

const SMUGGLED = request(['GET /admin/secret HTTP/1.1', 'Host: gw.test']);

describe('request smuggling and framing (refused by the HTTP parser: 400, connection closed)', () => {
  const cases: [string, string][] = [
    ['Content-Length then Transfer-Encoding (CL.TE)', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', `Content-Length: ${5 + SMUGGLED.length}`, 'Transfer-Encoding: chunked'], `0${CRLF}${CRLF}${SMUGGLED}`)],
    ['Transfer-Encoding then Content-Length (TE.CL)', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked', 'Content-Length: 4'], `5c${CRLF}${SMUGGLED}${CRLF}0${CRLF}${CRLF}`)],
    ['Transfer-Encoding chunked with Content-Length: 0', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked', 'Content-Length: 0'], `0${CRLF}${CRLF}`)],
    ['two equal Content-Length headers', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 4', 'Content-Length: 4'], 'abcd')],
    ['conflicting Content-Length headers', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 4', 'Content-Length: 40'], 'abcd')],
    ['a Content-Length list', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 4, 4'], 'abcd')],
    ['a signed Content-Length', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: +4'], 'abcd')],
    ['a negative Content-Length', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: -1'], 'abcd')],
    ['an overflowing Content-Length', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 99999999999999999999999'], 'abcd')],
    ['whitespace before the colon of Content-Length', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length : 4'], 'abcd')],
    ['whitespace before the colon of Transfer-Encoding', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding : chunked'], `0${CRLF}${CRLF}`)],
    ['Transfer-Encoding: identity', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: identity'], 'abcd')],
    ['chunked not the last coding', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked, gzip'], `0${CRLF}${CRLF}`)],
    ['an obfuscated coding (xchunked)', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: xchunked'], `0${CRLF}${CRLF}`)],
    ['two Transfer-Encoding headers', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], `0${CRLF}${CRLF}`)],
    ['obsolete line folding (space)', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-Folded: a', ' b'])],
    ['obsolete line folding (tab)', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-Folded: a', '\tTransfer-Encoding: chunked'])],
    ['a bare CR in a header value', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A: a\rb'])],
    ['a bare LF in a header value', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A: a\nContent-Length: 5'])],
    ['LF-only line endings', 'GET /echo/a HTTP/1.1\nHost: gw.test\n\n'],
    ['a NUL in a header value', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A: a\0b'])],
    ['a space in a header name', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X A: b'])],
    ['an empty header name', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', ': b'])],
    ['a control character in the target', request(['GET /echo/a\x01b HTTP/1.1', 'Host: gw.test'])],
    ['a space in the target', request(['GET /echo/a b HTTP/1.1', 'Host: gw.test'])],
    ['a tab after the method', request(['GET\t/echo/a HTTP/1.1', 'Host: gw.test'])],
    ['HTTP/1.2', request(['GET /echo/a HTTP/1.2', 'Host: gw.test'])],
    ['a malformed version', request(['GET /echo/a HTTP/1.1x', 'Host: gw.test'])],
    ['an unknown method', request(['FOO /echo/a HTTP/1.1', 'Host: gw.test'])],
    ['a lower-case method', request(['get /echo/a HTTP/1.1', 'Host: gw.test'])],
  ];
  it.each(cases)('%s', async (_name, raw) => {
    await refused(raw, 400, true);
  });
});

describe('framing errors inside a body that is already being forwarded (400, connection closed, upstream request abandoned)', () => {
  const cases: [string, string, number][] = [
    ['an invalid chunk size', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `zz${CRLF}abcd${CRLF}0${CRLF}${CRLF}`), 400],
    ['a chunk longer than its size', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `3${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 400],
    ['an overflowing chunk size', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `ffffffffffffffffffff${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 400],
    ['LF-only chunk lines', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], '4\nabcd\n0\n\n'), 400],
    ['Content-Length in the trailer', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `0${CRLF}Content-Length: 5${CRLF}${CRLF}`), 400],
    ['oversized chunk extensions', request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `5;${'x'.repeat(20_000)}${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 413],
  ];
  it.each(cases)('%s', async (_name, raw, status) => {
    await refused(raw, status, true);
    await expect.poll(() => gateway.inFlight).toBe(0);
  });
});

describe('oversized headers (431, connection closed)', () => {
  const cases: [string, string][] = [
    ['one 20 KB header', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', `X-Big: ${'a'.repeat(20_000)}`])],
    ['3000 small headers', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', ...Array.from({ length: 3000 }, (_, i) => `X-${i}: v`)])],
    ['a 20 KB header whose value reads as a request line', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', `X-Big: GET /${'a'.repeat(20_000)} HTTP/1.1`])],
    ['a 10 KB target and a 10 KB header', request([`GET /echo/${'a'.repeat(10_000)} HTTP/1.1`, 'Host: gw.test', `X-Big: ${'a'.repeat(10_000)}`])],
  ];
  it.each(cases)('%s', async (_name, raw) => {
    await refused(raw, 431, true);
  });
});

describe('oversized targets (414, connection closed)', () => {
  // RFC 9110 §15.5.15, as nginx answers: these were 431, Node's parser naming both overflows alike.
  const target = `/echo/${'a'.repeat(20_000)}`;
  it.each([
    ['origin-form', request([`GET ${target} HTTP/1.1`, 'Host: gw.test'])],
    ['absolute-form', request([`GET http://gw.test${target} HTTP/1.1`, 'Host: gw.test'])],
  ])('a 20 KB target, %s', async (_name, raw) => {
    const logged = gateway.logs.length;
    await refused(raw, 414, true);
    expect(gateway.logs.slice(logged)).toContainEqual(expect.objectContaining({ status: 414, error: 'HPE_HEADER_OVERFLOW' }));
  });

  it('a 20 KB target behind a complete request in the same write, and on a connection that served one, written in two parts', async () => {
    const pipelined = await RawConnection.open(gateway.port);
    pipelined.write(VALID + request([`POST ${target} HTTP/1.1`, 'Host: gw.test', 'Content-Length: 0']));
    expect((await pipelined.response())?.status).toBe(200);
    expectJsonRefusal(await pipelined.response(), 414);
    await pipelined.closed;
    pipelined.close();

    const reused = await RawConnection.open(gateway.port);
    reused.write(VALID);
    expect((await reused.response())?.status).toBe(200);
    // However the gateway reads the two parts (together or one by one), it sees the target's start or its end.
    reused.write(`GET ${target.slice(0, 12_000)}`);
    reused.write(`${target.slice(12_000)} HTTP/1.1${CRLF}Host: gw.test${CRLF}${CRLF}`);
    expectJsonRefusal(await reused.response(), 414);
    await reused.closed;
    reused.close();
  });
});

describe('oversized bodies (gateway.limits.maxBodyBytes: 413, connection closed)', () => {
  it('refuses a Content-Length above the limit before reading the body', async () => {
    await refused(request(['POST /echo/a HTTP/1.1', 'Host: gw.test', `Content-Length: ${MAX_BODY + 1}`]), 413, true);
  });

  it('refuses a chunked body once it grows past the limit, abandoning the upstream request', async () => {
    const aborted = abortedUpstream;
    const chunk = 'x'.repeat(16 * 1024);
    const chunks = Array.from({ length: 6 }, () => `4000${CRLF}${chunk}${CRLF}`).join('');
    await refused(request(['POST /echo/big HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `${chunks}0${CRLF}${CRLF}`), 413, true);
    await expect.poll(() => abortedUpstream).toBeGreaterThan(aborted);
    expect(gateway.logs.some((e) => e.path === '/echo/big' && e.status === 413 && e.error === 'BODY_TOO_LARGE')).toBe(true);
  });

  it('forwards bodies of exactly the limit, chunked or not', async () => {
    const conn = await RawConnection.open(gateway.port);
    const body = 'y'.repeat(MAX_BODY);
    conn.write(request(['POST /echo/exact HTTP/1.1', 'Host: gw.test', `Content-Length: ${MAX_BODY}`], body));
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/exact', bodyBytes: MAX_BODY });
    conn.write(request(['POST /echo/exact-chunked HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked'], `${MAX_BODY.toString(16)}${CRLF}${body}${CRLF}0${CRLF}${CRLF}`));
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/exact-chunked', bodyBytes: MAX_BODY });
    conn.close();
    completed.slice(before).forEach(expectWellFormed);
  });
});

describe('methods', () => {
  it('refuses CONNECT with 501 and logs it: the gateway is not a forward proxy', async () => {
    await refused(request(['CONNECT gw.test:443 HTTP/1.1', 'Host: gw.test:443']), 501, true);
    expect(gateway.logs.find((entry) => entry.method === 'CONNECT')).toMatchObject({ status: 501, error: 'CONNECT_NOT_SUPPORTED', path: '(not a path)' });
  });

  it('answers a method the route does not allow with 405 and Allow, keeping the connection', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['PROPFIND /readonly HTTP/1.1', 'Host: gw.test']));
    const res = await conn.response();
    expectJsonRefusal(res, 405);
    // A GET route answers HEAD too (RFC 9110 §9.1), and says so.
    expect(res!.headers.allow).toBe('GET, HEAD');
    conn.close();
    await refused(request(['PURGE /readonly/x HTTP/1.1', 'Host: gw.test']), 405, false);
  });

  it('forwards HEAD on a route that allows GET (RFC 9110 §9.1: GET and HEAD go together)', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['HEAD /readonly/x HTTP/1.1', 'Host: gw.test']));
    const res = await conn.response(undefined, { head: true });
    conn.close();
    expect(res?.status).toBe(200);
    expect(completed.slice(before).map((r) => [r.method, r.url])).toEqual([['HEAD', '/x']]);
  });
});

describe('request targets and Host (400 from the gateway, connection kept)', () => {
  const cases: [string, string][] = [
    ['absolute-form with another scheme', request(['GET ftp://gw.test/echo/a HTTP/1.1', 'Host: gw.test'])],
    ['absolute-form that is no URL', request(['GET http://[/echo HTTP/1.1', 'Host: gw.test'])],
    ['absolute-form with userinfo', request(['GET http://alex:pw@gw.test/echo/a HTTP/1.1', 'Host: gw.test'])],
    ['asterisk-form on a method other than OPTIONS', request(['DELETE * HTTP/1.1', 'Host: gw.test'])],
    ['a fragment', request(['GET /echo/a#frag HTTP/1.1', 'Host: gw.test'])],
    ['no Host in HTTP/1.1', request(['GET /echo/a HTTP/1.1'])],
    ['two Host headers', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'Host: admin.test'])],
    ['a Host that is no host name', request(['GET /echo/a HTTP/1.1', 'Host: gw.test/admin'])],
    ['a Host with a space', request(['GET /echo/a HTTP/1.1', 'Host: gw test'])],
  ];
  it.each(cases)('%s', async (_name, raw) => {
    await refused(raw, 400, false);
  });

  it('serves absolute-form naming the Host, forwarding origin-form', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['GET http://GW.test:8080/echo/abs?q=1 HTTP/1.1', 'Host: gw.test:8080']));
    const res = await conn.response();
    expect(res?.status).toBe(200);
    expect(JSON.parse(res!.body)).toEqual({ url: '/abs?q=1', bodyBytes: 0 });
    conn.close();
    completed.slice(before).forEach(expectWellFormed);
  });
});

describe('paths that try to leave a route prefix', () => {
  // Resolved first, then routed: the protected route's own authentication applies (401), never the public one's.
  const resolvedCases: [string, string, number][] = [
    ['dot segments into a protected service', '/public/../admin/x', 401],
    ['encoded dot segments into a protected service', '/public/%2e%2e/admin/x', 401],
    ['mixed-case encoded dots', '/public/.%2E/admin/x', 401],
    ['backslashes', '/public/..\\admin\\x', 401],
    ['more dot segments than there are segments', '/public/a/../../../../admin/x', 401],
    ['dot segments to no route at all', '/public/../../etc/passwd', 404],
  ];
  it.each(resolvedCases)('%s (%s) is routed after resolution', async (_name, path, status) => {
    await refused(request([`GET ${path} HTTP/1.1`, 'Host: gw.test']), status, false);
  });

  // A backend that decodes the path would see dot segments the gateway never resolved: refused.
  const hiddenCases: [string, string][] = [
    ['an encoded slash after dots', '/public/..%2fadmin/x'],
    ['encoded dots and slash', '/public/%2e%2e%2fadmin'],
    ['an encoded backslash after dots', '/public/..%5cadmin'],
    ['double encoding', '/public/%252e%252e%252fadmin'],
    ['an encoded NUL', '/public/a%00.json'],
    ['a malformed escape', '/public/%zz'],
  ];
  it.each(hiddenCases)('%s (%s) is refused with 400', async (_name, path) => {
    await refused(request([`GET ${path} HTTP/1.1`, 'Host: gw.test']), 400, false);
  });

  it('forwards what stays inside the prefix, resolved', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['GET /public/a/./b/../c%20d/x%2Fy HTTP/1.1', 'Host: gw.test']));
    const res = await conn.response();
    expect(res?.status).toBe(200);
    expect(JSON.parse(res!.body)).toEqual({ url: '/public-api/a/c%20d/x%2Fy', bodyBytes: 0 });
    conn.close();
  });

  it('authenticates the resolved route, then forwards inside its own prefix', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['GET /public/../admin/x HTTP/1.1', 'Host: gw.test', `Authorization: ${basic('alex', 'framing-pw-1')}`]));
    const res = await conn.response();
    expect(res?.status).toBe(200);
    expect(JSON.parse(res!.body)).toEqual({ url: '/admin-api/x', bodyBytes: 0 });
    conn.close();
  });
});

describe('requests the parser refuses', () => {
  it('get a log line each, with the status sent and the parser\'s code (no method or path: it had none)', async () => {
    const cases: [string, number][] = [
      [request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 1', 'Content-Length: 2'], 'ab'), 400],
      [request(['GET /echo/a HTTP/1.1', 'Host: gw.test', `X-Big: ${'a'.repeat(20_000)}`]), 431],
      [request(['FOO /echo/a HTTP/1.1', 'Host: gw.test']), 400],
    ];
    for (const [bytes, status] of cases) {
      const logged = gateway.logs.length;
      const conn = await RawConnection.open(gateway.port);
      conn.write(bytes);
      expect((await conn.response())?.status).toBe(status);
      conn.close();
      while (gateway.logs.length === logged) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(gateway.logs.slice(logged)).toEqual([expect.objectContaining({ method: '(unparsed)', path: '(not a path)', status, error: expect.stringMatching(/^HPE_/), client: '127.0.0.1' })]);
    }
  });
});

describe('pipelining', () => {
  it('answers pipelined requests in order when one in the middle is refused', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(VALID + request(['GET /public/..%2fadmin HTTP/1.1', 'Host: gw.test']) + request(['POST /echo/p HTTP/1.1', 'Host: gw.test', 'Content-Length: 3'], 'abc'));
    expect((await conn.response())?.status).toBe(200);
    expectJsonRefusal(await conn.response(), 400);
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/p', bodyBytes: 3 });
    conn.close();
    expect(completed.slice(before).map((r) => r.url)).toEqual(['/next?n=1', '/p']);
  });

  it('answers the requests pipelined before a malformed one first, in order, even slow ones', async () => {
    const conn = await RawConnection.open(gateway.port);
    const slow = request(['GET /echo/slow HTTP/1.1', 'Host: gw.test']);
    conn.write(slow + VALID + request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A: a\rb']) + VALID);
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/slow', bodyBytes: 0 });
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/next?n=1', bodyBytes: 0 });
    const refusal = await conn.response();
    expectJsonRefusal(refusal, 400);
    expect(refusal!.headers.connection).toBe('close');
    await conn.closed; // the gateway closes it; if it never does, the test's timeout says so
    conn.close();
    expect(completed.slice(before).map((r) => r.url)).toEqual(['/slow', '/next?n=1']);
  });

  it('answers what came before a malformed request, then closes', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(VALID + request(['POST /echo/a HTTP/1.1', 'Host: gw.test', 'Content-Length: 4', 'Transfer-Encoding: chunked'], `0${CRLF}${CRLF}`) + VALID);
    expect((await conn.response())?.status).toBe(200);
    expectJsonRefusal(await conn.response(), 400);
    await conn.closed; // the gateway closes it; if it never does, the test's timeout says so
    conn.close();
    expect(completed.slice(before).map((r) => r.url)).toEqual(['/next?n=1']);
  });
});
