// The first bytes of one body, copied as they pass: the stream itself is never held back or re-read, so a
// server-sent-events stream or a long download reaches the client exactly as it would without capture.
import { BODY_CAPTURE_LIMIT, type BodyPreview } from './exchange';
import { MASK } from '../log/masked-headers';

const MASK_BYTES = Buffer.from(MASK, 'utf8');
/** Shorter values are not searched for in bodies: too likely to match by chance, too short to be a credential. */
const MIN_REDACTED_LENGTH = 4;

export class BodyCapture {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #size = 0;
  #complete = false;

  constructor(private readonly limit = BODY_CAPTURE_LIMIT) {}

  add(chunk: Buffer | string, encoding?: BufferEncoding): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
    this.#size += bytes.length;
    if (this.#kept >= this.limit) return;
    // A copy: the parser and undici may reuse the memory behind a chunk once it has been handed on.
    const part = Buffer.from(bytes.subarray(0, this.limit - this.#kept));
    this.#chunks.push(part);
    this.#kept += part.length;
  }

  end(): void {
    this.#complete = true;
  }

  get size(): number {
    return this.#size;
  }

  get complete(): boolean {
    return this.#complete;
  }

  /** The kept bytes, with every occurrence of `secrets` replaced by the mask. */
  bytes(secrets: readonly string[] = []): Buffer {
    let bytes = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#kept);
    for (const secret of secrets) {
      if (secret.length < MIN_REDACTED_LENGTH) continue;
      bytes = replaceAll(bytes, Buffer.from(secret, 'utf8'));
    }
    return bytes;
  }

  preview(secrets: readonly string[], contentType: string | undefined): BodyPreview {
    const bytes = this.bytes(secrets);
    const preview: BodyPreview = { size: this.#size, base64: bytes.toString('base64'), truncated: this.#size > this.#kept, complete: this.#complete, kind: bodyKind(contentType, bytes, this.#size) };
    if (contentType) preview.contentType = contentType;
    return preview;
  }
}

function replaceAll(haystack: Buffer, needle: Buffer): Buffer {
  let at = haystack.indexOf(needle);
  if (at < 0) return haystack;
  const parts: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(haystack.subarray(from, at), MASK_BYTES);
    from = at + needle.length;
    at = haystack.indexOf(needle, from);
  }
  parts.push(haystack.subarray(from));
  return Buffer.concat(parts);
}

const TEXT_TYPE = /^text\/|[/+](json|xml|javascript|x-www-form-urlencoded|yaml|csv|graphql)\b|^application\/(x-)?ndjson/i;
const JSON_TYPE = /[/+]json\b/i;

/** What a body is, from its Content-Type, else from its bytes (UTF-8 without control characters reads as text). */
export function bodyKind(contentType: string | undefined, bytes: Buffer, size: number): BodyPreview['kind'] {
  if (size === 0) return 'empty';
  if (contentType && JSON_TYPE.test(contentType)) return 'json';
  if (contentType && TEXT_TYPE.test(contentType)) return 'text';
  if (contentType && !/^application\/octet-stream/i.test(contentType) && /^(image|audio|video|font)\/|^application\//i.test(contentType)) return 'binary';
  const sample = bytes.subarray(0, 4096);
  // A cut at the capture limit may split a character: a few trailing bytes are allowed to be partial.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  if (text.includes('\uFFFD')) return 'binary';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Control characters other than tab, line feed, form feed and carriage return mark binary data.
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) return 'binary';
  }
  return 'text';
}
