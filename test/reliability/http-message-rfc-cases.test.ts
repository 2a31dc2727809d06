// RFC 9112 / RFC 9110 message handling, row by row, over raw sockets to a real gateway: the cases framing.test.ts,
// wire-rules.test.ts and the proxy tests do not already hold. Each row names the section it checks. The request
// side goes to a recording upstream (it reports the body it received); the response side to a raw upstream that
// answers byte by byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream } from '../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../support/raw-upstream-gateway';
import { RawConnection } from '../support/raw-connection';

const CRLF = '\r\n';
const request = (head: string[], body = '') => head.join(CRLF) + CRLF + CRLF + body;

let upstream: RecordingUpstream;
let gateway: TestGateway;
/** What the recording upstream received, with the body as text. */
const received: (RecordedRequest & { body: string })[] = [];

/** Answers what the raw upstream sends for each path, the path being what the test asks for. */
const ANSWERS: Record<string, (socket: Socket) => void> = {
  // RFC 9110 §9.3.2: a HEAD answer has no body, whatever Content-Length says; these 5 bytes are not an answer's.
  '/r/head-with-body': (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'),
  // RFC 9112 §6.3 item 8: no Content-Length, no chunked: the body ends with the connection.
  '/r/close-delimited': (socket) => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-the-end'),
  '/r/http10-close-delimited': (socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nold-style'),
  // RFC 9110 §7.6.1: Connection and what it names are the upstream hop's, not the client's.
  '/r/upstream-closes': (socket) => socket.end('HTTP/1.1 200 OK\r\nConnection: close, X-Hop\r\nX-Hop: private\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok'),
  '/r/chunked': (socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
  '/r/ok': (socket) => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
};
let raw: RawUpstreamBehindGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  // The recording upstream counts the body; keep its text too.
  upstream.server.prependListener('request', (req) => {
    const entry = { body: '' } as RecordedRequest & { body: string };
    req.setEncoding('latin1');
    req.on('data', (chunk: string) => {
      entry.body += chunk;
    });
    req.once('end', () => {
      Object.assign(entry, upstream.requests.at(-1));
      received.push(entry);
    });
  });
  gateway = await startTestGateway({ services: [{ name: 'echo', pathPrefix: '/echo', upstream: { url: upstream.url } }] });
  raw = await startRawUpstreamBehindGateway({ name: 'raw', pathPrefix: '/r' }, (socket, path) => ANSWERS[path]?.(socket));
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await raw.close();
});

/** Sends `bytes` on a new connection and returns the first answer and the connection. */
async function exchange(port: number, bytes: string) {
  const conn = await RawConnection.open(port);
  conn.write(bytes);
  const res = await conn.response();
  return { res, conn };
}

describe('request bodies the parser accepts are forwarded with their content only (RFC 9112 §6, §7.1)', () => {
  it.each([
    ['§7.1.1 chunk extensions are dropped, the data kept', ['Transfer-Encoding: chunked'], `4;name=value;q="a b"${CRLF}abcd${CRLF}0;last${CRLF}${CRLF}`, 'abcd'],
    ['§7.1 chunk sizes with leading zeros and in upper case', ['Transfer-Encoding: chunked'], `0004${CRLF}abcd${CRLF}A${CRLF}0123456789${CRLF}0${CRLF}${CRLF}`, 'abcd0123456789'],
    ['§8.6 Content-Length with spaces around its value (OWS, RFC 9110 §5.5)', ['Content-Length:    4   '], 'abcd', 'abcd'],
    ['§6.1 Transfer-Encoding: chunked in another case', ['Transfer-Encoding: ChUnKeD'], `4${CRLF}abcd${CRLF}0${CRLF}${CRLF}`, 'abcd'],
  ])('%s', async (_name, headers, body, forwarded) => {
    const before = received.length;
    const { res, conn } = await exchange(gateway.port, request(['POST /echo/body HTTP/1.1', 'Host: gw.test', ...headers], body));
    expect(res?.status).toBe(200);
    await expect.poll(() => received.length).toBe(before + 1);
    expect(received[before]!.body).toBe(forwarded);
    // One framing upstream, never both (RFC 9112 §6.1: a sender must not send Content-Length with Transfer-Encoding).
    const h = received[before]!.headers;
    expect(h['content-length'] !== undefined && h['transfer-encoding'] !== undefined).toBe(false);
    // The connection serves the next request: nothing of the body was left to be read as one.
    conn.write(request(['GET /echo/next HTTP/1.1', 'Host: gw.test']));
    expect((await conn.response())?.status).toBe(200);
    conn.close();
  });
});

describe('refusals by the HTTP parser name the fault (400, connection closed; RFC 9112 §6.1, §6.3, §5.1, §5.2, §7.1)', () => {
  const post = (headers: string[], body: string) => request(['POST /echo/a HTTP/1.1', 'Host: gw.test', ...headers], body);
  const chunked = (body: string) => post(['Transfer-Encoding: chunked'], body);
  it.each([
    ['§6.1 Content-Length then Transfer-Encoding', post(['Content-Length: 5', 'Transfer-Encoding: chunked'], `0${CRLF}${CRLF}`), 400, /Content-Length.*Transfer-Encoding|Transfer-Encoding.*Content-Length/],
    ['§6.1 Transfer-Encoding then Content-Length', post(['Transfer-Encoding: chunked', 'Content-Length: 5'], `0${CRLF}${CRLF}`), 400, /Content-Length.*Transfer-Encoding|Transfer-Encoding.*Content-Length/],
    ['§6.1 chunked not the final coding', post(['Transfer-Encoding: chunked, gzip'], `0${CRLF}${CRLF}`), 400, /final transfer coding .* chunked, applied once/],
    ['§6.1 chunked applied twice', post(['Transfer-Encoding: chunked, chunked'], `0${CRLF}${CRLF}`), 400, /final transfer coding .* chunked, applied once/],
    ['§6.3 two differing Content-Length', post(['Content-Length: 4', 'Content-Length: 5'], 'abcd'), 400, /Content-Length/],
    ['§6.3 Content-Length with a leading +', post(['Content-Length: +4'], 'abcd'), 400, /Content-Length/],
    ['§5.1 whitespace between a field name and its colon', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A : b']), 400, /header token/],
    ['§5.2 obs-fold (refused rather than replaced by SP)', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', 'X-A: a', ' b']), 400, /whitespace/],
    ['§3.2.3 authority-form on GET', request(['GET gw.test:80 HTTP/1.1', 'Host: gw.test']), 400, /url/i],
    ['§7.1 a chunk size past 64 bits', chunked(`ffffffffffffffffffff${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 400, /chunk size/i],
    ['§2.2 bare LF line endings', 'GET /echo/a HTTP/1.1\nHost: gw.test\n\n', 400, /CRLF|LF/],
    ['RFC 9110 §15.5.14: chunk extensions past Node\'s limit name it', chunked(`5;${'x'.repeat(20_000)}${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 413, /16 KiB/],
    ['RFC 9110 §15.5.20: header fields past the limit name it', request(['GET /echo/a HTTP/1.1', 'Host: gw.test', `X-Big: ${'a'.repeat(20_000)}`]), 431, /16 KiB/],
    ['RFC 9110 §15.5.15: a target past the limit names it', request([`GET /echo/${'a'.repeat(20_000)} HTTP/1.1`, 'Host: gw.test']), 414, /16 KiB/],
  ])('%s', async (_name, bytes, status, message) => {
    const before = received.length;
    const { res, conn } = await exchange(gateway.port, bytes);
    expect(res?.status).toBe(status);
    expect(res?.headers.connection).toBe('close');
    expect((JSON.parse(res!.body) as { message: string }).message).toMatch(message);
    await conn.closed;
    conn.close();
    expect(received.length).toBe(before);
  });
});

describe('request targets in a form only another method may use (RFC 9112 §3.2.3, §3.2.4): 400, never forwarded', () => {
  it.each([
    ['authority-form on GET (only CONNECT)', 'GET gw.test:80 HTTP/1.1', /Malformed request/],
    ['§3.2.4 asterisk-form on GET (only OPTIONS)', 'GET * HTTP/1.1', /asterisk-form .* only for OPTIONS/],
    ['§3.2.4 asterisk-form on POST', 'POST * HTTP/1.1', /asterisk-form .* only for OPTIONS/],
  ])('%s', async (_name, line, message) => {
    const before = upstream.requests.length;
    const { res, conn } = await exchange(gateway.port, request([line, 'Host: gw.test', 'Content-Length: 0']));
    expect(res?.status).toBe(400);
    expect(res?.headers['content-type']).toMatch(/^application\/json/);
    expect((JSON.parse(res!.body) as { message: string }).message).toMatch(message);
    conn.close();
    expect(upstream.requests.length).toBe(before);
  });
});

describe('OPTIONS * asks about the server in general (RFC 9112 §3.2.4, RFC 9110 §9.3.7): the gateway answers it', () => {
  it.each([
    ['RFC 9110 §9.3.7 OPTIONS *: 200, Allow of the methods the gateway forwards, no content', []],
    ['RFC 9110 §7.6.2 OPTIONS * with Max-Forwards: 0: the same answer, the gateway being its final recipient', ['Max-Forwards: 0']],
    ['RFC 9110 §7.6.2 OPTIONS * with Max-Forwards: 3: the same answer, not forwarded', ['Max-Forwards: 3']],
  ])('%s', async (_name, headers) => {
    const before = upstream.requests.length;
    const logged = gateway.logs.length;
    const { res, conn } = await exchange(gateway.port, request(['OPTIONS * HTTP/1.1', 'Host: gw.test', ...headers]));
    expect(res).toMatchObject({ status: 200, body: '' });
    expect(res?.headers.allow).toBe('GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
    expect(res?.headers['content-length']).toBe('0');
    expect(res?.headers.connection).not.toBe('close');
    // The connection serves the next request: the answer was the head alone.
    conn.write(request(['GET /echo/after-asterisk HTTP/1.1', 'Host: gw.test']));
    expect(await conn.response()).toMatchObject({ status: 200, body: 'ok' });
    conn.close();
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/after-asterisk']);
    // Logged as every request is.
    await expect.poll(() => gateway.logs.slice(logged).find((e) => e.path === '*')).toMatchObject({ method: 'OPTIONS', path: '*', status: 200, route: null, service: null });
  });

  it('RFC 9112 §3.2 OPTIONS * in HTTP/1.1 without Host: 400, as any request without one', async () => {
    const { res, conn } = await exchange(gateway.port, request(['OPTIONS * HTTP/1.1']));
    expect(res?.status).toBe(400);
    expect((JSON.parse(res!.body) as { message: string }).message).toMatch(/Host/);
    conn.close();
  });
});

describe('persistence of the client connection (RFC 9112 §9.3)', () => {
  it.each([
    ['§9.3 HTTP/1.1 with Connection: close: answered, told close, then closed', ['GET /echo/a HTTP/1.1', 'Host: gw.test', 'Connection: close'], 'close'],
    ['§9.3 Connection: close among other options, in capitals', ['GET /echo/a HTTP/1.1', 'Host: gw.test', 'Connection: X-Other, CLOSE'], 'close'],
    ['§9.3 HTTP/1.0 without keep-alive: answered, then closed', ['GET /echo/a HTTP/1.0', 'Host: gw.test'], undefined],
  ])('%s', async (_name, head, connection) => {
    const { res, conn } = await exchange(gateway.port, request(head));
    expect(res?.status).toBe(200);
    if (connection) expect(res?.headers.connection).toBe(connection);
    else expect(res?.headers.connection).not.toBe('keep-alive');
    await conn.closed;
    conn.close();
  });

  it('§9.3 (Appendix C.2.2) HTTP/1.0 with Connection: keep-alive: told keep-alive, and a second request is served on it', async () => {
    const before = upstream.requests.length;
    const { res, conn } = await exchange(gateway.port, request(['GET /echo/first HTTP/1.0', 'Host: gw.test', 'Connection: keep-alive']));
    expect(res?.status).toBe(200);
    expect(res?.headers.connection).toBe('keep-alive');
    expect(res?.headers['content-length']).toBe('2');
    conn.write(request(['GET /echo/second HTTP/1.0', 'Host: gw.test', 'Connection: keep-alive']));
    expect((await conn.response())?.status).toBe(200);
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/first', '/second']);
    conn.close();
  });
});

describe('the gateway\'s own answers to HEAD (RFC 9110 §9.3.2): the head alone, the connection reusable', () => {
  it('a 404 for no route', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['HEAD /nowhere HTTP/1.1', 'Host: gw.test']));
    expect((await conn.response(undefined, { head: true }))?.status).toBe(404);
    conn.write(request(['GET /echo/after-head HTTP/1.1', 'Host: gw.test']));
    // Had the 404's JSON followed its head, it would be read here as the start of the next answer.
    expect(await conn.response()).toMatchObject({ status: 200, body: 'ok' });
    conn.close();
  });
});

describe('TRACE with Max-Forwards (RFC 9110 §7.6.2, §9.3.8): the gateway refuses TRACE, whatever Max-Forwards says', () => {
  it.each(['0', '5'])('Max-Forwards: %s → 501, not forwarded', async (value) => {
    const before = upstream.requests.length;
    const { res, conn } = await exchange(gateway.port, request(['TRACE /echo/a HTTP/1.1', 'Host: gw.test', `Max-Forwards: ${value}`]));
    expect(res?.status).toBe(501);
    conn.close();
    expect(upstream.requests.length).toBe(before);
  });
});

describe('upstream answers relayed without mis-framing the client connection (RFC 9112 §6.3)', () => {
  it('§6.3 item 1 / RFC 9110 §9.3.2: a HEAD answer with body bytes behind it: the head alone, the next request served', async () => {
    const conn = await RawConnection.open(raw.gateway.port);
    conn.write(request(['HEAD /r/head-with-body HTTP/1.1', 'Host: x']));
    const head = await conn.response(undefined, { head: true });
    expect(head?.status).toBe(200);
    expect(head?.headers['content-length']).toBe('5');
    conn.write(request(['GET /r/ok HTTP/1.1', 'Host: x']));
    // "hello" did not reach the client: the next thing on the connection is the next answer.
    expect(await conn.response()).toMatchObject({ status: 200, body: 'ok' });
    conn.close();
  });

  it.each([
    ['§6.3 item 8: a close-delimited HTTP/1.1 answer', '/r/close-delimited', 'until-the-end'],
    ['§6.3 item 8: a close-delimited HTTP/1.0 answer', '/r/http10-close-delimited', 'old-style'],
    ['RFC 9110 §7.6.1: an answer saying Connection: close and naming a field', '/r/upstream-closes', 'ok'],
  ])('%s: framed for the client, whose connection stays open for the next request', async (_name, path, body) => {
    const conn = await RawConnection.open(raw.gateway.port);
    conn.write(request([`GET ${path} HTTP/1.1`, 'Host: x']));
    const res = await conn.response();
    expect(res).toMatchObject({ status: 200, body });
    expect(res?.headers.connection).toBe('keep-alive');
    expect(res?.headers['x-hop']).toBeUndefined();
    expect(res?.headers['keep-alive']).not.toBe('timeout=1');
    conn.write(request(['GET /r/ok HTTP/1.1', 'Host: x']));
    expect(await conn.response()).toMatchObject({ status: 200, body: 'ok' });
    conn.close();
  });

  it('RFC 9112 §9.3 / §6.3 item 8: a close-delimited answer to an HTTP/1.0 keep-alive client: told close, delimited by the close', async () => {
    const conn = await RawConnection.open(raw.gateway.port);
    conn.write(request(['GET /r/close-delimited HTTP/1.0', 'Host: x', 'Connection: keep-alive']));
    await conn.closed;
    const text = conn.pending;
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('until-the-end');
    conn.close();
  });

  it('RFC 9112 §6.1: a chunked answer to an HTTP/1.0 client is not sent chunked (HTTP/1.0 has no chunked), but delimited by the close', async () => {
    const conn = await RawConnection.open(raw.gateway.port);
    conn.write(request(['GET /r/chunked HTTP/1.0', 'Host: x']));
    await conn.closed;
    const text = conn.pending;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).not.toMatch(/transfer-encoding/i);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('hello');
    conn.close();
  });
});
