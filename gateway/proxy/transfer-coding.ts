// An upstream's response in a transfer coding other than chunked (`Transfer-Encoding: gzip, chunked`): undici
// takes off only the chunked framing and hands over the gzip bytes, and the gateway re-frames the body for the
// client without the coding, so the client would get compressed bytes labelled as anything but compressed. RFC 9112
// §6.1 leaves a recipient that cannot decode a coding the choice to refuse; nginx answers 502 too.

/** `transfer-encoding`.length: the one length worth looking at, so the common response pays a compare per header. */
const TRANSFER_ENCODING_NAME_LENGTH = 17;
/** Longer coding names are cut in the message. */
const MAX_CODING_SHOWN = 40;

/**
 * The first transfer coding in the raw response headers (name, value, name, …) that the gateway cannot pass on,
 * or undefined: only `chunked` (and `identity`, which means none) are decoded. `nameOf` gives a raw name in lower case.
 */
export function undecodedTransferCoding(raw: readonly Buffer[], nameOf: (raw: Buffer) => string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== TRANSFER_ENCODING_NAME_LENGTH || nameOf(name) !== 'transfer-encoding') continue;
    for (const part of raw[i + 1]!.toString('latin1').split(',')) {
      const coding = part.trim().toLowerCase();
      if (coding !== '' && coding !== 'chunked' && coding !== 'identity') return coding.slice(0, MAX_CODING_SHOWN);
    }
  }
  return undefined;
}
