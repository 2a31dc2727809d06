import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn-cli';
import { GATEWAY_BUNDLE_OPTIONS } from '../../gateway/process/bundle-options';

let built: Promise<string> | undefined;

/**
 * The gateway's process entry bundled as the app ships it (build.mjs reads the same options for out/gateway),
 * into a folder of this test run: forking it measures the product's start time, not a TypeScript loader's.
 * The folder is inside the repository so the bundle's external packages resolve from node_modules.
 */
export function builtGatewayEntry(): Promise<string> {
  built ??= (async () => {
    const cache = join(REPO_ROOT, 'node_modules/.cache/gatehouse-tests');
    mkdirSync(cache, { recursive: true });
    const outfile = join(mkdtempSync(join(cache, 'entry-')), 'entry.mjs');
    await build({ ...GATEWAY_BUNDLE_OPTIONS, entryPoints: [join(REPO_ROOT, 'gateway/process/entry.ts')], outfile, target: 'node20', absWorkingDir: REPO_ROOT });
    return outfile;
  })();
  return built;
}
