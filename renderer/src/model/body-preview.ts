// How a captured body reads: JSON pretty-printed, text as text, anything else as its size and a hex preview.
import type { BodyPreview } from '../../../main/ipc/contract';
import { previewText } from '../../../gateway/config/body-text';

export function bodyBytes(body: Pick<BodyPreview, 'base64'>): Uint8Array {
  const binary = atob(body.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The body as text in its declared charset (UTF-8 by default), or `undefined` for bytes that are not valid in it
 * (or a binary kind): those are shown as hex, never as replacement characters that pass for the body.
 */
export function bodyText(body: Pick<BodyPreview, 'base64' | 'contentType' | 'truncated' | 'complete' | 'kind'>): string | undefined {
  return previewText(body, bodyBytes(body));
}

/** JSON indented by two spaces; the text as it is when it does not parse (a cut-off body, say). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `00000000  89 50 4e 47 …  .PNG…` lines, 16 bytes each, of the first `limit` bytes. */
export function hexPreview(bytes: Uint8Array, limit = 512): string {
  const lines: string[] = [];
  for (let offset = 0; offset < Math.min(bytes.length, limit); offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, bytes.length, limit));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}
