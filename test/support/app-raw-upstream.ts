// The app's main side (no keychain) serving one service, `raw` at `/raw`, whose upstream is a raw server answering
// byte by byte: for the tests of what a misbehaving backend looks like from the app.
import type { Socket } from 'node:net';
import { expect } from 'vitest';
import { startAppHarness, type AppHarness } from './app-harness';
import { startRawUpstream, type RawUpstream } from './raw-upstream';

export interface AppWithRawUpstream {
  harness: AppHarness;
  upstream: RawUpstream;
  close(): Promise<void>;
}

/** Resolves once the gateway serves the workspace. */
export async function startAppWithRawUpstream(answer: (socket: Socket, path: string, head: string) => void): Promise<AppWithRawUpstream> {
  const upstream = await startRawUpstream(answer);
  const harness = await startAppHarness({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
  await harness.call('workspace:save', { services: [{ name: 'raw', pathPrefix: '/raw', upstream: { url: `http://127.0.0.1:${upstream.port}` } }] });
  await expect.poll(() => harness.app.gatewayStatus()).toMatchObject({ state: 'running', served: { config: 'saved' } });
  return {
    harness,
    upstream,
    async close() {
      await harness.shutdown();
      upstream.close();
    },
  };
}
