// Finds an exchange's credential values wherever a backend may have echoed them into what the inspector shows:
// a response header (`X-Received-Auth: Bearer …`, a `Location` carrying the request's query), a URL, a body.
// An echo is seldom the raw value: JSON escapes it (`\"`, `\\`, `\/`, `\u00e4` in either case, Go's `\u0026`),
// a URL or form percent-encodes it (`%20` or `+`, upper- or lower-case hex, each encoder leaving other characters
// as they are). Rather than list every encoder's output, the text is also read decoded (JSON escapes undone,
// percent-escapes undone, and both in either order: a URL inside JSON, JSON inside a query or form field), each
// decoded byte remembering where it came from, and a value found there is masked over the escapes it was written
// as. Base64 of a value is searched for as well (a backend that re-encodes what it received).
//
// This runs only when an exchange is captured (the app's inspector with capture on), once per snapshot; the
// gateway's path without capture never reaches it.

import { DecodedText, type Escapes, jsonEscapes, percentEscapes, PlainText, type SourceText } from './decoded-view';

/** Shorter values are not searched for: too likely to match by chance, too short to be a credential. */
export const MIN_SECRET_LENGTH = 4;

const PAST_LATIN1 = /[\u0100-\uffff]/;
const isLatin1 = (text: string): boolean => !PAST_LATIN1.test(text);

/**
 * The forms a value is searched for as, each as a latin1 string (one character per byte, as texts are searched):
 * its UTF-8 bytes, its base64 (standard and URL-safe, unpadded), and for a value with characters past ASCII that
 * latin1 holds, its latin1 bytes (a body in ISO-8859-1, a header value the gateway holds as characters).
 */
function needlesOf(value: string): string[] {
  const raw = Buffer.from(value, 'utf8');
  const base64 = raw.toString('base64').replace(/=+$/, '');
  const base64url = raw.toString('base64url');
  const needles = [raw.toString('latin1'), base64];
  if (base64url !== base64) needles.push(base64url);
  if (raw.length !== value.length && isLatin1(value)) needles.push(value);
  return needles;
}

type Range = [start: number, end: number];

/** Sorted, overlapping and touching ranges made one: a value found inside another is masked with it, whole. */
function merged(found: Range[]): Range[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a[0] - b[0]);
  const out: Range[] = [found[0]!];
  for (let i = 1; i < found.length; i++) {
    const last = out[out.length - 1]!;
    const range = found[i]!;
    if (range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else out.push(range);
  }
  return out;
}

export class EchoedSecrets {
  /** Every form of every value, as latin1 strings. */
  readonly #needles: string[];
  /** Some value holds a space, which a form writes as `+`: only then is a `+` read as an escape. */
  readonly #spaced: boolean;
  /** A shorter text holds no value, however escaped (escapes only lengthen it): most header values. */
  readonly #shortest: number;

  constructor(values: Iterable<string>) {
    const searched = [...new Set(values)].filter((v) => v.length >= MIN_SECRET_LENGTH);
    this.#needles = searched.flatMap(needlesOf);
    this.#spaced = searched.some((v) => v.includes(' '));
    this.#shortest = Math.min(...this.#needles.map((n) => n.length));
  }

  get none(): boolean {
    return this.#needles.length === 0;
  }

  /** Where the values sit in `text` (latin1, a character per byte), merged. `decode`: through escapes too. */
  #ranges(text: string, decode: boolean): Range[] {
    const found: Range[] = [];
    const plain = new PlainText(text);
    this.#search(plain, this.#needles, found);
    if (decode) {
      const json = this.#decoded(plain, jsonEscapes(text), found);
      const percent = this.#decoded(plain, percentEscapes(text, this.#spaced), found);
      // Both ways round: a URL inside a JSON document, and a JSON document inside a query or form field.
      if (json) this.#decoded(json, percentEscapes(json.text, this.#spaced), found);
      if (percent) this.#decoded(percent, jsonEscapes(percent.text), found);
    }
    return merged(found);
  }

  /**
   * `source` read with `escapes` undone and searched, or undefined when no value holds a byte an escape stands
   * for (`%20` a space, `\/` a slash): then every value reads there as in `source`, searched already, and no
   * decoded copy is made. Most texts end here.
   */
  #decoded(source: SourceText, escapes: Escapes | undefined, found: Range[]): SourceText | undefined {
    if (!escapes) return undefined;
    const needles = this.#needles.filter((needle) => escapes.givesAnyOf(needle));
    if (needles.length === 0) return undefined;
    const decoded = new DecodedText(source, escapes);
    this.#search(decoded, needles, found);
    return decoded;
  }

  #search(source: SourceText, needles: readonly string[], found: Range[]): void {
    const haystack = source.text;
    for (const needle of needles) {
      for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
        found.push([source.start(at), source.end(at + needle.length)]);
      }
    }
  }

  /**
   * `bytes` with every value replaced by `mask`; the same buffer when there is none. `decode`: also where JSON or
   * percent escapes wrote it (text only: in binary data they mean nothing, and reading it decoded costs).
   */
  maskBytes(bytes: Buffer, mask: Buffer, decode = true): Buffer {
    if (this.none || bytes.length < this.#shortest) return bytes;
    const ranges = this.#ranges(bytes.toString('latin1'), decode);
    if (ranges.length === 0) return bytes;
    const parts: Buffer[] = [];
    let from = 0;
    for (const [start, end] of ranges) {
      parts.push(bytes.subarray(from, start), mask);
      from = end;
    }
    parts.push(bytes.subarray(from));
    return Buffer.concat(parts);
  }

  /**
   * A header value or URL with every value replaced by `mask`. Node gives header values as latin1 (one character
   * per byte received), so a value sent as UTF-8 is found in their latin1 bytes, and offsets are characters.
   */
  maskText(text: string, mask: string): string {
    if (this.none) return text;
    // Characters past latin1 (a value the gateway set itself): read as UTF-8, whose offsets are bytes.
    if (!isLatin1(text)) return this.maskBytes(Buffer.from(text, 'utf8'), Buffer.from(mask, 'utf8')).toString('utf8');
    if (text.length < this.#shortest) return text;
    const ranges = this.#ranges(text, true);
    if (ranges.length === 0) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + mask;
      from = end;
    }
    return out + text.slice(from);
  }
}
