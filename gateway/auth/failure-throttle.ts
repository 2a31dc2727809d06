import { LRUCache } from 'lru-cache';
import { isLoopbackAddress } from '../http/loopback-address';

export interface ThrottleSettings {
  maxFailures: number;
  windowSeconds: number;
  blockSeconds: number;
  /** Throttle loopback clients too; by default they are never counted or blocked (schema.ts Throttle.loopback). */
  loopback?: boolean;
}

interface ClientRecord {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/**
 * Counts failed authentications per client address; past the threshold the client is blocked for a while.
 * A success forgives nothing: failures only expire with their window (as fail2ban's do). Were a sign-in to clear the
 * count, a client holding one valid login could guess at another's password without end, signing in with its own
 * after every `maxFailures - 1` guesses.
 * Loopback clients are left alone unless `loopback` is set: on a developer's own gateway they are the developer
 * (trying 401 flows, replaying Kong's or APISIX's test suites, neither of which throttles basic-auth), and blocking
 * them blocks the gateway's own user. Behind a local tunnel or reverse proxy every client looks like loopback,
 * which is what `loopback: true` is for.
 */
export class FailureThrottle {
  // Bounded so a flood of distinct addresses cannot grow memory without limit. The bound is a maxSize of one per
  // client rather than `max`: with `max`, lru-cache allocates its arrays for all 50,000 entries up front (1.1 MB of
  // every gateway's idle heap, nearly all of it unused); this way they grow with the clients actually seen.
  readonly #clients = new LRUCache<string, ClientRecord>({ maxSize: 50_000, sizeCalculation: () => 1 });

  constructor(
    private settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * New limits apply to the next failure; clients already blocked stay blocked, except loopback clients once
   * `loopback` is turned off.
   */
  configure(settings: ThrottleSettings): void {
    this.settings = settings;
  }

  /** Seconds the client must wait, or 0 when it may try. */
  retryAfterSeconds(client: string): number {
    if (this.#exempt(client)) return 0;
    const record = this.#clients.get(client);
    if (!record) return 0;
    const remaining = record.blockedUntil - this.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  recordFailure(client: string): void {
    if (this.#exempt(client)) return;
    const now = this.now();
    let record = this.#clients.get(client);
    if (!record || now - record.windowStart > this.settings.windowSeconds * 1000) {
      record = { failures: 0, windowStart: now, blockedUntil: 0 };
      this.#clients.set(client, record);
    }
    record.failures += 1;
    if (record.failures >= this.settings.maxFailures) {
      record.blockedUntil = now + this.settings.blockSeconds * 1000;
      record.failures = 0;
      record.windowStart = now;
    }
  }

  #exempt(client: string): boolean {
    return this.settings.loopback !== true && isLoopbackAddress(client);
  }
}
