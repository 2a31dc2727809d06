// How the traffic inspector shows a header value. Node gives header values, and the gateway holds the ones it
// sends, as one character per byte (Latin-1); a value in UTF-8 (a consumer's name in X-Consumer-Username, sent as
// Kong sends it: proxy/forward-headers.ts utf8HeaderValue) then reads as mojibake ("ZoÃ«"). Shown, its bytes are
// read as UTF-8 when they are valid UTF-8 and not all ASCII; what went on the wire is not touched.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `value`'s bytes read as UTF-8, or `undefined` when they are all ASCII, not valid UTF-8, or not one byte a
 * character. `mask`: a mask the value holds (masked echoes of a credential), kept as it is, the bytes around it read.
 */
export function utf8View(value: string, mask?: string): string | undefined {
  const parts = mask === undefined ? [value] : value.split(mask);
  let high = false;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 1) {
      const unit = part.charCodeAt(i);
      if (unit > 0xff) return undefined;
      if (unit > 0x7f) high = true;
    }
  }
  if (!high) return undefined;
  try {
    return parts.map((part) => UTF8.decode(Buffer.from(part, 'latin1'))).join(mask ?? '');
  } catch {
    return undefined;
  }
}
