// How undici reports an upstream that sent bytes after a complete response (beyond its Content-Length, after its
// last chunk, a body to a HEAD): the parser meets the start of another message while no request waits for one,
// closes the connection (RFC 9112 §6.3: it cannot be reused) with SocketError "bad response", and the pool emits
// `disconnect` with that error. No request hears of it: its answer was complete. undici uses the same error for
// an unasked `100 Continue`, which does fail the request that got it: such an error reached a request first
// (undici fails the request, then emits `disconnect`, in one go), and undici publishes it on its documented
// `undici:request:error` diagnostics channel, which runs only for a request that fails.
import { subscribe } from 'node:diagnostics_channel';

/** Errors undici failed a request with; weakly held, so nothing stays once the error is gone. */
const requestFailures = new WeakSet<object>();
let watching = false;

/** Call before the pools that report it are used, so a request's failure is known by the time its `disconnect` comes. */
export function watchForBytesAfterResponse(): void {
  if (watching) return;
  watching = true;
  subscribe('undici:request:error', (message) => {
    const error = (message as { error?: unknown }).error;
    if (typeof error === 'object' && error !== null) requestFailures.add(error);
  });
}

/** Whether the error a pool's `disconnect` carries means the upstream sent bytes after a complete response. */
export function isBytesAfterResponse(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  return e?.code === 'UND_ERR_SOCKET' && e.message === 'bad response' && !requestFailures.has(e);
}
