// An answer whose body ends at the connection's close (to an HTTP/1.0 client, Node has no chunking and the upstream
// gave no length) cannot show a cut by its bytes: a FIN after the part that came reads as the whole answer. When the
// upstream's body fails after bytes went out, the gateway resets the connection instead, so the client sees the
// failure (RFC 9112 §8); a body of a declared length or chunked keeps showing the cut by its framing, as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';

const CRLF = '\r\n';
const HEAD = `HTTP/1.1 200 OK${CRLF}Transfer-Encoding: chunked${CRLF}Content-Type: text/plain${CRLF}${CRLF}`;
const ANSWERS: Record<string, (socket: Socket) => void> = {
  // Five bytes of a chunked body, then the connection ends.
  '/raw/chunk-cut': (socket) => socket.end(`${HEAD}5${CRLF}hello${CRLF}`),
  // Five bytes, then silence past responseMs.
  '/raw/chunk-stall': (socket) => socket.write(`${HEAD}5${CRLF}hello${CRLF}`),
  // Five bytes of ten declared, then the connection ends.
  '/raw/length-cut': (socket) => socket.end(`HTTP/1.1 200 OK${CRLF}Content-Length: 10${CRLF}${CRLF}hello`),
  // Whole, ending at the close.
  '/raw/whole': (socket) => socket.end(`${HEAD}5${CRLF}hello${CRLF}0${CRLF}${CRLF}`),
};

let setup: RawUpstreamBehindGateway;

beforeAll(async () => {
  setup = await startRawUpstreamBehindGateway({ name: 'raw', pathPrefix: '/raw' }, (socket, path) => ANSWERS[path]!(socket), { timeouts: { responseMs: 200 } });
});

afterAll(async () => {
  await setup.close();
});

/** Sends `head` on a new connection: everything the gateway sent, and how the connection ended. */
function exchange(head: string): Promise<{ received: string; ended: 'FIN' | string }> {
  return new Promise((resolve) => {
    const socket = connect(setup.gateway.port, '127.0.0.1', () => socket.write(head));
    let received = '';
    let ended: string | undefined;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('end', () => (ended ??= 'FIN'));
    socket.on('error', (error: NodeJS.ErrnoException) => (ended ??= error.code ?? 'error'));
    socket.on('close', () => resolve({ received, ended: ended ?? 'closed' }));
  });
}

const bodyOf = (received: string) => received.slice(received.indexOf(CRLF + CRLF) + 4);

describe('an upstream body that fails after bytes went out, relayed without a length (HTTP/1.0)', () => {
  it.each([
    ['broken off', '/raw/chunk-cut', 'UND_ERR_SOCKET'],
    ['timed out', '/raw/chunk-stall', 'UND_ERR_BODY_TIMEOUT'],
  ])('%s: the client gets the bytes that came, then a reset, not a FIN', async (_name, path, error) => {
    const { received, ended } = await exchange(`GET ${path} HTTP/1.0${CRLF}Host: gw.test${CRLF}${CRLF}`);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.toLowerCase()).not.toContain('content-length');
    expect(bodyOf(received)).toBe('hello');
    expect(ended).toBe('ECONNRESET');
    await expect.poll(() => setup.gateway.logs.find((e) => e.path === path)).toMatchObject({ status: 200, error });
  });

  it('a whole one still ends with a FIN', async () => {
    const { received, ended } = await exchange(`GET /raw/whole HTTP/1.0${CRLF}Host: gw.test${CRLF}${CRLF}`);
    expect(bodyOf(received)).toBe('hello');
    expect(ended).toBe('FIN');
  });
});

describe('an upstream body that fails after bytes went out, relayed with its framing', () => {
  it.each([
    ['chunked (HTTP/1.1)', '/raw/chunk-cut', 'HTTP/1.1'],
    ['of a declared length (HTTP/1.0)', '/raw/length-cut', 'HTTP/1.0'],
  ])('%s: the cut shows in the framing, and the connection ends with a FIN', async (_name, path, version) => {
    const { received, ended } = await exchange(`GET ${path} ${version}${CRLF}Host: gw.test${CRLF}${CRLF}`);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/hello/);
    expect(received).not.toMatch(/0\r\n\r\n$/);
    expect(ended).toBe('FIN');
  });
});
