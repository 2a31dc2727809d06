// V8's code cache for the headless CLI's bundle, kept beside it: a start with the cache skips compiling the
// bundle's code (it is deserialized instead). Measured on a 2-core VM, spawn to the first answered request went
// from 352-365 ms to 273-308 ms (median of 11, three alternating rounds).
//
// Written here rather than taken from a library: Node's own compile cache (`module.enableCompileCache`, which the
// app's launcher uses) exists from Node 22.1, and the CLI runs on Node 20 too; v8-compile-cache caches only the
// code compiled before a module runs, in a folder under the system's temporary directory that every user of the
// machine can create first, and writes it at exit, which a killed gateway never reaches. This cache is written
// once, a few seconds after start (so it holds what start-up and a first request compiled), into the bundle's own
// folder (whoever can write there can change the bundle itself), under a name carrying a digest of the bundle's
// text: V8 checks a cache against the length of the source only, so a rebuilt bundle never meets an older cache.
// V8 refuses a cache made by another V8 version or with other flags; the code is then compiled as usual and the
// cache written anew.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { underDefaultV8Flags } from './v8-flags';

/** The bundle's text is one function expression taking CommonJS's module arguments (bundle-options.ts). */
type BundleBody = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

/** What became of the cache this start: `used`, `absent` (none yet), or `rejected` by V8 (another Node, other flags). */
export type CodeCacheUse = 'used' | 'absent' | 'rejected';

export interface CodeCacheRun {
  use: CodeCacheUse;
  cacheFile: string;
  /** Unless the cache was used: settles once the cache is written (true) or could not be (false). */
  saved?: Promise<boolean>;
}

/** After start-up and, as a rule, the first request: what they compiled is what the next start needs. */
export const CODE_CACHE_SAVE_AFTER_MS = 5000;

/**
 * Where the cache for this text of the bundle lives: beside it, named by a digest of the text (its UTF-8 bytes: the
 * file's bytes and its text as a string give the same name).
 */
export function codeCacheFile(bodyFile: string, text: string | Buffer): string {
  return `${bodyFile}.${createHash('sha256').update(text).digest('hex').slice(0, 16)}.v8cache`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Written whole or not at all: another process may be reading it, or writing it too. Made under V8's default
 * options, which the next start reads it under (v8-flags.ts).
 */
function save(script: Script, cacheFile: string): boolean {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, underDefaultV8Flags(() => script.createCachedData()));
    renameSync(temporary, cacheFile);
    return true;
  } catch {
    // A folder the user cannot write to (an installed copy): the gateway starts as it would without a cache.
    rmSync(temporary, { force: true });
    return false;
  }
}

/**
 * The bundle's text and its cache's file. The digest is taken of the bytes as read (hashing the decoded text
 * would encode its megabyte again: 3-4 ms a start), in a function of its own so that the bytes are let go with it.
 */
function readBundle(bodyFile: string): { source: string; cacheFile: string } {
  const bytes = readFileSync(bodyFile);
  return { source: bytes.toString('utf8'), cacheFile: codeCacheFile(bodyFile, bytes) };
}

/**
 * The script, compiled with the cache if there is one. A function of its own so that the cache's bytes are
 * unreachable once it returns: the first collection of the young generation, early in start-up, frees them (held
 * through start-up, they were promoted and stayed resident until a full collection: 0.8 MB of idle memory).
 */
function compile(source: string, bodyFile: string, cacheFile: string): { script: Script; use: CodeCacheUse } {
  const cachedData = readIfPresent(cacheFile);
  const script = new Script(source, { filename: bodyFile, cachedData });
  return { script, use: cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'used' };
}

/** Compiles the bundle at `bodyFile` through its code cache and runs it as CommonJS would run that file. */
export function runWithCodeCache(bodyFile: string, saveAfterMs = CODE_CACHE_SAVE_AFTER_MS): CodeCacheRun {
  const { source, cacheFile } = readBundle(bodyFile);
  const { script, use } = compile(source, bodyFile, cacheFile);
  const run: CodeCacheRun = { use, cacheFile };
  if (use !== 'used') run.saved = new Promise((resolve) => setTimeout(() => resolve(save(script, cacheFile)), saveAfterMs).unref());
  const module = new Module(bodyFile);
  module.filename = bodyFile;
  const body = script.runInThisContext() as BundleBody;
  body.call(module.exports, module.exports, createRequire(bodyFile), module, bodyFile, dirname(bodyFile));
  return run;
}
