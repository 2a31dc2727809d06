import type { Dispatcher } from 'undici';
import { Pool } from './undici-core';
import type { ConnectionOptions } from 'node:tls';
import { bytesAfterResponseEntry, type ConnectionLogSink } from '../log/connection-log';
import { isBytesAfterResponse } from './undici-bad-response';
import { tlsRefusalNotingConnector } from './tls-refusal-connector';

/** How a pool's connections are made (security/upstream-tls.ts builds these), and a key naming them without secrets. */
export interface ConnectProfile {
  readonly key: string;
  readonly connect: Pick<ConnectionOptions, 'rejectUnauthorized' | 'secureContext'>;
  /** Whether the connections present a client certificate (said when a backend refuses the handshake). */
  readonly clientCertificate: boolean;
}

/**
 * How long an idle upstream connection is kept for reuse: undici's own default (4 s). Backends close idle
 * connections without saying when (gunicorn after 2 s, Node and uvicorn after 5 s), and a request sent on a socket
 * the backend is closing fails (502). Kept at 10 s, a pooled socket outlived most of those timeouts. A backend that
 * announces `Keep-Alive: timeout=N` is honoured instead, less undici's default 2 s margin (keepAliveTimeoutThreshold).
 */
export const UPSTREAM_IDLE_KEEP_ALIVE_MS = 4_000;

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
  readonly #log: ConnectionLogSink | undefined;

  /** `log` hears what happens on a pool's connections outside any request (an upstream's bytes after its answer). */
  constructor(log?: ConnectionLogSink) {
    this.#log = log;
  }

  get(origin: string, options: PoolOptions): Pool {
    const key = `${origin}|${options.connectTimeoutMs}|${options.connections}|${options.tls?.key ?? ''}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      // An https:// origin's connections keep what a refused TLS handshake said (tls-refusal-connector.ts), with or
      // without a profile: a public backend may ask for a client certificate too.
      const connect = origin.startsWith('https:')
        ? tlsRefusalNotingConnector({ timeout: options.connectTimeoutMs, ...options.tls?.connect }, options.tls?.clientCertificate ?? false)
        : options.tls?.connect;
      pool = new Pool(origin, { connectTimeout: options.connectTimeoutMs, connections: options.connections, connect, keepAliveTimeout: UPSTREAM_IDLE_KEEP_ALIVE_MS, pipelining: 1 });
      // One listener a pool, heard only when a connection ends: nothing on a request's way.
      const log = this.#log;
      if (log) pool.on('disconnect', (_origin, _targets, error) => {
        if (isBytesAfterResponse(error)) log(bytesAfterResponseEntry(origin));
      });
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
