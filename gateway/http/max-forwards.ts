// RFC 9110 §7.6.2 Max-Forwards: how many more intermediaries an OPTIONS or TRACE request may pass. A recipient that
// reads 0 answers the request itself; one that forwards it sends the value less one.

const DIGITS = /^[0-9]+$/;

/**
 * The forwards a Max-Forwards value still allows, or undefined when there is none or it is not `1*DIGIT` (then the
 * header is not acted on and passes as sent). A value too large to count exactly is as good as unlimited.
 */
export function forwardsLeft(value: string | string[] | undefined): number | undefined {
  // Node keeps the first of repeated Max-Forwards headers, so a list is never seen; its type allows one.
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const hops = Number(value);
  return Number.isSafeInteger(hops) ? hops : undefined;
}
