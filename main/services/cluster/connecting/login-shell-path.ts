// An app started from the dock or a desktop menu inherits a minimal PATH, not the one the user's shell builds,
// so exec credential plugins (kubectl oidc-login, gke-gcloud-auth-plugin, aws) would not be found.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';

export type RunShell = (shell: string, args: string[], timeoutMs: number) => Promise<string>;

const START = '__GATEHOUSE_PATH_START__';
const END = '__GATEHOUSE_PATH_END__';

const runShell: RunShell = (shell, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(shell, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, env: { ...process.env, DISABLE_AUTO_UPDATE: 'true' } }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });

export interface LoginShellPathOptions {
  shell?: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
  run?: RunShell;
}

export interface LoginShellPathResult {
  path?: string;
  /** Why no PATH was read (no shell, Windows, timeout, the shell failed). */
  problem?: string;
}

/** `$SHELL -ilc` prints PATH between markers, so greetings and prompts from rc files do not leak into it. */
export async function readLoginShellPath(options: LoginShellPathOptions = {}): Promise<LoginShellPathResult> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') return { problem: 'not needed on Windows: GUI apps get the user PATH' };
  const shell = options.shell ?? process.env.SHELL;
  if (!shell) return { problem: 'SHELL is not set' };
  const timeoutMs = options.timeoutMs ?? 5000;
  try {
    const out = await (options.run ?? runShell)(shell, ['-ilc', `printf '%s' "${START}\${PATH}${END}"`], timeoutMs);
    const start = out.lastIndexOf(START);
    const end = out.lastIndexOf(END);
    if (start < 0 || end < start) return { problem: `${shell} printed no PATH` };
    const path = out.slice(start + START.length, end).trim();
    return path ? { path } : { problem: `${shell} printed an empty PATH` };
  } catch (error) {
    const e = error as { killed?: boolean; signal?: string; code?: unknown };
    if (e.killed || e.signal === 'SIGKILL') return { problem: `${shell} did not print PATH within ${timeoutMs} ms` };
    return { problem: `${shell} failed (${String(e.code ?? 'error')})` };
  }
}

/** The login shell's entries first, then any of the current PATH's it lacks. */
export function mergePaths(loginPath: string | undefined, currentPath: string | undefined): string {
  const parts = [...(loginPath ?? '').split(delimiter), ...(currentPath ?? '').split(delimiter)].filter((p) => p !== '');
  return [...new Set(parts)].join(delimiter);
}
