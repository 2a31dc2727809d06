// The gateway's V8 options (gateway/process/v8-flags.ts) as its processes hold them: a launcher's bundle sets
// them, and the gateway's own bundle, with a copy of the module of its own, has V8 favour memory and then speed
// again. Which options are in force is read from V8 itself: it refuses a code cache made under other options
// (cachedDataRejected), so a cache made of a probe script when the launcher has set its options is taken back
// exactly when the same options are in force again. In a process of its own: this one's options stay untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { GATEWAY_BUNDLE_OPTIONS } from '../../../gateway/process/bundle-options';
import { REPO_ROOT } from '../../support/spawn-cli';
import { bundleFolder } from '../../support/built-gateway';

const run = promisify(execFile);
let folder: string;

/** v8-flags.ts bundled on its own, as each of the gateway's bundles holds a copy. */
async function bundleCopy(name: string): Promise<string> {
  const outfile = join(folder, `${name}.cjs`);
  await build({
    ...GATEWAY_BUNDLE_OPTIONS,
    stdin: { contents: "export * from './gateway/process/v8-flags';", resolveDir: REPO_ROOT, loader: 'ts' },
    outfile, target: 'node20', absWorkingDir: REPO_ROOT, outExtension: {},
  });
  return outfile;
}

let launcherCopy: string;
let gatewayCopy: string;

beforeAll(async () => {
  folder = bundleFolder('v8-flags');
  [launcherCopy, gatewayCopy] = await Promise.all([bundleCopy('launcher'), bundleCopy('gateway')]);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * Runs `steps` (statements using `launcher` and `gateway`, the two copies, and `probe(label)`) in a new Node
 * process; `probe` records whether V8 takes back the cache made when the launcher had set its options.
 */
async function probeSteps(steps: string): Promise<Record<string, boolean>> {
  const script = `const vm = require('node:vm');
const launcher = require(${JSON.stringify(launcherCopy)});
const gateway = require(${JSON.stringify(gatewayCopy)});
const source = 'function probe(a) { return a + 1; } probe(1);';
const results = {};
let made;
let n = 0;
// A name of its own each time: V8 would otherwise serve the script from its in-memory cache and read no data.
const probe = (label) => { results[label] = !new vm.Script(source, { filename: 'probe-' + ++n + '.js', cachedData: made }).cachedDataRejected; };
launcher.applyGatewayV8Flags();
made = new vm.Script(source, { filename: 'probe-0.js' }).createCachedData();
${steps}
process.stdout.write(JSON.stringify(results));`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  return JSON.parse(stdout);
}

describe('the gateway\'s V8 options', () => {
  it('memory favoured from the gateway\'s bundle changes the options the launcher set; speed puts back exactly those', async () => {
    // --optimize-for-size implies --max-semi-space-size=1: resetting the first alone would leave the options changed.
    expect(await probeSteps(`probe('as set');
gateway.favourMemory(true); probe('favouring memory');
gateway.favourMemory(false); probe('favouring speed again');`)).toEqual({ 'as set': true, 'favouring memory': false, 'favouring speed again': true });
  });

  it('while memory is favoured, underDefaultV8Flags runs its work under V8\'s defaults and favours memory again after it', async () => {
    expect(await probeSteps(`gateway.favourMemory(true);
launcher.underDefaultV8Flags(() => undefined); probe('after the work');
gateway.favourMemory(false); probe('favouring speed');`)).toEqual({ 'after the work': false, 'favouring speed': true });
  });

  it('where the launcher has not set its options (a test, Electron), favouring memory changes nothing', async () => {
    const script = `const vm = require('node:vm');
const gateway = require(${JSON.stringify(gatewayCopy)});
const source = 'function probe(a) { return a + 1; } probe(1);';
const made = new vm.Script(source, { filename: 'probe-0.js' }).createCachedData();
gateway.favourMemory(true);
process.stdout.write(String(!new vm.Script(source, { filename: 'probe-1.js', cachedData: made }).cachedDataRejected));`;
    expect((await run(process.execPath, ['-e', script])).stdout).toBe('true');
  });
});
