import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn-cli';
import { GATEWAY_APP_BUNDLE_OPTIONS, GATEWAY_CLI_BODY_OPTIONS, GATEWAY_CLI_LAUNCHER_OPTIONS } from '../../gateway/process/bundle-options';

/**
 * A new folder for this test run's bundles, inside the repository so that the bundles' external packages resolve
 * from its node_modules.
 */
export function bundleFolder(prefix: string): string {
  const cache = join(REPO_ROOT, 'node_modules/.cache/gatehouse-tests');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, `${prefix}-`));
}

/** The headless CLI bundled into `outdir` as build.mjs bundles it (the same options): its launcher's path. */
export async function bundleGatewayCli(outdir: string): Promise<string> {
  await Promise.all([GATEWAY_CLI_LAUNCHER_OPTIONS, GATEWAY_CLI_BODY_OPTIONS].map((options) => build({ ...options, outdir, target: 'node20', absWorkingDir: REPO_ROOT })));
  return join(outdir, 'cli.cjs');
}

let built: Promise<string> | undefined;

/**
 * What the app forks, bundled as build.mjs bundles it (the same options): the launcher `entry.cjs` and the gateway
 * process `gateway-process.cjs` it requires, into a folder of this test run: forking it measures the product's
 * start time, not a TypeScript loader's.
 */
export function builtGatewayEntry(): Promise<string> {
  built ??= (async () => {
    const outdir = bundleFolder('entry');
    await build({ ...GATEWAY_APP_BUNDLE_OPTIONS, outdir, target: 'node20', absWorkingDir: REPO_ROOT });
    return join(outdir, 'entry.cjs');
  })();
  return built;
}
