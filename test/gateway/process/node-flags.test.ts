// The gateway's Node options and start-up environment reach every Node launch of it: the supervisor's fork,
// `npm run gateway` and `npm start` where there is no display (both through build.mjs). Read from /proc, that is
// from the process that was really started.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV } from '../../../gateway/process/node-flags';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { REPO_ROOT } from '../../support/spawn-cli';
import { childProcesses } from '../../bench/process-stats';

/** The environment as `NAME=value` entries, the form of /proc/<pid>/environ. */
const ENVIRONMENT = Object.entries(GATEWAY_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
const SCRIPTS = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const BUILT_CLI = join(REPO_ROOT, 'out/gateway/cli.cjs');
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

function expectStartedWithGatewayOptions(pid: number): void {
  const argv = commandLine(pid);
  for (const flag of GATEWAY_NODE_FLAGS) expect(argv).toContain(flag);
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  for (const entry of ENVIRONMENT) expect(environment).toContain(entry);
}

/** Resolves with `pattern`'s match once `child` has printed it (the CLI reports on stderr: stdout is for data); rejects if it exits first. */
function printed(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const read = (text: string) => {
      seen += text;
      const match = pattern.exec(seen);
      if (match) resolve(match);
    };
    child.stdout!.setEncoding('utf8').on('data', read);
    child.stderr!.setEncoding('utf8').on('data', read);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${pattern}: ${seen}`)));
  });
}

/**
 * Runs `node build.mjs ARGS` until the gateway CLI it starts is serving, then checks that CLI process's options
 * and environment, stops it and expects the launcher to exit with it.
 */
async function checkLaunch(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const launcher = spawn(process.execPath, ['build.mjs', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(launcher, 'exit');
  let cli: number | undefined;
  try {
    await printed(launcher, /Gatehouse demo gateway on http:\/\//);
    // Beside the CLI, the launcher's children include esbuild's service process.
    cli = childProcesses(launcher.pid!).find((pid) => commandLine(pid).includes(BUILT_CLI));
    expect(cli, 'a child process running out/gateway/cli.cjs').toBeDefined();
    expectStartedWithGatewayOptions(cli!);
  } finally {
    if (cli !== undefined) process.kill(cli, 'SIGTERM');
    else for (const pid of [...childProcesses(launcher.pid!), launcher.pid!]) process.kill(pid, 'SIGKILL');
  }
  // The CLI shuts down on SIGTERM (exit 0) and the launcher hands on how it ended.
  const [code, signal] = await exited;
  if (cli !== undefined) expect({ code, signal }).toEqual({ code: 0, signal: null });
}

/** A CLI gateway started with `flags` and V8's trace of WebAssembly compilations on its stdout. */
interface TracedGateway {
  url: string;
  trace: () => string;
  stop: () => Promise<void>;
}

async function startTracedGateway(flags: readonly string[], workspaceFile: string): Promise<TracedGateway> {
  const child = spawn(process.execPath, [...flags, '--trace-wasm-compilation-times', '--import', 'tsx', 'main/cli/main.ts', '--config', workspaceFile, '--port', '0'], {
    cwd: REPO_ROOT, env: { ...process.env, ...GATEWAY_PROCESS_ENV }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let trace = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (trace += text));
  const exited = once(child, 'exit');
  const [, url] = await printed(child, /gateway on (http:\/\/\S+)/);
  return {
    url: url!,
    trace: () => trace,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One proxied GET, answered in full. */
async function proxiedGet(url: string): Promise<void> {
  const res = await request(`${url}/json`);
  await res.body.text();
  expect(res.statusCode).toBe(200);
}

const TURBOFAN = /using TurboFan/;

describe.runIf(process.platform === 'linux')('gateway Node options', () => {
  it('the supervisor forks the gateway process with them', async () => {
    const gateway = forkGatewayProcess(await builtGatewayEntry());
    try {
      expectStartedWithGatewayOptions(gateway.pid!);
    } finally {
      gateway.kill();
    }
  });

  it('`npm run gateway` (build.mjs gateway) starts the CLI with them', async () => {
    expect(SCRIPTS.gateway).toBe('node build.mjs gateway');
    await checkLaunch(['gateway', '--demo', '--port', '0'], {});
  }, 60_000);

  it('a CLI that fails makes `npm run gateway` fail with its status and message, and nothing of the launcher', async () => {
    const launcher = spawn(process.execPath, ['build.mjs', 'gateway', '--config', 'no-such-workspace.json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    launcher.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text));
    launcher.stdout.resume();
    const [code] = await once(launcher, 'exit');
    expect(code).toBe(1);
    expect(errors).toContain('no-such-workspace.json');
    expect(errors).not.toContain('build.mjs');
  }, 60_000);

  it('`npm start` with no display starts the headless demo with them', async () => {
    expect(SCRIPTS.start).toBe('node build.mjs start');
    await checkLaunch(['start', '--port', '0'], { DISPLAY: '', WAYLAND_DISPLAY: '' });
  }, 180_000);

  // Why --liftoff-only is there: V8 otherwise tiers undici's WebAssembly HTTP parser up with TurboFan soon after
  // the first responses, a compile whose working memory stayed resident in half the starts. The gateway without the
  // flag is the control: it shows how many requests bring that compile here, and that the trace reports it.
  it('with them, undici\'s WebAssembly HTTP parser is never compiled with TurboFan (without --liftoff-only it is)', async () => {
    const upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"service":"bench-upstream","items":[1,2,3]}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-flags-'));
    const workspaceFile = join(dir, 'workspace.json');
    writeFileSync(workspaceFile, JSON.stringify({
      services: [{ name: 'upstream', pathPrefix: '/', upstream: { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } }],
    }));
    const gateways: TracedGateway[] = [];
    try {
      const control = await startTracedGateway(GATEWAY_NODE_FLAGS.filter((flag) => flag !== '--liftoff-only'), workspaceFile);
      gateways.push(control);
      let requests = 0;
      // Until the compile is reported; a V8 that stopped tiering the parser up would hang here (test timeout).
      while (!TURBOFAN.test(control.trace())) {
        await proxiedGet(control.url);
        requests += 1;
      }
      await control.stop();
      const gateway = await startTracedGateway(GATEWAY_NODE_FLAGS, workspaceFile);
      gateways.push(gateway);
      for (let i = 0; i < Math.max(2 * requests, 50); i += 1) await proxiedGet(gateway.url);
      expect(gateway.trace()).toMatch(/using Liftoff/);
      expect(gateway.trace()).not.toMatch(TURBOFAN);
    } finally {
      for (const gateway of gateways) await gateway.stop();
      upstream.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
