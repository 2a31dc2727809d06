// An upstream that was reached and answered badly gets the client a 502 naming what it did wrong (an invalid
// response and llhttp's reason for refusing it, headers over the limit, a connection closed before answering),
// not "unreachable", which sent the developer off to check connectivity. The log's error code is the real one:
// a parser error without an HPE_ code is HTTP_PARSER_ERROR, not UNKNOWN. After each, the next request on the same
// client connection is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import type { RawUpstream } from '../../support/raw-upstream';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { bodyOf, rawRequest, statusOf } from '../../support/raw-http';
import { AssertionError } from 'node:assert';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';
import { startRecordingUpstream } from '../../support/recording-upstream';
import { errors } from '../../../gateway/proxy/undici-core';
import { toUpstreamError } from '../../../gateway/proxy/upstream-errors';

let upstream: RawUpstream;
let gateway: TestGateway;
let close: () => Promise<void>;

/** An upstream answering 200 with `fields` and a five-byte body. */
const withFields = (...fields: string[]) => (s: Socket) => s.end(`HTTP/1.1 200 OK\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\nhello`);
const invalidLength = (reason: string) => `sent a response with an invalid Content-Length (${reason})`;

/** [what the upstream does, the message after "Upstream <label> ", the log's error code] */
const CASES: Record<string, [(socket: Socket) => void, string, string]> = {
  // A Content-Length llhttp refuses, named by llhttp's reason. undici reported some of these (a value whose digits,
  // as far as llhttp read them, are not 0) as a body not matching its length (UND_ERR_RES_CONTENT_LENGTH_MISMATCH),
  // the others as HTTP_PARSER_ERROR.
  '/e/length-not-a-number': [withFields('Content-Length: abc'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/signed-length': [withFields('Content-Length: +5'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/negative-length': [withFields('Content-Length: -1'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/length-list': [withFields('Content-Length: 1, 2'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/length-list-of-same': [withFields('Content-Length: 5, 5'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/length-with-space': [withFields('Content-Length: 5 5'), invalidLength('Invalid character in Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/empty-length': [withFields('Content-Length: '), invalidLength('Empty Content-Length'), 'INVALID_CONTENT_LENGTH'],
  // 2^64 and beyond: no 64-bit length holds them (2^64 - 1 itself is a length: relayed, below).
  '/e/length-past-2-64': [withFields('Content-Length: 18446744073709551616'), invalidLength('Content-Length overflow'), 'INVALID_CONTENT_LENGTH'],
  '/e/huge-length': [withFields('Content-Length: 99999999999999999999999'), invalidLength('Content-Length overflow'), 'INVALID_CONTENT_LENGTH'],
  '/e/repeated-length': [withFields('Content-Length: 5', 'Content-Length: 5'), invalidLength('Duplicate Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/conflicting-length': [withFields('Content-Length: 5', 'Content-Length: 6'), invalidLength('Duplicate Content-Length'), 'INVALID_CONTENT_LENGTH'],
  '/e/length-and-chunked': [(s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), invalidLength("Transfer-Encoding can't be present with Content-Length"), 'INVALID_CONTENT_LENGTH'],
  '/e/chunked-and-length': [(s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), invalidLength("Content-Length can't be present with Transfer-Encoding"), 'INVALID_CONTENT_LENGTH'],
  // A valid Content-Length and a fault after it: the fault is named, not the length (undici reported a length mismatch).
  '/e/fault-after-length': [withFields('Content-Length: 5', 'X A: a'), 'sent an invalid HTTP response (Invalid header token)', 'HTTP_PARSER_ERROR'],
  '/e/bare-lf': [(s) => s.end('HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 3\r\n\r\nabc'), 'sent an invalid HTTP response (Missing expected CR after header value)', 'HTTP_PARSER_ERROR'],
  '/e/control-character': [(s) => s.end('HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 3\r\n\r\nabc'), 'sent an invalid HTTP response (Invalid header value char)', 'HTTP_PARSER_ERROR'],
  '/e/space-in-name': [(s) => s.end('HTTP/1.1 200 OK\r\nX A: a\r\nContent-Length: 3\r\n\r\nabc'), 'sent an invalid HTTP response (Invalid header token)', 'HTTP_PARSER_ERROR'],
  '/e/huge-headers': [
    (s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'h'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`),
    'sent response headers over the 16 KiB limit',
    'UND_ERR_HEADERS_OVERFLOW',
  ],
  '/e/close': [(s) => s.end(), 'closed the connection before answering', 'UND_ERR_SOCKET'],
  '/e/close-mid-head': [(s) => s.end('HTTP/1.1 200 OK\r\nContent-'), 'closed the connection before answering', 'UND_ERR_SOCKET'],
  '/e/reset': [(s) => s.resetAndDestroy(), 'reset the connection before answering', 'ECONNRESET'],
  // llhttp reads any three digits; the gateway stops such an answer at its head, before undici's own check at its end
  // fails (ERR_ASSERTION, which read "unreachable"). Above 599: status-outside-http.test.ts.
  '/e/status-099': [(s) => s.end('HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n'), 'answered status 099, which is not an HTTP status (100 to 599)', 'INVALID_STATUS_CODE'],
  '/e/status-000': [(s) => s.end('HTTP/1.1 000 Odd\r\nContent-Length: 2\r\n\r\nhi'), 'answered status 000, which is not an HTTP status (100 to 599)', 'INVALID_STATUS_CODE'],
  // A 101 the gateway did not ask for, one answer whatever fields it has. Without Upgrade and `Connection: upgrade`
  // llhttp takes the rest of the connection for another protocol (undici failed an assertion on it) and the gateway
  // stops it at its head; with both, undici refuses it itself ("bad upgrade", until 2 Dec the message).
  '/e/unasked-101': [(s) => s.end('HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 'answered 101 Switching Protocols, which the gateway did not ask for', 'UNREQUESTED_UPGRADE'],
  '/e/unasked-upgrade': [(s) => s.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), 'answered 101 Switching Protocols, which the gateway did not ask for', 'UNREQUESTED_UPGRADE'],
  '/e/unasked-upgrade-then-frames': [
    (s) => s.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi'),
    'answered 101 Switching Protocols, which the gateway did not ask for',
    'UNREQUESTED_UPGRADE',
  ],
  '/e/unasked-upgrade-field-only': [(s) => s.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'), 'answered 101 Switching Protocols, which the gateway did not ask for', 'UNREQUESTED_UPGRADE'],
  '/e/unasked-upgrade-connection-only': [(s) => s.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n'), 'answered 101 Switching Protocols, which the gateway did not ask for', 'UNREQUESTED_UPGRADE'],
};

/** Heads of the requests the upstream got, by path. */
const heads = new Map<string, string>();

beforeAll(async () => {
  ({ upstream, gateway, close } = await startRawUpstreamBehindGateway({ name: 'errors', pathPrefix: '/e' }, (socket, path, head) => {
    heads.set(path, head);
    if (path === '/e/ok') socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    else if (path === '/e/body-cut-short') socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\nhello');
    else if (path === '/e/largest-length') socket.end('HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nhello');
    else CASES[path]?.[0](socket);
  }));
});

afterAll(() => close());

/**
 * The client's connection and the gateway are none the worse for a bad upstream answer: the next request on the
 * same connection is answered (on a new upstream connection). Closes the client.
 */
async function answersNextRequest(client: RawConnection): Promise<void> {
  client.write('GET /e/ok HTTP/1.1\r\nHost: x\r\n\r\n');
  expect(await client.response()).toMatchObject({ status: 200, body: 'ok' });
  client.close();
}

describe('an upstream answering badly', () => {
  it.each(Object.entries(CASES))('%s → 502 naming what it did; the next request is answered', async (path, [, message, code]) => {
    const client = await RawConnection.open(gateway.port);
    client.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const answer = await client.response();
    expect(answer?.status).toBe(502);
    expect(JSON.parse(answer!.body)).toEqual({ message: `Upstream http://127.0.0.1:${upstream.port}/ ${message} (${code})` });
    await expect.poll(() => gateway.logs.find((e) => e.path === path)).toMatchObject({ status: 502, error: code });
    await answersNextRequest(client);
  });

  // Whether a close after the head reaches the client as a 502 or as a cut connection depends on when the head was
  // flushed, so the wording is checked on the mapping itself.
  // A body shorter than its Content-Length, its end marked by the close (Connection: close): undici's length
  // mismatch, which is what it is here. The body's first bytes went out with the head, so the client's connection is
  // cut, and the log says why.
  it('logs a body cut short as a length mismatch, not as an invalid Content-Length', async () => {
    const client = await RawConnection.open(gateway.port);
    client.write('GET /e/body-cut-short HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.closed;
    expect(statusOf(client.pending)).toBe(200);
    expect(client.pending).toMatch(/\ncontent-length: 10\r\n/i);
    expect(bodyOf(client.pending)).toBe('hello');
    await expect.poll(() => gateway.logs.find((e) => e.path === '/e/body-cut-short')).toMatchObject({ status: 200, error: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' });
    const next = await rawRequest(gateway.port, 'GET /e/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect([statusOf(next), bodyOf(next)]).toEqual([200, 'ok']);
  });

  // Whether such a close reaches the client as a 502 or as a cut connection depends on when the head was flushed.
  it.each([
    [true, 'its body does not match its Content-Length'],
    // Before the head, undici's mismatch is llhttp refusing it, whose reason is read beside it (the cases above);
    // without that reason (not undici's own parser), both are possible.
    [false, 'its body does not match its Content-Length, or its head was refused'],
  ])('says a length mismatch undici gives no reason for is the body, once the head was taken (head taken: %s)', (answered, words) => {
    const error = toUpstreamError(new errors.ResponseContentLengthMismatchError(), 'http://backend.test/', answered);
    expect(error).toMatchObject({ status: 502, code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', message: `Upstream http://backend.test/ sent an invalid HTTP response (${words}) (UND_ERR_RES_CONTENT_LENGTH_MISMATCH)` });
  });

  // 2^64 - 1 is a length llhttp can hold and a client can be given as it came (RFC 9110 §8.6 asks a recipient to
  // anticipate large numerals; the gateway never converts it): relayed, the body as far as it came, then the cut.
  it('relays the largest Content-Length llhttp holds as it came', async () => {
    const answer = await rawRequest(gateway.port, 'GET /e/largest-length HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(answer)).toBe(200);
    expect(answer).toMatch(/\ncontent-length: 18446744073709551615\r\n/i);
    expect(bodyOf(answer)).toBe('hello');
    await expect.poll(() => gateway.logs.find((e) => e.path === '/e/largest-length')).toMatchObject({ status: 200, error: 'UND_ERR_SOCKET' });
  });

  it('says the response was incomplete when the connection closed after its head', () => {
    const error = toUpstreamError(new errors.SocketError('other side closed'), 'http://backend.test/', true);
    expect(error).toMatchObject({ status: 502, code: 'UND_ERR_SOCKET', message: 'Upstream http://backend.test/ closed the connection before its response was complete (UND_ERR_SOCKET)' });
  });

  // The gateway's own calls (token and CSRF endpoints) do not pass through the proxy's check at the head: undici's
  // own check fails at the message's end.
  it.each([
    ['its check on the status code', 'assert(statusCode >= 100)', 'sent an invalid status line (a status code below 100)'],
    ['another of its checks', 'assert(request)', "sent a response the gateway's HTTP client could not read"],
    ['a check Node cannot quote (the bundle)', undefined, "sent a response the gateway's HTTP client could not read"],
  ])("reads undici failing %s as what the server sent, not as unreachable", (_name, check, words) => {
    const message = check === undefined ? 'false == true' : `The expression evaluated to a falsy value:\n\n  ${check}\n`;
    const error = toUpstreamError(new AssertionError({ message }), 'http://backend.test/');
    expect(error).toMatchObject({ status: 502, code: 'ERR_ASSERTION', message: `Upstream http://backend.test/ ${words} (ERR_ASSERTION)` });
  });

  it('says an https:// upstream on a port that speaks plain HTTP does not speak TLS there', async () => {
    // Node's HTTP server answers the handshake's first bytes with a plain 400, as nginx does.
    const plain = await startRecordingUpstream();
    const tls = await startTestGateway({ services: [{ name: 'plain', pathPrefix: '/p', upstream: { url: `https://127.0.0.1:${plain.port}` } }] });
    try {
      const answer = await rawRequest(tls.port, 'GET /p/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(statusOf(answer)).toBe(502);
      expect(JSON.parse(bodyOf(answer))).toEqual({ message: `Upstream https://127.0.0.1:${plain.port}/ does not speak TLS on that port (ERR_SSL_WRONG_VERSION_NUMBER)` });
      await expect.poll(() => tls.logs.at(-1)).toMatchObject({ status: 502, error: 'ERR_SSL_WRONG_VERSION_NUMBER' });
      expect(plain.requests).toEqual([]);
    } finally {
      await tls.close();
      await plain.close();
    }
  });

  it('still says unreachable for an upstream that could not be connected to', () => {
    const error = toUpstreamError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'http://backend.test/');
    expect(error.message).toBe('Upstream http://backend.test/ unreachable (ECONNREFUSED)');
  });
});
