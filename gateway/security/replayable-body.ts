// Request bodies kept for the one authentication retry (retry-policy.ts). Bodies up to a limit are buffered so
// they can be sent twice; bigger ones stream as usual and are never retried, so memory per request stays bounded.
import { Readable } from 'node:stream';

export type ReplayableBody =
  | { kind: 'empty' }
  | { kind: 'buffered'; bytes: Buffer }
  /** Over the limit: the chunks read so far, then the rest of the source. Can be sent once. */
  | { kind: 'streamed'; stream: Readable };

export const DEFAULT_REPLAY_LIMIT_BYTES = 1024 * 1024;

export interface ReplayableBodyOptions {
  /** Whether the request has a body at all (Content-Length above 0 or Transfer-Encoding present). */
  hasBody: boolean;
  /** The declared Content-Length, when there is one: a larger body streams without being read first. */
  contentLength?: number;
  limitBytes?: number;
}

async function* replayThenRest(read: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* read;
    read.length = 0;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    // Ends the source when the upstream request is abandoned half-way.
    await rest.return?.();
  }
}

/**
 * Reads `source` up to `limitBytes`. A request without Content-Length (chunked) is read until it ends or passes
 * the limit, so it reaches the backend only then: bounded by the limit, not by time.
 */
export async function replayableBody(source: Readable, options: ReplayableBodyOptions): Promise<ReplayableBody> {
  if (!options.hasBody) return { kind: 'empty' };
  const limit = options.limitBytes ?? DEFAULT_REPLAY_LIMIT_BYTES;
  if (options.contentLength !== undefined && options.contentLength > limit) return { kind: 'streamed', stream: source };
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const read: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { kind: 'buffered', bytes: Buffer.concat(read, size) };
    read.push(next.value);
    size += next.value.length;
    if (size > limit) return { kind: 'streamed', stream: Readable.from(replayThenRest(read, iterator), { objectMode: false }) };
  }
}

export function isReplayable(body: ReplayableBody): boolean {
  return body.kind !== 'streamed';
}

/** What to hand undici as `body` for an attempt. */
export function bodyForAttempt(body: ReplayableBody): Buffer | Readable | null {
  if (body.kind === 'empty') return null;
  return body.kind === 'buffered' ? body.bytes : body.stream;
}
