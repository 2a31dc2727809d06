// The time every log line carries (a request's, an upstream connection's), as one clock reading formatted once.
let isoTimeMs = 0;
let isoTime = '';
/** `new Date().toISOString()`, formatted once per millisecond however many requests arrive in it. */
export function isoTimeNow(): string {
  const now = Date.now();
  if (now !== isoTimeMs) {
    isoTimeMs = now;
    isoTime = new Date(now).toISOString();
  }
  return isoTime;
}
