// Misbehaving upstreams: resets, silence, invalid HTTP, huge headers, slow bodies, TLS failures. Before the
// upstream's headers the client gets a 502/504 JSON naming the upstream; after them, a cut connection. Nothing
// leaks: after 200 such requests the gateway's in-flight count, the upstreams' connections and the process's
// handles are back where they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream';
import { request as httpRequest } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTlsServer, type TestTlsServer } from '../support/tls-servers';
import { createTestPki } from '../support/test-certificates';

const RESPONSE_MS = 300;
let faults: RawUpstream;
let faultPort: number;
let plainHttp: RecordingUpstream;
let selfSigned: TestTlsServer;
let wrongCa: TestTlsServer;
let gateway: TestGateway;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each path makes the raw upstream do once it has read a request's head. */
const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  '/reset-before-headers': (s) => s.resetAndDestroy(),
  '/close-before-headers': (s) => s.end(),
  '/never-answers': () => undefined,
  '/garbage': (s) => s.end('HELLO THERE\r\n\r\n'),
  '/bad-status': (s) => s.end('HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n'),
  '/bad-content-length': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nabc'),
  '/content-length-and-chunked': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'),
  '/conflicting-content-length': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc'),
  '/bare-lf-header': (s) => s.end('HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 3\r\n\r\nabc'),
  '/huge-headers': (s) => s.end(`HTTP/1.1 200 OK\r\n${Array.from({ length: 40 }, (_, i) => `X-Big-${i}: ${'h'.repeat(1000)}`).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`),
  '/bad-chunk': (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nabc\r\n0\r\n\r\n'),
  '/reset-mid-body': (s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n${'b'.repeat(2000)}`);
    setTimeout(() => s.resetAndDestroy(), 50);
  },
  '/close-mid-body': (s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n${'b'.repeat(2000)}`);
    setTimeout(() => s.end(), 50);
  },
  '/slow-body': (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst');
    // Each gap is far longer than responseMs: the gateway gives up on the body. (undici checks body timeouts on a
    // timer wheel of about half a second, and each byte restarts the wait, so a gap of a few timeouts can slip by.)
    const timer = setInterval(() => (s.writable ? s.write('x') : clearInterval(timer)), RESPONSE_MS * 10);
    s.once('close', () => clearInterval(timer));
  },
};

interface Outcome {
  status: number;
  body: string;
  /** The connection ended before the response was complete. */
  cut: boolean;
}

/** One request on its own connection (closed afterwards), so client sockets do not linger between checks. */
function call(path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: gateway.port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body, cut: !res.complete }));
    });
    req.on('error', () => resolve({ status: 0, body: '', cut: true }));
    req.end();
  });
}

beforeAll(async () => {
  faults = await startRawUpstream((socket, path) => {
    (BEHAVIOURS[path] ?? ((s: Socket) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')))(socket);
  });
  faultPort = faults.port;

  const pki = await createTestPki();
  plainHttp = await startRecordingUpstream();
  selfSigned = await startTlsServer({ cert: pki.selfSignedServer.cert, key: pki.selfSignedServer.key });
  wrongCa = await startTlsServer({ cert: pki.server.cert, key: pki.server.key });
  const timeouts = { connectMs: 1000, responseMs: RESPONSE_MS };
  gateway = await startTestGateway(
    {
      services: [
        { name: 'faulty', pathPrefix: '/f', upstream: { url: `http://127.0.0.1:${faultPort}` }, timeouts },
        // Trusts the test CA; the server's certificate is self-signed.
        { name: 'self-signed', pathPrefix: '/tls-self-signed', upstream: { url: selfSigned.url }, tls: { caSecret: { secret: 'trust', key: 'ca.crt' } }, timeouts },
        // Trusts another CA than the one that issued the server's certificate.
        { name: 'wrong-ca', pathPrefix: '/tls-wrong-ca', upstream: { url: wrongCa.url }, tls: { caSecret: { secret: 'other-trust', key: 'ca.crt' } }, timeouts },
        // https:// to a server that speaks plain HTTP.
        { name: 'tls-to-plain', pathPrefix: '/tls-to-plain', upstream: { url: `https://127.0.0.1:${plainHttp.port}` }, timeouts },
      ],
    },
    { trust: { 'ca.crt': pki.ca.cert }, 'other-trust': { 'ca.crt': pki.otherCa.cert } },
  );
});

afterAll(async () => {
  await gateway.close();
  faults.close();
  await Promise.all([plainHttp.close(), selfSigned.close(), wrongCa.close()]);
});

/** [path, the status the client gets, or 0: the connection is cut after the upstream's headers] */
const CASES: [string, number][] = [
  ['/f/reset-before-headers', 502],
  ['/f/close-before-headers', 502],
  ['/f/never-answers', 504],
  ['/f/garbage', 502],
  ['/f/bad-status', 502],
  ['/f/bad-content-length', 502],
  ['/f/content-length-and-chunked', 502],
  ['/f/conflicting-content-length', 502],
  ['/f/bare-lf-header', 502],
  ['/f/huge-headers', 502],
  ['/tls-self-signed/x', 502],
  ['/tls-wrong-ca/x', 502],
  ['/tls-to-plain/x', 502],
  ['/f/bad-chunk', 0],
  ['/f/reset-mid-body', 0],
  ['/f/close-mid-body', 0],
  ['/f/slow-body', 0],
];

function expectOutcome(path: string, expected: number, outcome: Outcome): void {
  if (expected === 0) {
    // The upstream's 200 was passed on before its body failed: the only honest signal left is a broken connection
    // (with the status line and some body, or with nothing at all when no byte had been flushed yet).
    expect([0, 200], path).toContain(outcome.status);
    expect(outcome.cut, path).toBe(true);
    return;
  }
  expect(outcome.status, path).toBe(expected);
  expect(outcome.cut, path).toBe(false);
  const message = (JSON.parse(outcome.body) as { message: string }).message;
  // What went wrong, in words (test/gateway/proxy/upstream-answer-errors.test.ts checks each kind's).
  expect(message, path).toMatch(expected === 504 ? /^Upstream .* timed out/ : /^Upstream .* (unreachable|sent (an invalid HTTP response|a response with an invalid Content-Length|an invalid status line|response headers over)|answered 10[01] [A-Z]|closed the connection|reset the connection|does not speak TLS on that port|presented a TLS certificate the gateway does not accept) /);
}

function handles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

async function settle(): Promise<void> {
  await expect.poll(() => gateway.inFlight).toBe(0);
  await sleep(RESPONSE_MS * 2);
}

/** Runs `paths` with at most `concurrency` requests at a time and checks each outcome. */
async function run(paths: [string, number][], concurrency: number): Promise<void> {
  const queue = [...paths];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) expectOutcome(next[0], next[1], await call(next[0]));
    }),
  );
}

describe('misbehaving upstreams', () => {
  it.each(CASES)('%s → %s (0: cut after headers)', async (path, expected) => {
    expectOutcome(path, expected, await call(path));
    await expect.poll(() => gateway.inFlight).toBe(0);
    const entry = gateway.logs.findLast((e) => e.path === path);
    expect(entry?.status).toBe(expected === 0 ? 200 : expected);
    // The log says what went wrong, for a cut response too.
    expect(entry?.error).toBeTruthy();
  });

  it('leaks nothing over 200 faulty requests: in-flight count, upstream connections and handles return to baseline', async () => {
    const CONCURRENCY = 8;
    const round = (n: number) => Array.from({ length: n }, (_, i) => CASES[i % CASES.length]!);
    // Warm-up at the same concurrency, so pools hold what they will hold at most.
    await run(round(CASES.length * 2), CONCURRENCY);
    await settle();
    const baseline = { handles: handles(), faultSockets: faults.sockets.size, selfSigned: await connectionCount(selfSigned.server), wrongCa: await connectionCount(wrongCa.server) };

    await run(round(200), CONCURRENCY);
    await settle();
    expect(gateway.inFlight).toBe(0);
    await expect.poll(() => faults.sockets.size).toBeLessThanOrEqual(baseline.faultSockets);
    await expect.poll(() => connectionCount(selfSigned.server)).toBeLessThanOrEqual(baseline.selfSigned);
    await expect.poll(() => connectionCount(wrongCa.server)).toBeLessThanOrEqual(baseline.wrongCa);
    await expect.poll(() => handles()).toBeLessThanOrEqual(baseline.handles);
    // Every request was logged, with its status.
    expect(gateway.logs.filter((e) => e.status === 0)).toEqual([]);
  });
});

function connectionCount(server: TlsServer): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}
