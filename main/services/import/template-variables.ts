import { ImportError } from './import-result';
import { replacePlaceholders } from '../../../gateway/config/placeholders';

/** Replaces placeholders with `vars`; any left without a value is an error listing them all. */
export function fillPlaceholders(text: string, vars: Readonly<Record<string, string>>, source: string): string {
  const missing = new Set<string>();
  const filled = replacePlaceholders(text, (name, whole) => {
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
