// undici's SocketError "bad response" (lib/dispatcher/client-h1.js) from a connection means the upstream sent bytes
// after a complete response (beyond its Content-Length, after its last chunk, a body to a HEAD): the parser meets
// the start of another message while no request waits for one, closes the connection (RFC 9112 §6.3: it cannot be
// reused), and the pool emits `disconnect` with the error. No request hears of it: its answer was complete.
// (undici also said it of a `100 Continue` nobody asked for, failing the request that got it; its parser now reads
// that as the 1xx it is: unasked-informational-answers.ts.)

/** Whether the error a pool's `disconnect` carries means the upstream sent bytes after a complete response. */
export function isBytesAfterResponse(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  return e?.code === 'UND_ERR_SOCKET' && e.message === 'bad response';
}
