// The first bytes of one body, copied as they pass: the stream itself is never held back or re-read, so a
// server-sent-events stream or a long download reaches the client exactly as it would without capture.
import { BODY_CAPTURE_LIMIT, type BodyPreview } from './exchange';
import { MASK } from '../log/masked-headers';
import { decodeBodyText } from '../config/body-text';
import type { EchoedSecrets } from './echoed-secrets';

const MASK_BYTES = Buffer.from(MASK, 'utf8');

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

  /** The kept bytes as they passed. */
  bytes(): Buffer {
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#kept);
  }

  /** The preview, with the exchange's credential values (`secrets`) masked wherever they are echoed. */
  preview(secrets: EchoedSecrets, contentType: string | undefined): BodyPreview {
    const raw = this.bytes();
    const cut = !this.#complete || this.#size > this.#kept;
    // Only text is read through JSON and percent escapes: in binary data they mean nothing, and reading 256 KiB
    // of it decoded would cost every snapshot of a download for no echo found.
    const rawKind = bodyKind(contentType, raw, this.#size, cut);
    const bytes = secrets.maskBytes(raw, MASK_BYTES, rawKind === 'json' || rawKind === 'text');
    // The kind of what is shown: the mask is UTF-8, which a body in another charset may not hold.
    const kind = bytes === raw ? rawKind : bodyKind(contentType, bytes, this.#size, cut);
    const preview: BodyPreview = { size: this.#size, base64: bytes.toString('base64'), truncated: this.#size > this.#kept, complete: this.#complete, kind };
    if (contentType) preview.contentType = contentType;
    return preview;
  }
}

const TEXT_TYPE = /^text\/|[/+](json|xml|javascript|x-www-form-urlencoded|yaml|csv|graphql)\b|^application\/(x-)?ndjson/i;
const JSON_TYPE = /[/+]json\b/i;

/**
 * What a body is: JSON or text when its Content-Type says so and its bytes are valid in its charset
 * (`decodeBodyText`), binary when they are not, whatever the type claims; with no telling type, text when the
 * bytes are valid UTF-8 without control characters. `cut`: the bytes are the first part of the body.
 */
export function bodyKind(contentType: string | undefined, bytes: Uint8Array, size: number, cut = bytes.length < size): BodyPreview['kind'] {
  if (size === 0) return 'empty';
  const json = contentType !== undefined && JSON_TYPE.test(contentType);
  const textType = json || (contentType !== undefined && TEXT_TYPE.test(contentType));
  if (!textType && contentType && !/^application\/octet-stream/i.test(contentType) && /^(image|audio|video|font)\/|^application\//i.test(contentType)) return 'binary';
  const text = decodeBodyText(bytes, contentType, cut);
  if (text === undefined) return 'binary';
  if (json) return 'json';
  if (textType) return 'text';
  for (let i = 0; i < Math.min(text.length, 4096); i++) {
    const code = text.charCodeAt(i);
    // Control characters other than tab, line feed, form feed and carriage return mark binary data.
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) return 'binary';
  }
  return 'text';
}
