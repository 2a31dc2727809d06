// zod reads its JIT setting as each schema is built, so every module that builds zod schemas imports
// gateway/config/zod-jitless.ts itself (whichever of them a process loads first, the setting is made before it builds
// anything). Why: zod-jitless.ts. That the built CLI and fork compile no parser: gateway-launch.test.ts.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../support/spawn-cli';

const SOURCE_FOLDERS = ['gateway', 'main', 'renderer/src'];
/** A value import of zod (not `import type`), in any of its forms. */
const ZOD_VALUE_IMPORT = /^import (?!type\b)[^;]*\bfrom 'zod(\/[^']*)?';/m;
const JITLESS_IMPORT = /^import '(\.\.?\/)+(gateway\/)?(config\/)?zod-jitless';/m;

function sourceFiles(): string[] {
  return SOURCE_FOLDERS.flatMap((folder) =>
    readdirSync(join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
      .map((file) => join(REPO_ROOT, folder, file)));
}

describe('zod without its JIT', () => {
  it('every module that imports zod\'s values also imports zod-jitless.ts', () => {
    const importers = sourceFiles().filter((file) => ZOD_VALUE_IMPORT.test(readFileSync(file, 'utf8')));
    // The scan finds the schema modules (a regex gone wrong would pass on nothing).
    expect(importers.map((file) => relative(REPO_ROOT, file))).toEqual(expect.arrayContaining(['gateway/config/schema.ts', 'main/ipc/contract.ts']));
    const without = importers.filter((file) => !file.endsWith('zod-jitless.ts') && !JITLESS_IMPORT.test(readFileSync(file, 'utf8')));
    expect(without.map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
