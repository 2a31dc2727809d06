// Slow and vanishing clients: `gateway.limits.clientHeadersTimeoutMs` / `clientBodyTimeoutMs` cut off a client
// that trickles its request with a 408, without holding an upstream connection; a client that goes away releases
// the upstream request it started.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { RawConnection } from '../support/raw-connection';

const HEADERS_TIMEOUT = 500;
/** The answer a slow reader reads: more than the sockets' buffers on the way hold, so the gateway waits for it. */
const SIZED_ANSWER_BYTES = 12 * 1024 * 1024;
/** What the slow reader takes in one step, and how long it waits between steps. */
const READ_STEP_BYTES = 48 * 1024;
const READ_STEP_MS = 50;
const BODY_TIMEOUT = 1000;
let upstream: RecordingUpstream;
let gateway: TestGateway;
/** Upstream requests by URL, with how they ended; `socketClosed`: the connection that carried it was released. */
const upstreamRequests = new Map<string, { complete: boolean; closed: boolean; responseClosed: boolean; responseFinished: boolean; socketClosed: boolean }>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  upstream = await startRecordingUpstream((req: IncomingMessage, res: ServerResponse, recorded) => {
    if (recorded.url.startsWith('/slow-answer')) {
      setTimeout(() => res.end('late but fine'), BODY_TIMEOUT + 500);
      return;
    }
    if (recorded.url.startsWith('/stream')) {
      // An endless response, written as fast as the client takes it.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    if (recorded.url.startsWith('/sized')) {
      // SIZED_ANSWER_BYTES, written as fast as the client takes them.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZED_ANSWER_BYTES) });
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      let left = SIZED_ANSWER_BYTES;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left -= chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
      return;
    }
    if (recorded.url.startsWith('/hang')) return; // answers never: the client will give up
    res.end(JSON.stringify({ url: recorded.url, bodyBytes: recorded.bodyBytes }));
  });
  upstream.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const state = { complete: false, closed: false, responseClosed: false, responseFinished: false, socketClosed: false };
    upstreamRequests.set(req.url ?? '', state);
    req.socket.once('close', () => (state.socketClosed = true));
    req.once('end', () => (state.complete = true));
    req.once('close', () => (state.closed = true));
    res.once('finish', () => (state.responseFinished = true));
    res.once('close', () => (state.responseClosed = true));
  });
  gateway = await startTestGateway({
    gateway: { limits: { clientHeadersTimeoutMs: HEADERS_TIMEOUT, clientBodyTimeoutMs: BODY_TIMEOUT } },
    services: [
      { name: 'svc', pathPrefix: '/svc', upstream: { url: upstream.url } },
      // Gives a client that stops reading a short time, so the test sees it cut without waiting the default minute.
      { name: 'unread', pathPrefix: '/unread', upstream: { url: upstream.url }, timeouts: { clientReadMs: 200 } },
      // A slow reader takes something every READ_STEP_MS, far within this; half the kernel's send buffer, the amount
      // Node's 'drain' waits for, takes it longer.
      { name: 'slowread', pathPrefix: '/slowread', upstream: { url: upstream.url }, timeouts: { clientReadMs: 1000 } },
    ],
  });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

/** Writes `parts` one by one, `gapMs` apart, until the connection closes. */
async function trickle(conn: RawConnection, parts: Iterable<string>, gapMs: number): Promise<void> {
  for (const part of parts) {
    if (conn.serverClosed) return;
    conn.write(part);
    await sleep(gapMs);
  }
}

/** `first`, then `next(i)` for i = 0, 1, ... without end: a client that never finishes on its own. */
function* endless(first: string, next: (i: number) => string): Generator<string> {
  yield first;
  for (let i = 0; ; i++) yield next(i);
}

describe('slow clients', () => {
  it('cuts off a client trickling its headers with 408 (clientHeadersTimeoutMs); the upstream sees nothing', async () => {
    const before = upstream.requests.length;
    // The whole-request limit far beyond the test's timeout: only the headers limit can end this client in time.
    const own = await startTestGateway({
      gateway: { limits: { clientHeadersTimeoutMs: HEADERS_TIMEOUT, clientBodyTimeoutMs: 600_000 } },
      services: [{ name: 'svc', pathPrefix: '/svc', upstream: { url: upstream.url } }],
    });
    try {
      const conn = await RawConnection.open(own.port);
      // A header line every 100 ms, for ever: each byte keeps the connection busy, so only a deadline on the whole
      // header block (not an idle timeout) can end it. Without one, this test hangs until its own timeout.
      void trickle(conn, endless('GET /svc/trickled-headers HTTP/1.1\r\nHost: gw.test\r\n', (i) => `X-Slow-${i}: v\r\n`), 100);
      const res = await conn.response();
      expect(res?.status).toBe(408);
      expect(res?.headers['content-type']).toMatch(/^application\/json/);
      expect(res?.headers.connection).toBe('close');
      await conn.closed;
      expect(upstream.requests.length).toBe(before);
      // Its log line counts the time the gateway waited for it (it said 0): Node answers 408 only once the headers
      // limit has passed, by its millisecond clock (hence the 1 ms of slack).
      const logged = await vi.waitFor(() => {
        const entry = own.logs.find((e) => e.status === 408);
        if (!entry) throw new Error('no log line yet');
        return entry;
      });
      expect(logged.totalMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 1);
    } finally {
      await own.close();
    }
  });

  it('closes a connection that never sends a request with 408', async () => {
    const conn = await RawConnection.open(gateway.port);
    const res = await conn.response();
    expect(res?.status).toBe(408);
    await conn.closed;
  });

  it('cuts off a client trickling its body with 408 (clientBodyTimeoutMs) and releases the upstream request', async () => {
    const conn = await RawConnection.open(gateway.port);
    // A body byte every 100 ms of a body announced far longer than the test runs: only a deadline on the body ends it.
    void trickle(conn, endless('POST /svc/trickled-body HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 1000000\r\n\r\n', () => 'x'), 100);
    const res = await conn.response();
    expect(res?.status).toBe(408);
    expect(JSON.parse(res!.body)).toEqual({ message: 'The request was not received in time' });
    await conn.closed;
    // The body streamed to the upstream as it came; its request was abandoned, not completed.
    await expect.poll(() => upstreamRequests.get('/trickled-body')?.closed).toBe(true);
    expect(upstreamRequests.get('/trickled-body')?.complete).toBe(false);
    await expect.poll(() => gateway.inFlight).toBe(0);
    await expect.poll(() => upstreamRequests.get('/trickled-body')?.socketClosed).toBe(true);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/svc/trickled-body')?.status).toBe(408);
    // The client's body is what failed, not the upstream.
    expect(gateway.logs.find((e) => e.path === '/svc/trickled-body')?.error).toBe('CLIENT_BODY_INCOMPLETE');
  });

  it('does not limit the time the response takes', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write('POST /svc/slow-answer HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 3\r\n\r\nabc');
    const res = await conn.response();
    expect(res?.status).toBe(200);
    expect(res?.body).toBe('late but fine');
    conn.close();
  });

  it('keeps an idle keep-alive connection open past the headers timeout', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write('GET /svc/first HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    expect((await conn.response())?.status).toBe(200);
    await sleep(HEADERS_TIMEOUT + 400);
    expect(conn.serverClosed).toBe(false);
    conn.write('GET /svc/second HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    expect(JSON.parse((await conn.response())!.body)).toEqual({ url: '/second', bodyBytes: 0 });
    conn.close();
  });

  it('applies new timeouts on reload', async () => {
    const workspace = gateway.workspace;
    // New limits far beyond the test's own timeout, so a busy machine cannot make the client late for them.
    const result = await gateway.reload({ ...workspace, gateway: { ...workspace.gateway, limits: { clientHeadersTimeoutMs: 120_000, clientBodyTimeoutMs: 120_000 } } });
    expect(result.ok).toBe(true);
    try {
      const conn = await RawConnection.open(gateway.port);
      void trickle(conn, ['GET /svc/reloaded HTTP/1.1\r\n', 'Host: gw.test\r\n', 'X-A: 1\r\n'], 400);
      await sleep(HEADERS_TIMEOUT * 3);
      expect(conn.serverClosed).toBe(false); // the old limit has passed (at least) three times over: it no longer applies
      conn.write('\r\n');
      expect((await conn.response())?.status).toBe(200);
      conn.close();
    } finally {
      await gateway.reload(workspace);
    }
  });
});

describe('clients that go away', () => {
  it('releases the upstream when the client disconnects mid-response', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write('GET /svc/stream HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    await expect.poll(() => conn.pending.length).toBeGreaterThan(100_000);
    expect(conn.pending.startsWith('HTTP/1.1 200')).toBe(true);
    conn.close();
    await expect.poll(() => upstreamRequests.get('/stream')?.responseClosed).toBe(true);
    expect(upstreamRequests.get('/stream')?.responseFinished).toBe(false);
    await expect.poll(() => gateway.inFlight).toBe(0);
    await expect.poll(() => upstreamRequests.get('/stream')?.socketClosed).toBe(true);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/svc/stream')?.status).toBe(200);
    expect(gateway.logs.find((e) => e.path === '/svc/stream')?.error).toBe('CLIENT_GONE');
  });

  it('closes the connection of a client that leaves its answer unread (timeouts.clientReadMs), releasing the upstream', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.socket.pause(); // reads nothing from here on: the gateway's writes to it back up
    conn.write('GET /unread/stream-unread HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    // Until 1 Dec the upstream connection stayed taken for as long as the client did not read (forever here).
    await expect.poll(() => upstreamRequests.get('/stream-unread')?.socketClosed, { timeout: 60_000 }).toBe(true);
    expect(upstreamRequests.get('/stream-unread')?.responseFinished).toBe(false);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/unread/stream-unread')?.error).toBe('CLIENT_STOPPED_READING');
    expect(gateway.logs.find((e) => e.path === '/unread/stream-unread')?.status).toBe(200);
    conn.socket.resume();
    await conn.closed;
  });

  it('does not cut a client that reads its answer slowly but steadily (timeouts.clientReadMs measures what it takes)', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.socket.pause();
    conn.socket.removeAllListeners('data'); // this test reads the bytes itself, a step at a time
    conn.write('GET /slowread/sized HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    let taken = 0;
    let ended = false;
    conn.socket.once('end', () => (ended = true));
    conn.socket.once('close', () => (ended = true));
    // Until 3 Dec the gateway waited for Node's 'drain', which comes once half the kernel's send buffer (several MB)
    // is free: this client, reading all along, was cut after clientReadMs and logged CLIENT_STOPPED_READING.
    while (!ended) {
      let step = READ_STEP_BYTES;
      for (let chunk: Buffer | null; step > 0 && (chunk = conn.socket.read(Math.min(step, conn.socket.readableLength || step)) as Buffer | null) !== null; ) {
        taken += chunk.length;
        step -= chunk.length;
      }
      await sleep(READ_STEP_MS);
      if (taken >= SIZED_ANSWER_BYTES) break;
    }
    // The head and the whole body came: the connection was not cut.
    expect(taken).toBeGreaterThanOrEqual(SIZED_ANSWER_BYTES);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/slowread/sized')?.status).toBe(200);
    expect(gateway.logs.find((e) => e.path === '/slowread/sized')?.error).toBeUndefined();
    conn.close();
  });

  it('releases the upstream when the client disconnects before the answer', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write('GET /svc/hang HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    await expect.poll(() => upstreamRequests.has('/hang')).toBe(true);
    conn.close();
    await expect.poll(() => upstreamRequests.get('/hang')?.responseClosed).toBe(true);
    await expect.poll(() => gateway.inFlight).toBe(0);
    await expect.poll(() => upstreamRequests.get('/hang')?.socketClosed).toBe(true);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/svc/hang')?.status).toBe(499);
    expect(gateway.logs.find((e) => e.path === '/svc/hang')?.error).toBe('CLIENT_GONE');
  });

  it('releases the upstream when the client disconnects mid-body', async () => {
    const conn = await RawConnection.open(gateway.port);
    conn.write('POST /svc/half-body HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 1000\r\n\r\n' + 'x'.repeat(300));
    await expect.poll(() => upstreamRequests.has('/half-body')).toBe(true);
    conn.close();
    await expect.poll(() => upstreamRequests.get('/half-body')?.closed).toBe(true);
    expect(upstreamRequests.get('/half-body')?.complete).toBe(false);
    await expect.poll(() => gateway.inFlight).toBe(0);
    await expect.poll(() => upstreamRequests.get('/half-body')?.socketClosed).toBe(true);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/svc/half-body')?.error).toBe('CLIENT_BODY_INCOMPLETE');
  });
});
