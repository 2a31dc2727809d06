import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The code blocks of the shared seed documents, exactly as written. The seeds live beside the repository
 * (../shared/seeds); a copy of the blocks is kept in test/fixtures so CI on a clean clone has them too.
 */
const SEEDS = fileURLToPath(new URL('../../../shared/seeds', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/seed-snippets.json', import.meta.url));

function extract(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

export function seedSnippets(prefix: '000' | '001' | '002'): string[] {
  try {
    const file = readdirSync(SEEDS).find((f) => f.startsWith(`${prefix}_`));
    if (file) return extract(readFileSync(join(SEEDS, file), 'utf8'));
  } catch {
    // No shared folder (a clean clone in CI): use the committed copy.
  }
  return (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string[]>)[prefix] ?? [];
}
