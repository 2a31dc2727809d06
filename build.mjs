// One build for every process: Vite for the renderer (React, CSS, hashing), esbuild for the Node-side
// bundles (Electron main, sandboxed preload as CommonJS, the gateway's process entry and CLI).
// `node build.mjs start` runs the app (or, with no display, the headless demo); `node build.mjs gateway ARGS` builds
// and runs the headless CLI, `gateway-bundle` only builds it;
// `node build.mjs prepare-electron` fetches the Electron binary if missing. keytar needs nothing here: it is a
// Node-API module, so the build `npm install` made serves Node and Electron alike.
import { build as esbuild } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('.', import.meta.url));
const out = join(root, 'out');
const electronTarget = 'node22';

const shared = { bundle: true, platform: 'node', sourcemap: false, logLevel: 'warning', packages: 'external', absWorkingDir: root };

/**
 * The gateway's bundles: gateway/process/bundle-options.ts (one CommonJS file per entry, dependencies bundled in,
 * what stays outside, undici without node:http2), shared with the tests that fork the bundles. Whitespace and
 * comments are left out here (names are kept, so stack traces still read): V8 keeps each module's source text in
 * the heap, and one non-Latin-1 character in a comment (zod has an em dash) makes a whole file's text two bytes a
 * character; idle RSS 1 MB lower.
 */
const { GATEWAY_CLI_LAUNCHER_OPTIONS, GATEWAY_CLI_BODY_OPTIONS, GATEWAY_APP_BUNDLE_OPTIONS } = await importSource('./gateway/process/bundle-options.ts');
const gatewayBundle = { absWorkingDir: root, minifyWhitespace: true, outdir: 'out/gateway' };

/** The headless CLI alone: what `npm run gateway` and `npm run bench` run (plain node, no tsx loader on the hot path). */
async function buildGatewayCli() {
  await Promise.all([GATEWAY_CLI_LAUNCHER_OPTIONS, GATEWAY_CLI_BODY_OPTIONS].map((options) => esbuild({ ...options, ...gatewayBundle, target: 'node20' })));
}

async function buildNodeBundles() {
  await Promise.all([
    buildGatewayCli(),
    esbuild({ ...shared, entryPoints: ['main/electron/main.ts'], outfile: 'out/main/index.js', format: 'esm', target: electronTarget, external: ['electron'] }),
    // Sandboxed preloads cannot be ES modules and can require only 'electron'.
    esbuild({ ...shared, packages: undefined, entryPoints: ['main/electron/preload.ts'], outfile: 'out/preload/preload.cjs', format: 'cjs', target: electronTarget, external: ['electron'] }),
    // entry.cjs is only the launcher (compile cache first); the gateway itself is gateway-process.cjs, which it requires.
    esbuild({ ...GATEWAY_APP_BUNDLE_OPTIONS, ...gatewayBundle, target: electronTarget }),
  ]);
}

async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

/** A TypeScript module of the project, for this script alone (nothing it starts carries the loader). */
async function importSource(path) {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  try {
    return await import(path);
  } finally {
    await unregister();
  }
}

async function writeSchema() {
  const { workspaceJsonSchema } = await importSource('./gateway/config/json-schema.ts');
  mkdirSync(join(out), { recursive: true });
  writeFileSync(join(out, 'workspace.schema.json'), `${JSON.stringify(workspaceJsonSchema(), null, 2)}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/**
 * The built headless CLI, started as every Node launch of the gateway is: with the start-up environment of
 * gateway/process/process-environment.ts, which the app's supervisor and the bench read too (one list, no copy to
 * keep equal), and no V8 options (the CLI's launcher sets its own, gateway/process/v8-flags.ts). For
 * `npm run gateway` and for `npm start` where there is no display. The CLI's exit status
 * (or signal) becomes this script's, so `npm run gateway` fails when the gateway does, without a stack trace of ours.
 */
async function runGatewayCli(args) {
  const { GATEWAY_PROCESS_ENV } = await importSource('./gateway/process/process-environment.ts');
  const result = spawnSync(process.execPath, [join(out, 'gateway/cli.cjs'), ...args], {
    stdio: 'inherit', cwd: root, env: { ...process.env, ...GATEWAY_PROCESS_ENV },
  });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}

/** Electron's binary, through its own install.js (npm does not run it: allowScripts in package.json). */
function prepareElectron() {
  const electronDir = join(root, 'node_modules/electron');
  if (existsSync(join(electronDir, 'path.txt'))) return;
  console.log('Electron binary missing: downloading it with electron/install.js');
  run(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir });
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** `npm start`: the app where there is a display, else the headless gateway with its demo. */
async function start() {
  await Promise.all([buildNodeBundles(), buildRenderer(), writeSchema()]);
  const headless = () => runGatewayCli(['--demo', ...process.argv.slice(3)]);
  if (!hasDisplay()) {
    console.log('No display (DISPLAY/WAYLAND_DISPLAY unset): starting the headless gateway with its demo instead of the app.');
    return headless();
  }
  try {
    prepareElectron();
  } catch (error) {
    console.error(`Cannot prepare Electron (${error.message}): starting the headless gateway with its demo instead.`);
    return headless();
  }
  const electron = (await import('electron')).default;
  run(electron, ['.']);
}

const command = process.argv[2] ?? 'build';
// Nothing of an earlier build stays behind (ES module chunks with hashed names until 30 Nov).
if (['build', 'start', 'gateway', 'gateway-bundle'].includes(command)) rmSync(join(out, 'gateway'), { recursive: true, force: true });
if (command === 'build') {
  await Promise.all([buildNodeBundles(), buildRenderer(), writeSchema()]);
  console.log('built out/main, out/preload, out/renderer, out/gateway, out/workspace.schema.json');
} else if (command === 'start') {
  await start();
} else if (command === 'gateway') {
  // `npm run gateway -- ARGS`: the CLI, built and started with ARGS.
  await buildGatewayCli();
  await runGatewayCli(process.argv.slice(3));
} else if (command === 'gateway-bundle') {
  await buildGatewayCli();
} else if (command === 'prepare-electron') {
  prepareElectron();
} else {
  console.error(`unknown command ${command}: build | start | gateway | gateway-bundle | prepare-electron`);
  process.exit(2);
}
