// The headless CLI's code cache (gateway/process/code-cache.ts), each start in a process of its own as the
// launcher runs it: the first start runs without a cache and writes one, the next uses it; a changed bundle never
// meets an older cache; a cache V8 refuses is compiled past and written anew; a cache that cannot be written
// leaves the start as it was. What a start with the cache saves is measured by `npm run bench`, not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { GATEWAY_BUNDLE_OPTIONS } from '../../../gateway/process/bundle-options';
import { codeCacheFile } from '../../../gateway/process/code-cache';
import { REPO_ROOT } from '../../support/spawn-cli';
import { bundleFolder } from '../../support/built-gateway';

const run = promisify(execFile);
let folder: string;
let codeCacheModule: string;

beforeAll(async () => {
  folder = bundleFolder('code-cache');
  codeCacheModule = join(folder, 'code-cache.cjs');
  // The code cache and the gateway's V8 options in one module, as the CLI's launcher bundles them.
  await build({
    ...GATEWAY_BUNDLE_OPTIONS,
    stdin: { contents: "export * from './gateway/process/code-cache'; export { applyGatewayV8Flags, favourMemory } from './gateway/process/v8-flags';", resolveDir: REPO_ROOT, loader: 'ts' },
    outfile: codeCacheModule, target: 'node20', absWorkingDir: REPO_ROOT, outExtension: {},
  });
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A bundle body as bundle-options.ts shapes it: it reports the CommonJS arguments it was called with. */
function bodyText(marker: string): string {
  return `(function (exports, require, module, __filename, __dirname) {"use strict";
process.stdout.write(JSON.stringify({ marker: ${JSON.stringify(marker)}, filename: __filename, dirname: __dirname, strict: (function () { return this; })() === undefined,
  resolves: typeof require('node:path').join === 'function', ownExports: module.exports === exports && this === exports }) + '\\n');
})`;
}

interface Start {
  use: string;
  saved: boolean | null;
  body: { marker: string; filename: string; dirname: string; strict: boolean; resolves: boolean; ownExports: boolean };
}

/**
 * One start, as the launcher makes it, in a new Node process; waits for the cache to be written when it is. With
 * `v8Flags`, the start sets the gateway's V8 options once the bundle has run, as the CLI's launcher does; with
 * `quiet` too, it then favours memory, as a gateway quiet before the cache is written.
 */
async function start(bodyFile: string, { v8Flags = false, quiet = false } = {}): Promise<Start> {
  // The cache's timer does not hold a process open (a gateway's server does): this one stays until it has fired.
  const script = `const launcher = require(${JSON.stringify(codeCacheModule)});
const run = launcher.runWithCodeCache(${JSON.stringify(bodyFile)}, 0);
if (${v8Flags}) launcher.applyGatewayV8Flags();
if (${quiet}) launcher.favourMemory(true);
const open = setInterval(() => undefined, 1000);
Promise.resolve(run.saved ?? null).then((saved) => { clearInterval(open); process.stdout.write(JSON.stringify({ use: run.use, saved }) + '\\n'); });`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  const [body, outcome] = stdout.trim().split('\n').map((line) => JSON.parse(line));
  return { ...outcome, body };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));

describe('the CLI code cache', () => {
  it('is written by a start without one and used by the next; the bundle runs as CommonJS either way', async () => {
    const dir = join(folder, 'first');
    mkdirSync(dir);
    const bodyFile = join(dir, 'body.cjs');
    writeFileSync(bodyFile, bodyText('one'));
    const expectedBody = { marker: 'one', filename: bodyFile, dirname: dir, strict: true, resolves: true, ownExports: true };

    const first = await start(bodyFile);
    expect(first).toEqual({ use: 'absent', saved: true, body: expectedBody });
    const cacheFile = codeCacheFile(bodyFile, readFileSync(bodyFile, 'utf8'));
    expect(cacheFiles(dir)).toEqual([cacheFile.slice(dir.length + 1)]);
    expect(statSync(cacheFile).size).toBeGreaterThan(0);

    expect(await start(bodyFile)).toEqual({ use: 'used', saved: null, body: expectedBody });
  });

  // V8 stamps a cache with a hash of the options in force, and a start reads its cache before it sets them: a
  // cache written under the gateway's options, or while it favours memory, would be refused by every start.
  for (const { when, folderName, quiet } of [
    { when: 'after the gateway\'s V8 options are set', folderName: 'v8-flags', quiet: false },
    { when: 'while the gateway favours memory (quiet after serving)', folderName: 'quiet', quiet: true },
  ]) {
    it(`written ${when}, it is still used by the next start`, async () => {
      const dir = join(folder, folderName);
      mkdirSync(dir);
      const bodyFile = join(dir, 'body.cjs');
      writeFileSync(bodyFile, bodyText(folderName));
      expect(await start(bodyFile, { v8Flags: true, quiet })).toMatchObject({ use: 'absent', saved: true });
      expect((await start(bodyFile, { v8Flags: true })).use).toBe('used');
    });
  }

  it('a changed bundle does not meet the older cache: it gets one of its own', async () => {
    const dir = join(folder, 'changed');
    mkdirSync(dir);
    const bodyFile = join(dir, 'body.cjs');
    writeFileSync(bodyFile, bodyText('old'));
    await start(bodyFile);
    const older = cacheFiles(dir);
    // Same length, other text: V8's own check (the source's length) would take the older cache for it.
    writeFileSync(bodyFile, bodyText('new'));
    const changed = await start(bodyFile);
    expect(changed.use).toBe('absent');
    expect(changed.body.marker).toBe('new');
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(cacheFiles(dir)).toEqual(expect.arrayContaining(older));
  });

  it('a cache V8 refuses is compiled past, and written anew', async () => {
    const dir = join(folder, 'refused');
    mkdirSync(dir);
    const bodyFile = join(dir, 'body.cjs');
    writeFileSync(bodyFile, bodyText('refused'));
    writeFileSync(codeCacheFile(bodyFile, readFileSync(bodyFile, 'utf8')), Buffer.alloc(4096, 7));
    const refused = await start(bodyFile);
    expect(refused).toMatchObject({ use: 'rejected', saved: true, body: { marker: 'refused' } });
    expect((await start(bodyFile)).use).toBe('used');
  });

  it('a cache that cannot be written leaves the start as it is, and no temporary file behind', async () => {
    const dir = join(folder, 'unwritable');
    mkdirSync(dir);
    const bodyFile = join(dir, 'body.cjs');
    writeFileSync(bodyFile, bodyText('unwritable'));
    // A folder where the cache file would go: neither read nor replaced (a permission would not stop root, who runs CI).
    const cacheFile = codeCacheFile(bodyFile, readFileSync(bodyFile, 'utf8'));
    mkdirSync(cacheFile);
    expect(await start(bodyFile)).toMatchObject({ use: 'absent', saved: false, body: { marker: 'unwritable' } });
    expect(readdirSync(dir).sort()).toEqual(['body.cjs', cacheFile.slice(dir.length + 1)].sort());
    expect(existsSync(cacheFile) && statSync(cacheFile).isDirectory()).toBe(true);
  });
});
