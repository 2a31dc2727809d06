// Where Go's base64.StdEncoding stops reading a text, as encoding/json decodes a []byte field with it: client-go's
// certificate-authority-data, client-certificate-data and client-key-data (kubectl: `error loading config file
// "…": illegal base64 data at input byte N`). The standard alphabet, `=` padding required up to a multiple of four
// (`QQ` is refused, at byte 0), \r and \n skipped anywhere, nothing after the padding but those; not strict, so
// the unused bits of the last character may be set (`QR==` is taken). Node's Buffer.from(…, 'base64'), which
// client-node uses, takes all of these and drops what it cannot read. A port of Go's decodeQuantum
// (src/encoding/base64/base64.go), which the fast path falls back to at the same offset.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const IN_ALPHABET = new Uint8Array(256);
for (const character of ALPHABET) IN_ALPHABET[character.charCodeAt(0)] = 1;

const PAD = 0x3d; // '='
const isNewline = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;

/** The offset of the byte Go's StdEncoding.Decode reports ("illegal base64 data at input byte N"), or undefined when it decodes. */
export function goBase64ErrorOffset(text: string): number | undefined {
  const src = Buffer.from(text, 'utf8');
  let si = 0;
  while (si < src.length) {
    // One quantum: up to four characters, newlines not counted.
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const byte = src[si++]!;
      if (IN_ALPHABET[byte]) continue;
      if (isNewline(byte)) {
        j--;
        continue;
      }
      if (byte !== PAD || j < 2) return si - 1;
      if (j === 2) {
        // "==" is expected: the first "=" is taken, newlines may stand between them.
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== PAD) return si - 1;
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      return si < src.length ? si : undefined;
    }
  }
  return undefined;
}
