import { LRUCache } from 'lru-cache';

export interface ThrottleSettings {
  maxFailures: number;
  windowSeconds: number;
  blockSeconds: number;
}

interface ClientRecord {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/** Counts failed authentications per client address; past the threshold the client is blocked for a while. */
export class FailureThrottle {
  // Bounded so a flood of distinct addresses cannot grow memory without limit. The bound is a maxSize of one per
  // client rather than `max`: with `max`, lru-cache allocates its arrays for all 50,000 entries up front (1.1 MB of
  // every gateway's idle heap, nearly all of it unused); this way they grow with the clients actually seen.
  readonly #clients = new LRUCache<string, ClientRecord>({ maxSize: 50_000, sizeCalculation: () => 1 });

  constructor(
    private settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** New limits apply to the next failure; clients already blocked stay blocked. */
  configure(settings: ThrottleSettings): void {
    this.settings = settings;
  }

  /** Seconds the client must wait, or 0 when it may try. */
  retryAfterSeconds(client: string): number {
    const record = this.#clients.get(client);
    if (!record) return 0;
    const remaining = record.blockedUntil - this.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  recordFailure(client: string): void {
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

  recordSuccess(client: string): void {
    const record = this.#clients.get(client);
    if (record && record.blockedUntil <= this.now()) this.#clients.delete(client);
  }
}
