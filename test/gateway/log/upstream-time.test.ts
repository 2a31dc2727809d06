import { expect, it } from 'vitest';
import { request } from 'undici';
import { startRecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway } from '../../support/gateway';

// The log's upstreamMs is the upstream's time: from the moment the request is written to a connection to its
// response head. A request waiting in the pool's queue for a free connection (maxUpstreamConnections) spends the
// gateway's time, counted in totalMs only. Asserted as an order of events on one clock (the upstream and the
// gateway share this process's performance.now()), not as a duration.
it('counts upstream time from the request leaving the queue, not from its arrival', async () => {
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  const upstream = await startRecordingUpstream((req, res) => {
    const answer = () => res.end('ok');
    if (req.url === '/first') void firstHeld.then(answer);
    else answer();
  });
  const gateway = await startTestGateway({ gateway: { maxUpstreamConnections: 1 }, services: [{ name: 's', upstream: { url: upstream.url } }] });
  try {
    const first = request(`${gateway.url}/first`).then((r) => r.body.text());
    while (upstream.requests.length < 1) await new Promise((r) => setImmediate(r));
    const second = request(`${gateway.url}/second`).then(async (r) => {
      await r.body.text();
      return performance.now();
    });
    // The second request is in the gateway, queued behind the first on the one connection.
    while (gateway.inFlight < 2) await new Promise((r) => setImmediate(r));
    // It waits a while longer: counted from its arrival, its upstream time would hold this wait.
    await new Promise((r) => setTimeout(r, 50));
    const released = performance.now();
    releaseFirst();
    const secondAnswered = await second;
    await first;
    const entry = gateway.logs.find((e) => e.path === '/second')!;
    // Its upstream time began after the first request was released; its total time includes the wait before.
    expect(entry.upstreamMs!).toBeLessThanOrEqual(secondAnswered - released + 0.01);
    expect(entry.totalMs).toBeGreaterThan(entry.upstreamMs!);
  } finally {
    releaseFirst();
    await gateway.close();
    await upstream.close();
  }
});
