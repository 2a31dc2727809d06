// undici's SocketError "bad response" (lib/dispatcher/client-h1.js) names two different things an upstream did, and
// which one is told by whether a request failed with it:
// - Bytes after a complete response (beyond its Content-Length, after its last chunk, a body to a HEAD): the parser
//   meets the start of another message while no request waits for one, closes the connection (RFC 9112 §6.3: it
//   cannot be reused), and the pool emits `disconnect` with the error. No request hears of it: its answer was
//   complete.
// - A `100 Continue` the gateway did not ask for (it never sends Expect upstream: header-rules.ts drops the client's,
//   and undici refuses to send one): undici refuses any 100 before the request's handler sees it, closes the
//   connection and fails the request that was waiting, then emits `disconnect` with the same error, in one go. It
//   publishes that failure on its documented `undici:request:error` diagnostics channel, which runs only for a
//   request that fails.
// A request's own failure is therefore the unasked 100; a pool's `disconnect` with an error no request failed with
// is the bytes after a response.
import { subscribe } from 'node:diagnostics_channel';

/** Errors undici failed a request with; weakly held, so nothing stays once the error is gone. */
const requestFailures = new WeakSet<object>();
let watching = false;

function isBadResponse(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  return e?.code === 'UND_ERR_SOCKET' && e.message === 'bad response';
}

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
  return isBadResponse(error) && !requestFailures.has(error as object);
}

/** Whether the error a request failed with means the upstream answered it `100 Continue`, which nobody asked for. */
export function isUnrequestedContinue(requestError: unknown): boolean {
  return isBadResponse(requestError);
}
