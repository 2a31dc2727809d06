// How the gateway breaks off an answer whose body failed once bytes of it were out (an upstream that reset, broke
// its chunking or fell silent past responseMs): the state of the client's connection is the only signal left.
import type { ServerResponse } from 'node:http';

/**
 * Whether the answer whose head `res` has written with `headers` (flat, lower-case names) ends only at the
 * connection's close: neither chunked nor of a declared length, as Node sends a body of unknown length to HTTP/1.0.
 */
export function endsAtClose(res: ServerResponse, headers: readonly string[]): boolean {
  if (res.chunkedEncoding) return false;
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'content-length') return false;
  return true;
}

/**
 * Breaks off `res` and its connection. A body of a declared length, or chunked, shows its client the cut (bytes
 * missing, no last chunk) however the connection ends. One that ends at the close would look complete after a FIN,
 * so its connection is reset instead (RFC 9112 §8: the client must be able to tell an incomplete message); until
 * 3 Dec an HTTP/1.0 client took the part it got for the whole answer.
 */
export function cutAnswer(res: ServerResponse, closeDelimited: boolean): void {
  const socket = res.socket;
  if (closeDelimited && socket !== null && !socket.destroyed) socket.resetAndDestroy();
  else res.destroy();
}
