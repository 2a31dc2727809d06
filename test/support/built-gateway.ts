import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn-cli';
import { GATEWAY_APP_BUNDLE_OPTIONS } from '../../gateway/process/bundle-options';

let built: Promise<string> | undefined;

/**
 * What the app forks, bundled as build.mjs bundles it (the same options): the launcher `entry.cjs` and the gateway
 * process `gateway-process.cjs` it requires, into a folder of this test run: forking it measures the product's
 * start time, not a TypeScript loader's. The folder is inside the repository so the bundle's external packages
 * resolve from node_modules.
 */
export function builtGatewayEntry(): Promise<string> {
  built ??= (async () => {
    const cache = join(REPO_ROOT, 'node_modules/.cache/gatehouse-tests');
    mkdirSync(cache, { recursive: true });
    const outdir = mkdtempSync(join(cache, 'entry-'));
    await build({ ...GATEWAY_APP_BUNDLE_OPTIONS, outdir, target: 'node20', absWorkingDir: REPO_ROOT });
    return join(outdir, 'entry.cjs');
  })();
  return built;
}
