// gateway.maxUpstreamConnections bounds the sockets to one upstream; requests beyond it queue. The upstream holds
// every answer until the burst has filled all the connections it will get, so the count is not a matter of speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Client, request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';

const CAP = 4;
const BURST = 24;
let upstream: Server;
let gateway: TestGateway;
let connections = 0;
const waiting: ServerResponse[] = [];
let release: (() => void) | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    waiting.push(res);
    if (waiting.length === CAP) release?.();
  });
  upstream.on('connection', () => {
    connections += 1;
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as { port: number }).port;
  gateway = await startTestGateway({
    gateway: { maxUpstreamConnections: CAP },
    services: [{ name: 'busy', pathPrefix: '/busy', upstream: { url: `http://127.0.0.1:${port}` } }],
  });
});

afterAll(async () => {
  await gateway.close();
  upstream.closeAllConnections();
  upstream.close();
});

function answerAll(): void {
  for (const res of waiting.splice(0)) res.end('ok');
}

describe('connections per upstream', () => {
  it(`opens at most ${CAP} sockets for a burst of ${BURST} requests, and answers every one`, async () => {
    const filled = new Promise<void>((resolve) => (release = resolve));
    const responses = Array.from({ length: BURST }, (_, i) => request(`${gateway.url}/busy/${i}`).then(async (r) => ({ status: r.statusCode, body: await r.body.text() })));
    await filled;
    // Every connection the pool may open is busy; the other requests are queued in the gateway, not at the upstream.
    expect(waiting).toHaveLength(CAP);
    expect(connections).toBe(CAP);
    // From here on each answer frees a connection for a queued request.
    upstream.on('request', () => setImmediate(answerAll));
    answerAll();
    const results = await Promise.all(responses);
    expect(results.every((r) => r.status === 200 && r.body === 'ok')).toBe(true);
    expect(connections).toBe(CAP);
  });

  it('defaults to 64 per upstream in the workspace settings', async () => {
    const { parseWorkspace } = await import('../../../gateway/config/validate');
    expect(parseWorkspace({}).gateway.maxUpstreamConnections).toBe(64);
  });
});

// A request that finds every connection busy waits in the gateway; until 3 Dec it waited without bound and its client
// got nothing until it gave up. Now it waits timeouts.queueMs (connectMs when unset), as HAProxy's `timeout queue`,
// and gets a 503 naming the limit. The upstream here holds its one connection until the test lets it answer.
describe('a request that waits too long for a free upstream connection', () => {
  let held: Server;
  let heldPort = 0;
  const seen: string[] = [];
  let sockets = 0;
  const holding: ServerResponse[] = [];
  let arrived: (() => void) | undefined;

  beforeAll(async () => {
    held = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        seen.push(`${req.method} ${req.url}${body ? ` ${body}` : ''}`);
        if (req.url?.endsWith('/hold')) {
          holding.push(res);
          arrived?.();
        } else res.end('ok');
      });
    });
    held.on('connection', () => (sockets += 1));
    held.listen(0, '127.0.0.1');
    await once(held, 'listening');
    heldPort = (held.address() as { port: number }).port;
  });
  afterAll(() => {
    held.closeAllConnections();
    held.close();
  });

  async function gatewayWith(timeouts: Record<string, number>): Promise<TestGateway> {
    seen.length = 0;
    sockets = 0;
    return startTestGateway({
      gateway: { maxUpstreamConnections: 1, timeouts },
      services: [{ name: 'one', pathPrefix: '/one', upstream: { url: `http://127.0.0.1:${heldPort}` } }],
    });
  }

  /** The first request takes the only connection, and the upstream holds it; `first` is its status, once answered. */
  async function takeTheConnection(gw: TestGateway): Promise<{ first: Promise<number> }> {
    const taken = new Promise<void>((resolve) => (arrived = resolve));
    const first = request(`${gw.url}/one/hold`).then(async (r) => (await r.body.text(), r.statusCode));
    await taken;
    return { first };
  }

  it('answers 503 UPSTREAM_POOL_FULL after timeouts.queueMs, never sends it later, and keeps both connections', async () => {
    const gw = await gatewayWith({ queueMs: 200 });
    try {
      const { first } = await takeTheConnection(gw);
      // One connection from the client to the gateway for both of its requests: the refused request's body must not
      // be destroyed with it when the upstream connection comes free.
      const client = new Client(gw.url, { pipelining: 1 });
      let clientDisconnects = 0;
      client.on('disconnect', () => (clientDisconnects += 1));
      const waited = await client.request({ method: 'POST', path: '/one/queued', body: 'payload' });
      const answer = (await waited.body.json()) as { message: string };
      expect(waited.statusCode).toBe(503);
      expect(answer.message).toBe(`Upstream http://127.0.0.1:${heldPort}/: no connection came free for 0.2 s; all 1 the gateway may open to it (gateway.maxUpstreamConnections) were busy when the request came (UPSTREAM_POOL_FULL)`);
      expect(gw.logs.find((l) => l.path === '/one/queued')).toMatchObject({ status: 503, error: 'UPSTREAM_POOL_FULL' });

      // The connection comes free: the refused request is dropped unwritten, and the connection serves the next.
      holding.splice(0).forEach((res) => res.end('held'));
      expect(await first).toBe(200);
      const next = await client.request({ method: 'GET', path: '/one/next' });
      expect(next.statusCode).toBe(200);
      expect(await next.body.text()).toBe('ok');
      expect(seen).toEqual(['GET /hold', 'GET /next']);
      expect(sockets).toBe(1);
      expect(clientDisconnects).toBe(0);
      await client.close();
    } finally {
      holding.splice(0).forEach((res) => res.end());
      await gw.close();
    }
  });

  it('waits connectMs when queueMs is not set', async () => {
    const gw = await gatewayWith({ connectMs: 300 });
    try {
      const { first } = await takeTheConnection(gw);
      const waited = await request(`${gw.url}/one/queued`);
      expect(waited.statusCode).toBe(503);
      expect(((await waited.body.json()) as { message: string }).message).toContain('no connection came free for 0.3 s; all 1 ');
      holding.splice(0).forEach((res) => res.end('held'));
      expect(await first).toBe(200);
    } finally {
      holding.splice(0).forEach((res) => res.end());
      await gw.close();
    }
  });

  it('refuses a queueMs that is no whole number of milliseconds, naming the field', async () => {
    const { validateWorkspace } = await import('../../../gateway/config/validate');
    const result = validateWorkspace({ gateway: { timeouts: { queueMs: 0 } } });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['gateway.timeouts.queueMs']);
  });
});
