import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import type { WorkspaceInput } from '../../../gateway/config/schema';

let first: RecordingUpstream;
let second: RecordingUpstream;
let gateway: TestGateway;

function workspace(upstreamUrl: string, realm: string): WorkspaceInput {
  return {
    services: [{ name: 'svc', pathPrefix: '/svc', upstream: { url: upstreamUrl }, plugins: { 'basic-auth': { realm } } }],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
  };
}

beforeAll(async () => {
  const slowAnswer = (label: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    setTimeout(() => res.end(label), 5);
  };
  first = await startRecordingUpstream(slowAnswer('first'));
  second = await startRecordingUpstream(slowAnswer('second'));
  gateway = await startTestGateway(workspace(first.url, 'one'), { 'alex-pw': { password: '123456' } });
});

afterAll(async () => {
  await gateway.close();
  await first.close();
  await second.close();
});

describe('hot reload', () => {
  it('applies new configs under load with zero failed requests; each request sees one generation', async () => {
    const agent = new Agent({ connections: 16 });
    const statuses = new Map<number | string, number>();
    const bodies = new Set<string>();
    let stop = false;
    // Reloads are paced by answered requests, not by the clock: after each one, 32 more answers (twice the
    // connections), so requests started under every generation are answered whatever the machine's load.
    let answered = 0;
    let waiter: { count: number; resolve: () => void } | undefined;
    const moreAnswers = (n: number) => new Promise<void>((resolve) => (waiter = { count: answered + n, resolve }));
    const worker = async () => {
      while (!stop) {
        let outcome: number | string;
        try {
          const res = await request(`${gateway.url}/svc/x`, { dispatcher: agent, headers: { authorization: basic('alex', '123456') } });
          bodies.add(await res.body.text());
          outcome = res.statusCode;
        } catch (error) {
          outcome = (error as Error).message;
        }
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
        answered++;
        if (waiter && answered >= waiter.count) waiter.resolve();
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    for (let i = 0; i < 20; i++) {
      await moreAnswers(32);
      const result = await gateway.reload(workspace(i % 2 === 0 ? second.url : first.url, `gen-${i}`));
      expect(result).toEqual({ ok: true, leftOut: [] });
    }
    await moreAnswers(32);
    stop = true;
    await Promise.all(workers);
    await agent.close();
    expect([...statuses.keys()]).toEqual([200]);
    expect(bodies).toEqual(new Set(['first', 'second']));
  });

  it('refuses an invalid config with field errors and keeps serving the old one', async () => {
    await gateway.reload(workspace(first.url, 'kept'));
    const result = await gateway.reload({ services: [{ name: 'svc', upstream: { url: 'not a url' } }], routes: [{ name: 'r', service: 'svc', path: '/', methods: ['FETCH'] }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['services[0].upstream.url', 'routes[0].methods[0]']));
    const res = await request(`${gateway.url}/svc/x`);
    await res.body.dump();
    expect(res.headers['www-authenticate']).toBe('Basic realm="kept", charset="UTF-8"');
  });

  it('refuses a config whose secret is missing, naming consumer, secret and key, and keeps serving', async () => {
    const ws = workspace(second.url, 'new');
    ws.consumers = [{ username: 'bob', basicAuth: { password: { secret: 'bob-pw', key: 'password' } } }];
    const result = await gateway.reload(ws);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message).toMatch(/consumer "bob".*secret "bob-pw" not found/);
    const res = await request(`${gateway.url}/svc/x`, { headers: { authorization: basic('alex', '123456') } });
    expect(await res.body.text()).toBe('first');
  });
});
