// A real gateway with the traffic inspector's capture on, as the app runs it, and what it captured: for the
// capture tests, which read the exchanges as main would receive them.
import { expect } from 'vitest';
import { request } from 'undici';
import { startGateway, type Gateway } from '../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver, type SecretData } from '../../gateway/secrets/secret-source';
import { TrafficCapture } from '../../gateway/capture/traffic-capture';
import type { CapturedExchange, ExchangeCredentials } from '../../gateway/capture/exchange';
import type { WorkspaceInput } from '../../gateway/config/schema';

export interface Captured { exchange: CapturedExchange; credentials: ExchangeCredentials }

const MASK_IN_URL = encodeURIComponent('••••••••');

export class CapturingGateway {
  readonly seen: Captured[] = [];
  readonly waiters: { test: (c: Captured) => boolean; resolve: (c: Captured) => void }[] = [];
  readonly capture = new TrafficCapture((exchange, credentials) => {
    // Snapshots are sent as they are: copy, as a message channel would.
    const c = structuredClone({ exchange, credentials });
    this.seen.push(c);
    for (const w of [...this.waiters]) if (w.test(c)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(c);
    }
  }, { enabled: true });
  gateway!: Gateway;

  async start(workspace: WorkspaceInput, secrets: Record<string, SecretData>): Promise<this> {
    this.gateway = await startGateway({ workspace, secrets: new SecretResolver([new MemorySecretSource('t', secrets)]), port: 0, capture: this.capture });
    return this;
  }

  /** The next snapshot (already seen or still to come) that `test` accepts. */
  next(test: (c: Captured) => boolean, after = 0): Promise<Captured> {
    const found = this.seen.slice(after).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /**
   * Sends a request and returns its completed exchange, known by its target as the inspector shows it
   * (`shownTarget`; by default `path` with a `token=` value masked).
   */
  async call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; shownTarget?: string } = {}): Promise<Captured> {
    const from = this.seen.length;
    const res = await request(`${this.gateway.url}${path}`, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body ?? null });
    await res.body.arrayBuffer();
    const shown = init.shownTarget ?? path.replace(/(token=)[^&]*/, `$1${MASK_IN_URL}`);
    return this.next((c) => c.exchange.state === 'complete' && c.exchange.request.target === shown, from);
  }
}

export const bodyText = (b: { base64: string }) => Buffer.from(b.base64, 'base64').toString('utf8');
export const header = (list: { name: string; value: string }[] | undefined, name: string) => list?.find((h) => h.name === name);

/** Every string in `value`, as it is (JSON.stringify would escape a `"` or `\\` a secret holds). */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, into);
  return into;
}

/** None of `secrets` anywhere in what the inspector was sent, bodies decoded. */
export function expectNoSecret(captured: Captured[], secrets: string[]): void {
  const views = stringsIn(captured.map((c) => c.exchange)).join('\n');
  const decodedBodies = captured.flatMap((c) => [c.exchange.request.body, c.exchange.response?.body].filter((b) => b !== undefined)).map((b) => bodyText(b!)).join('\n');
  for (const secret of secrets) {
    expect(views, secret).not.toContain(secret);
    expect(decodedBodies, secret).not.toContain(secret);
  }
}
