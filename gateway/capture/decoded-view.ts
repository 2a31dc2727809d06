// Text read with its escapes undone, each decoded byte still knowing where it came from: so that a value found
// in the decoded text can be masked over the escapes it was written as (echoed-secrets.ts). Two readings, which
// can be stacked: JSON's string escapes (RFC 8259 §7) and percent-escapes (RFC 3986 §2.1, with a form's `+`).
//
// Texts are latin1 strings, one character per byte (a body's bytes, a header value as Node gives it): V8 searches
// those several times faster than Buffer.indexOf does a short buffer, and offsets stay byte offsets. Reading is two
// steps, since most texts need no decoded copy at all: first the escapes are listed with the bytes they stand for,
// and only when a value holds one of those bytes is the decoded copy made, as runs and escapes (never per byte).

/** Text a value is searched in: the bytes as they came, or a decoded reading of them. */
export interface SourceText {
  readonly text: string;
  /** Where decoded byte `at` starts in the original text. */
  start(at: number): number;
  /** Where the original text of the decoded bytes before `end` ends. */
  end(end: number): number;
}

export class PlainText implements SourceText {
  constructor(readonly text: string) {}

  start(at: number): number {
    return at;
  }

  end(end: number): number {
    return end;
  }
}

/** The escapes of one text, in order: where each starts, how long it is, and the bytes it stands for. */
export class Escapes {
  readonly at: number[] = [];
  readonly length: number[] = [];
  /** Each escape's bytes, as latin1 characters. */
  readonly decoded: string[] = [];
  /** Every byte an escape stands for, once (latin1 characters). */
  #gives = '';

  add(at: number, length: number, decoded: string): void {
    this.at.push(at);
    this.length.push(length);
    this.decoded.push(decoded);
    for (const byte of decoded) if (!this.#gives.includes(byte)) this.#gives += byte;
  }

  /** Whether an escape stands for a byte `text` holds: if none does, `text` reads the same decoded as not. */
  givesAnyOf(text: string): boolean {
    for (const byte of this.#gives) if (text.includes(byte)) return true;
    return false;
  }
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** The four hex digits at `at` as a number, or -1. */
function hex4(src: string, at: number): number {
  if (at + 4 > src.length) return -1;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const digit = hexValue(src.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The JSON escape at `at` as [its length, its UTF-8 bytes], or undefined for a backslash that starts none. */
function jsonEscapeAt(src: string, at: number): [number, string] | undefined {
  const simple = SIMPLE_ESCAPES[src[at + 1] ?? ''];
  if (simple !== undefined) return [2, simple];
  let unit = src[at + 1] === 'u' ? hex4(src, at + 2) : -1;
  if (unit < 0) return undefined;
  let length = 6;
  if (unit >= 0xd800 && unit <= 0xdbff && src.startsWith('\\u', at + 6)) {
    const low = hex4(src, at + 8);
    if (low >= 0xdc00 && low <= 0xdfff) {
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      length = 12;
    }
  }
  // A lone surrogate has no UTF-8 form, so no credential holds one: its escape is read as written.
  if (unit >= 0xd800 && unit <= 0xdfff) return undefined;
  return [length, unit < 0x80 ? String.fromCharCode(unit) : Buffer.from(String.fromCodePoint(unit), 'utf8').toString('latin1')];
}

/** JSON's string escapes in `src`, or undefined for none; a backslash that starts none is read as itself. */
export function jsonEscapes(src: string): Escapes | undefined {
  let at = src.indexOf('\\');
  if (at < 0) return undefined;
  const escapes = new Escapes();
  while (at >= 0) {
    const escape = jsonEscapeAt(src, at);
    if (escape) escapes.add(at, escape[0], escape[1]);
    at = src.indexOf('\\', at + (escape ? escape[0] : 1));
  }
  return escapes.at.length > 0 ? escapes : undefined;
}

/**
 * Percent-escapes in `src`, and with `plusIsSpace` each `+` as a space, as a form decoder reads them; undefined
 * for none.
 */
export function percentEscapes(src: string, plusIsSpace: boolean): Escapes | undefined {
  let percent = src.indexOf('%');
  let plus = plusIsSpace ? src.indexOf('+') : -1;
  if (percent < 0 && plus < 0) return undefined;
  const escapes = new Escapes();
  while (percent >= 0 || plus >= 0) {
    if (plus >= 0 && (percent < 0 || plus < percent)) {
      escapes.add(plus, 1, ' ');
      plus = src.indexOf('+', plus + 1);
      continue;
    }
    const high = hexValue(src.charCodeAt(percent + 1));
    const low = high >= 0 ? hexValue(src.charCodeAt(percent + 2)) : -1;
    // A `%` that starts no escape is read as itself.
    if (low >= 0) escapes.add(percent, 3, String.fromCharCode(high * 16 + low));
    percent = src.indexOf('%', percent + (low >= 0 ? 3 : 1));
  }
  return escapes.at.length > 0 ? escapes : undefined;
}

/** `source` read with `escapes` (listed in `source.text`) undone. */
export class DecodedText implements SourceText {
  /** Each piece's first decoded byte, its first source byte, and for an escape its source length (-1: a run). */
  readonly #at: number[] = [];
  readonly #from: number[] = [];
  readonly #escape: number[] = [];
  readonly text: string;

  constructor(readonly source: SourceText, escapes: Escapes) {
    const src = source.text;
    const parts: string[] = [];
    let n = 0;
    let i = 0;
    for (let e = 0; e < escapes.at.length; e++) {
      const at = escapes.at[e]!;
      if (at > i) {
        this.#piece(n, i, -1);
        parts.push(src.slice(i, at));
        n += at - i;
      }
      const decoded = escapes.decoded[e]!;
      this.#piece(n, at, escapes.length[e]!);
      parts.push(decoded);
      n += decoded.length;
      i = at + escapes.length[e]!;
    }
    if (i < src.length) {
      this.#piece(n, i, -1);
      parts.push(src.slice(i));
    }
    this.text = parts.join('');
  }

  #piece(at: number, from: number, escape: number): void {
    this.#at.push(at);
    this.#from.push(from);
    this.#escape.push(escape);
  }

  /** The piece holding decoded byte `at`. */
  #pieceOf(at: number): number {
    let low = 0;
    let high = this.#at.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#at[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  start(at: number): number {
    const p = this.#pieceOf(at);
    return this.source.start(this.#escape[p]! < 0 ? this.#from[p]! + at - this.#at[p]! : this.#from[p]!);
  }

  end(end: number): number {
    const p = this.#pieceOf(end - 1);
    const escape = this.#escape[p]!;
    return this.source.end(escape < 0 ? this.#from[p]! + end - this.#at[p]! : this.#from[p]! + escape);
  }
}
