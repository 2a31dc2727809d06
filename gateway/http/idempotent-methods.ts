// RFC 9110 §9.2.2: the methods whose intended effect is the same however often a request is sent. Only such a
// request may be sent again on its own when its connection is lost before an answer (RFC 9112 §9.3.1).
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method);
}
