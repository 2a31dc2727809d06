import type { Dispatcher } from 'undici';
import { Pool } from './undici-core';
import type { ConnectionOptions } from 'node:tls';

/** How a pool's connections are made (security/upstream-tls.ts builds these), and a key naming them without secrets. */
export interface ConnectProfile {
  readonly key: string;
  readonly connect: Pick<ConnectionOptions, 'rejectUnauthorized' | 'secureContext'>;
}

// Requests of an older config generation may still be about to dispatch on a pool it dropped.
const RETIRE_GRACE_MS = 30_000;

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Most connections to the origin (gateway.maxUpstreamConnections); requests beyond them queue in the pool. */
  connections: number;
  /** Server trust and client certificate; pools are kept per profile. */
  tls?: ConnectProfile;
}

/**
 * Keep-alive connection pools, one per upstream origin and connection options, shared across config
 * generations so a hot reload keeps warm connections; pools no longer used are closed gracefully.
 */
export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();

  get(origin: string, options: PoolOptions): Pool {
    const key = `${origin}|${options.connectTimeoutMs}|${options.connections}|${options.tls?.key ?? ''}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new Pool(origin, { connectTimeout: options.connectTimeoutMs, connections: options.connections, connect: options.tls?.connect, keepAliveTimeout: 10_000, pipelining: 1 });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  readonly #retiring = new Set<Pool>();

  /** Retires pools not in `keep`: closed after a grace period, and close() itself lets dispatched requests finish. */
  retainOnly(keep: ReadonlySet<Dispatcher>): void {
    for (const [key, pool] of this.#pools) {
      if (keep.has(pool)) continue;
      this.#pools.delete(key);
      this.#retiring.add(pool);
      setTimeout(() => {
        this.#retiring.delete(pool);
        void pool.close().catch(() => undefined);
      }, RETIRE_GRACE_MS).unref();
    }
  }

  async closeAll(): Promise<void> {
    const pools = [...this.#pools.values(), ...this.#retiring];
    this.#pools.clear();
    this.#retiring.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
}
