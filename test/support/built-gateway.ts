import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn-cli';

let built: Promise<string> | undefined;

/**
 * The gateway's process entry bundled as the app ships it (out/gateway/entry.js is built the same way),
 * into a folder of this test run: forking it measures the product's start time, not a TypeScript loader's.
 * The folder is inside the repository so the bundle's external packages resolve from node_modules.
 */
export function builtGatewayEntry(): Promise<string> {
  built ??= (async () => {
    const cache = join(REPO_ROOT, 'node_modules/.cache/gatehouse-tests');
    mkdirSync(cache, { recursive: true });
    const outfile = join(mkdtempSync(join(cache, 'entry-')), 'entry.mjs');
    await build({
      entryPoints: [join(REPO_ROOT, 'gateway/process/entry.ts')],
      outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      external: ['keytar', '@kubernetes/client-node', 'electron'],
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      absWorkingDir: REPO_ROOT, logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}
