// The headless gateway's --config and --secrets files, watched and read again: a change of either reloads the
// gateway, and a line on stderr says what was reloaded or why the running config was kept.
import { readJsonOrYaml, utf8Text } from '../config/parse-document';
import { readNamedFile } from '../config/named-file';
import type { Workspace } from '../config/schema';
import type { Gateway } from '../server/gateway-server';
import type { SecretsFileSource } from '../secrets/secrets-file';
import { CONFIG_QUIET_MS } from '../config/folder-watch';
import { watchNamedFile } from '../config/file-watch';
import { refusedLine, reloadedLine, unreadLine } from './reload-status';

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The listen address fields of the served workspace that changed since start without a flag overriding them: a
 * reload applies everything else, but the server keeps listening where it started.
 */
function listenFieldsChanged(startedWith: Workspace['gateway'], now: Workspace['gateway'], flags: { host?: string; port?: string }): string[] {
  return (['host', 'port'] as const).filter((field) => flags[field] === undefined && now[field] !== startedWith[field]).map((field) => `gateway.${field}`);
}

/**
 * Watches the config file and the secrets file by one rule (config/file-watch.ts: their folders across renames,
 * and through a symbolic link, its target's folder and a `..data` swap beside it). A change reloads when either
 * file's bytes differ from the last ones read (the config's `served` at first), and the line it says names the one
 * that changed. After a failed read, the next good one reloads whatever it holds, so the line after "cannot read"
 * says how the file is now. Returns the function that reads both again whatever changed (SIGHUP).
 */
export function watchConfig(path: string, gateway: Gateway, flags: { host?: string; port?: string }, served: Buffer, secretsFile?: SecretsFileSource): () => void {
  const startedWith = gateway.workspace.gateway;
  let last: Buffer | undefined = served;
  let asked = false;
  let timer: NodeJS.Timeout | undefined;
  const look = async () => {
    const readBoth = asked;
    asked = false;
    let bytes: Buffer;
    try {
      bytes = await readNamedFile(path);
    } catch (error) {
      last = undefined;
      return say(unreadLine(error));
    }
    try {
      // Read again before every reload: a secret added to the file for this edit is found, a rotated one used.
      const secretsChanged = (await secretsFile?.reread()) ?? false;
      const configChanged = last === undefined || !bytes.equals(last);
      if (!configChanged && !secretsChanged && !readBoth) return;
      last = bytes;
      const files = { configPath: path, secretsPath: secretsFile?.path, config: configChanged || readBoth, secrets: secretsChanged || readBoth };
      const result = await gateway.reload(await readJsonOrYaml(utf8Text(bytes, path), path));
      if (!result.ok) return say(refusedLine(files, result.errors));
      const unapplied = listenFieldsChanged(startedWith, gateway.workspace.gateway, flags);
      const restart = unapplied.length > 0 ? `; ${unapplied.join(' and ')} ${unapplied.length > 1 ? 'take' : 'takes'} effect when the gateway starts again (it still listens on ${gateway.url})` : '';
      say(reloadedLine(files, restart));
    } catch (error) {
      say(unreadLine(error));
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void look(), CONFIG_QUIET_MS);
  };
  watchNamedFile(path, schedule);
  if (secretsFile) watchNamedFile(secretsFile.path, schedule);
  return () => {
    asked = true;
    schedule();
  };
}
