import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const WORKSPACE_FILE = 'workspace.json';

/**
 * Where the headless CLI keeps its workspace: `$XDG_CONFIG_HOME/gatehouse`, else `~/.config/gatehouse`
 * (`%APPDATA%\gatehouse` on Windows). The desktop app passes Electron's userData instead.
 */
export function defaultCliWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'gatehouse');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'gatehouse');
  return join(home, '.config', 'gatehouse');
}
