/** A placeholder as the document writes it: `{{ServiceName}}` (WSO2 APK docs) or `{MY_SECRET_NAME}` (Kyma docs). */
export interface Placeholder {
  name: string;
  /** As written in the document, so the field is labelled the way the user sees it there. */
  written: string;
  /** Its value is a credential (a password, secret, token or key): entered like a password. */
  secret: boolean;
}

/** The placeholders in the text, in order of appearance, each once. */
export function findPlaceholders(text: string): Placeholder[] {
  const found = new Map<string, Placeholder>();
  for (const m of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|(?<!\{)\{([A-Z_][A-Z0-9_]*)\}(?!\})/g)) {
    const name = (m[1] ?? m[2])!;
    if (!found.has(name)) found.set(name, { name, written: m[1] ? `{{${name}}}` : `{${name}}`, secret: /pass|token|credential|private|(^|_)(secret|key)$/i.test(name) && !/name$/i.test(name) });
  }
  return [...found.values()];
}
