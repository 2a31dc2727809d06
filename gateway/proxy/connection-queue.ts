// The wait for an upstream connection. At most gateway.maxUpstreamConnections connections go to one origin; when
// all are busy (long streams, a backend slow to answer), undici's Pool keeps further requests in its queue with no
// bound, and a client got nothing until it gave up (logged 499). As HAProxy's `timeout queue` (503 once a request
// has waited that long for a server slot), a request that waits `timeouts.queueMs` (`connectMs` when unset) is
// answered 503 UPSTREAM_POOL_FULL; the request itself is never written to the upstream later (forward.ts).
import type { Dispatcher } from 'undici';
import { queuedKey } from './undici-core';
import { UpstreamError } from './upstream-errors';

/** An endpoint's connection limit and how long a request may wait for one of its connections. */
export interface ConnectionQueue {
  readonly timeoutMs: number;
  /** gateway.maxUpstreamConnections, for the answer's words. */
  readonly connections: number;
}

export const UPSTREAM_POOL_FULL = 'UPSTREAM_POOL_FULL';

/** How many requests wait in `dispatcher` for a free connection: a Pool's count, 0 for any other dispatcher. */
export function queuedRequests(dispatcher: Dispatcher): number {
  return ((dispatcher as unknown as Record<symbol, unknown>)[queuedKey] as number | undefined) ?? 0;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The 503 for a request that waited `queue.timeoutMs` for a connection to `upstreamLabel`'s origin. */
export class PoolFullError extends UpstreamError {
  /** The traffic inspector's words: the request never reached the backend. */
  readonly words: string;

  constructor(upstreamLabel: string, queue: ConnectionQueue) {
    const waited = `no connection came free for ${seconds(queue.timeoutMs)}`;
    super(503, `Upstream ${upstreamLabel}: ${waited}; all ${queue.connections} the gateway may open to it (gateway.maxUpstreamConnections) were busy when the request came (${UPSTREAM_POOL_FULL})`, UPSTREAM_POOL_FULL);
    this.words = `${waited}: all ${queue.connections} were busy (${UPSTREAM_POOL_FULL})`;
  }
}
