// gateway.maxUpstreamConnections bounds the sockets to one upstream; requests beyond it queue. The upstream holds
// every answer until the burst has filled all the connections it will get, so the count is not a matter of speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { request } from 'undici';
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
