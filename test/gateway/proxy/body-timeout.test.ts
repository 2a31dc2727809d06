// An upstream's body is timed out on the service's responseMs between two of its bytes, however slowly it trickles.
// undici checks its own bodyTimeout on a timer wheel of about half a second and each byte restarts the wait, so a
// body trickling a byte every 450 ms against a 100 ms timeout was never cut: the request stayed in flight (and
// gateway.close() waited for it) until the upstream finished, seconds later. The wait is suspended while the
// client applies backpressure, as undici's is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';

const RESPONSE_MS = 100;
/** Far longer than RESPONSE_MS, and shorter than undici's timer wheel turns twice. */
const TRICKLE_MS = 450;
const TRICKLE_BYTES = 40;
const BIG_BODY = 32 * 1024 * 1024;
let trickling: Socket | undefined;

let upstream: RawUpstream;
let gateway: TestGateway;

const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  '/trickle': (socket) => {
    trickling = socket;
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TRICKLE_BYTES}\r\n\r\nx`);
    let sent = 1;
    const timer = setInterval(() => {
      if (!socket.writable) return clearInterval(timer);
      socket.write('x');
      sent += 1;
      if (sent === TRICKLE_BYTES) clearInterval(timer);
    }, TRICKLE_MS);
    socket.once('close', () => clearInterval(timer));
  },
  // All at once: the gateway only waits when its client does not read.
  '/big': (socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG_BODY}\r\n\r\n`);
    socket.write(Buffer.alloc(BIG_BODY, 0x61));
  },
};

beforeAll(async () => {
  upstream = await startRawUpstream((socket, path) => (BEHAVIOURS[path] ?? ((s: Socket) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')))(socket));
  gateway = await startTestGateway({
    services: [{ name: 'slow', pathPrefix: '/slow', upstream: { url: `http://127.0.0.1:${upstream.port}` }, timeouts: { connectMs: 1000, responseMs: RESPONSE_MS } }],
  });
});

afterAll(async () => {
  await gateway.close();
  upstream.close();
});

function get(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gateway.port, path, agent: false, headers: { connection: 'close' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Reads the body to its end or its cut: the bytes and whether it was complete. */
async function readBody(res: IncomingMessage): Promise<{ bytes: number; complete: boolean }> {
  let bytes = 0;
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  // A cut response emits 'error' (aborted) before 'close'; events.once would reject on it.
  res.on('error', () => undefined);
  await new Promise((resolve) => res.once('close', resolve));
  return { bytes, complete: res.complete };
}

describe('upstream body timeout', () => {
  it(`cuts a body that trickles a byte every ${TRICKLE_MS} ms against responseMs ${RESPONSE_MS}, and nothing stays in flight`, async () => {
    const res = await get('/slow/trickle');
    expect(res.statusCode).toBe(200);
    const body = await readBody(res);
    expect(body.complete).toBe(false);
    expect(body.bytes).toBeLessThan(TRICKLE_BYTES);
    await expect.poll(() => gateway.inFlight).toBe(0);
    const entry = gateway.logs.findLast((e) => e.path === '/slow/trickle');
    expect(entry?.status).toBe(200);
    expect(entry?.error).toBe('UND_ERR_BODY_TIMEOUT');
    // The upstream connection is dropped, not kept for the next request half-read.
    await expect.poll(() => trickling?.destroyed).toBe(true);
  });

  it('does not time out while the client is not reading (backpressure), and delivers the whole body when it reads again', async () => {
    const res = await get('/slow/big');
    expect(res.statusCode).toBe(200);
    res.pause();
    // The gateway has filled the client's socket and paused the upstream: with the wait not suspended, the
    // timeout would cut the response here.
    await new Promise((resolve) => setTimeout(resolve, RESPONSE_MS * 5));
    const body = await readBody(res.resume());
    expect(body).toEqual({ bytes: BIG_BODY, complete: true });
    await expect.poll(() => gateway.inFlight).toBe(0);
    expect(gateway.logs.findLast((e) => e.path === '/slow/big')?.error).toBeUndefined();
  });
});
