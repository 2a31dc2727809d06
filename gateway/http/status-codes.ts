// RFC 9110 §15: a status code's first digit is its class, one of five (1xx to 5xx), and a recipient reads a code it
// does not know as the x00 of its class. A code outside 100–599 has no class to be read by: it is no HTTP status, and
// an answer carrying one is not a valid HTTP response (llhttp, and so undici, reads any three digits).
export function isHttpStatus(code: number): boolean {
  return code >= 100 && code <= 599;
}

/** A status code as it stood in the status line: three digits (`099`, not `99`). */
export function statusAsSent(code: number): string {
  return String(code).padStart(3, '0');
}
