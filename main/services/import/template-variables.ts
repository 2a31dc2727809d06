import { ImportError } from './import-result';

// `{{ServiceName}}` (WSO2 APK docs) and `{MY_SECRET_NAME}` (Kyma docs): placeholders the user fills in.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{([A-Z][A-Z0-9_]*)\}/g;

/** Replaces placeholders with `vars`; any left without a value is an error listing them all. */
export function fillPlaceholders(text: string, vars: Readonly<Record<string, string>>, source: string): string {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, double: string | undefined, single: string | undefined) => {
    const name = (double ?? single)!;
    const value = vars[name];
    if (value === undefined) missing.add(name);
    return value ?? whole;
  });
  if (missing.size > 0) {
    const names = [...missing];
    throw new ImportError(source, '(placeholders)', `needs a value for ${names.map((n) => `{{${n}}}`).join(', ')}: give ${names.map((n) => `--var ${n}=...`).join(' ')}`);
  }
  return filled;
}
