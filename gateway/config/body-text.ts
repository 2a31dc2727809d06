// Whether a captured body's bytes read as text, and what that text is: one rule for the gateway (the kind it
// gives a body), main (Try it's kind, the HAR export) and the renderer (what it shows and copies). A
// Content-Type says what a body should be, not what it is: bytes that are not valid in the body's charset are
// shown as bytes, never decoded into U+FFFD replacement characters that pass for the body.
// No Buffer here: the renderer imports this too.

/** The `charset` parameter of a Content-Type, lower-cased, or undefined. */
export function declaredCharset(contentType: string | undefined): string | undefined {
  const m = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType) : null;
  return m?.[1]?.toLowerCase();
}

function decoderFor(charset: string | undefined) {
  try {
    return new TextDecoder(charset ?? 'utf-8', { fatal: true });
  } catch {
    // A label TextDecoder does not know (RangeError): read the bytes as UTF-8.
    return new TextDecoder('utf-8', { fatal: true });
  }
}

/**
 * The body's text in its declared charset (UTF-8 when it declares none, or one TextDecoder does not know), or
 * `undefined` when the bytes are not valid in it. `cut`: the bytes are the first part of a longer body (the
 * capture limit, or a body still arriving), so a character split by the cut at the end is left out, not an error.
 */
export function decodeBodyText(bytes: Uint8Array, contentType: string | undefined, cut: boolean): string | undefined {
  const decoder = decoderFor(declaredCharset(contentType));
  try {
    // `stream: true` keeps an incomplete last character back instead of failing on it; invalid bytes still throw.
    return decoder.decode(bytes, { stream: cut });
  } catch {
    return undefined;
  }
}

/** What a captured body's preview says of it (gateway/capture/exchange.ts BodyPreview), as far as its text goes. */
export interface PreviewOfBody {
  kind: 'empty' | 'json' | 'text' | 'binary';
  contentType?: string;
  truncated: boolean;
  complete: boolean;
}

/**
 * A captured body's text, from its preview's `bytes`: undefined for a binary kind or bytes not valid in the declared
 * charset. The HAR export and the window read previews alike through this.
 */
export function previewText(body: PreviewOfBody, bytes: Uint8Array): string | undefined {
  if (body.kind === 'binary') return undefined;
  return decodeBodyText(bytes, body.contentType, body.truncated || !body.complete);
}
