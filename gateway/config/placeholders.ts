// Placeholders in pasted documents that the user fills in before an import: `{{ServiceName}}` (WSO2 APK docs)
// and `{MY_SECRET_NAME}` (Kyma docs). The Import screen asks for exactly the names main's import fills in.

/** A placeholder's name, as the `vars` of an import request name it. */
export const PLACEHOLDER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{([A-Z][A-Z0-9_]*)\}/g;

/** Replaces every placeholder with what `value` returns for its name (given the whole placeholder too). */
export function replacePlaceholders(text: string, value: (name: string, whole: string) => string): string {
  return text.replace(PLACEHOLDER, (whole, double: string | undefined, single: string | undefined) => value((double ?? single)!, whole));
}

/** The placeholders in `text`, in order of appearance, each once. */
export function findPlaceholders(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) found.add((m[1] ?? m[2])!);
  return [...found];
}
