// The idle keep-alive of upstream connections: what a connection the gateway's pool actually made uses, read from
// undici's client, next to a bare undici client's defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'undici';
import { UpstreamPools } from '../../../gateway/proxy/upstream-pools';
import { requestThrough } from '../../../gateway/proxy/undici-core';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';

/** An undici-internal field found by its symbol's description (undici's minor version is pinned in package.json). */
function internal(target: object, description: string): unknown {
  const symbol = Object.getOwnPropertySymbols(target).find((s) => s.description === description);
  if (!symbol) throw new Error(`undici has no "${description}" field here any more`);
  return (target as Record<symbol, unknown>)[symbol];
}

let upstream: RecordingUpstream;
const pools = new UpstreamPools();

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  // No `Keep-Alive: timeout=…` in its answers: like gunicorn or uvicorn, the backend does not say when it closes.
  upstream.server.keepAliveTimeout = 0;
});

afterAll(async () => {
  await pools.closeAll();
  await upstream.close();
});

describe('upstream keep-alive', () => {
  it('keeps an idle connection of a backend that announces no timeout 4 s, undici\'s default, and keeps its margin for announced ones', async () => {
    const pool = pools.get(upstream.url, { connectTimeoutMs: 1000, connections: 4 });
    const answer = await requestThrough(pool, `${upstream.url}/x`, { method: 'GET' });
    expect(answer.headers['keep-alive']).toBeUndefined();
    await answer.body.text();

    const bare = new Client(upstream.url);
    const [client] = internal(pool, 'clients') as object[];
    expect(internal(client!, 'keep alive timeout')).toBe(4_000);
    expect(internal(client!, 'default keep alive timeout')).toBe(internal(bare, 'default keep alive timeout'));
    expect(internal(client!, 'keep alive timeout threshold')).toBe(internal(bare, 'keep alive timeout threshold'));
    await bare.close();
  });
});
