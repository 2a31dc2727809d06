// The gateway's Node options and start-up environment reach every Node launch of it: the supervisor's fork,
// `npm run gateway` and `npm start` where there is no display (both through build.mjs). Read from /proc, that is
// from the process that was really started.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV } from '../../../gateway/process/node-flags';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { REPO_ROOT } from '../../support/spawn-cli';
import { childProcesses } from '../../bench/process-stats';

/** The environment as `NAME=value` entries, the form of /proc/<pid>/environ. */
const ENVIRONMENT = Object.entries(GATEWAY_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
const SCRIPTS = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const BUILT_CLI = join(REPO_ROOT, 'out/gateway/cli.js');
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

function expectStartedWithGatewayOptions(pid: number): void {
  const argv = commandLine(pid);
  for (const flag of GATEWAY_NODE_FLAGS) expect(argv).toContain(flag);
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  for (const entry of ENVIRONMENT) expect(environment).toContain(entry);
}

/** Resolves once `child` has printed `pattern` (the CLI reports on stderr: stdout is for data); rejects if it exits first. */
function printed(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const read = (text: string) => {
      seen += text;
      if (pattern.test(seen)) resolve();
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
    expect(cli, 'a child process running out/gateway/cli.js').toBeDefined();
    expectStartedWithGatewayOptions(cli!);
  } finally {
    if (cli !== undefined) process.kill(cli, 'SIGTERM');
    else for (const pid of [...childProcesses(launcher.pid!), launcher.pid!]) process.kill(pid, 'SIGKILL');
  }
  // The CLI shuts down on SIGTERM (exit 0) and the launcher hands on how it ended.
  const [code, signal] = await exited;
  if (cli !== undefined) expect({ code, signal }).toEqual({ code: 0, signal: null });
}

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
});
