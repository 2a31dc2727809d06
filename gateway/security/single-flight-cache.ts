// A bounded cache of fetched credentials (OAuth and CSRF tokens) where concurrent misses for one key share a
// single fetch: a burst of requests on a cold or expired entry costs the remote endpoint one call, not one each.
import { LRUCache } from 'lru-cache';

export class SingleFlightCache<T extends object> {
  readonly #entries: LRUCache<string, T>;
  readonly #inflight = new Map<string, Promise<T>>();

  constructor(maxEntries: number) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  /**
   * The cached value while `fresh` says so, otherwise the fetch in flight for `key`, started if there is none.
   * A fetched value `keep` refuses answers the callers waiting for that fetch and is not cached.
   */
  get(key: string, fresh: (value: T) => boolean, fetch: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const cached = this.cached(key, fresh);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inflight.get(key);
    if (!pending) {
      // Failures are not cached: the next miss fetches again.
      pending = fetch()
        .then((value) => {
          if (keep(value)) this.#entries.set(key, value);
          return value;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** The cached value while `fresh` says so (counted as a use for recency), without fetching or waiting. */
  cached(key: string, fresh: (value: T) => boolean): T | undefined {
    const cached = this.#entries.get(key);
    return cached !== undefined && fresh(cached) ? cached : undefined;
  }

  /** The cached value, fresh or not, without touching its recency. */
  peek(key: string): T | undefined {
    return this.#entries.peek(key);
  }

  /** Drops `value` unless a newer value already replaced it (a late rejection of an old credential). */
  evict(key: string, value: T): void {
    if (this.#entries.peek(key) === value) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
