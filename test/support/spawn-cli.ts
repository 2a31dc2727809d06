import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${REPO_ROOT}node_modules/.bin/tsx`;

export interface RunningCli {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the first stderr match of `pattern`; rejects if the CLI exits first. A hang is the test timeout's. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Runs the headless gateway CLI (`npm run gateway -- ...`) as a real child process. */
export function spawnGatewayCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(TSX, ['main/cli/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const found = () => err.match(pattern);
        const onData = () => {
          const m = found();
          if (!m) return;
          done();
          resolve(m);
        };
        // 'close' comes after the last stderr chunk: only then is "never printed it" certain.
        const onClose = () => {
          const m = found();
          done();
          if (m) resolve(m);
          else reject(new Error(`no ${pattern} in CLI output (exit ${child.exitCode}):\n${err}`));
        };
        const done = () => {
          child.stderr!.off('data', onData);
          child.off('close', onClose);
        };
        const m = found();
        if (m) return resolve(m);
        if (child.exitCode !== null && child.stderr!.readableEnded) return onClose();
        child.stderr!.on('data', onData);
        child.once('close', onClose);
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
