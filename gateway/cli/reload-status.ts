// The line the headless gateway says after looking at its config and secrets files again: what it reloaded, or why
// it kept the running config, naming the file that changed rather than one that did not.
import { describeFieldErrors, type FieldError } from '../config/validate';
import { SECRETS_FIELD } from '../server/gateway-server';

/** The files a reload read anew: `config`, `secrets` changed (or SIGHUP asked to read both again). */
export interface ReloadFiles {
  configPath: string;
  /** --secrets FILE, when there is one. */
  secretsPath?: string;
  config: boolean;
  secrets: boolean;
}

/** The files read anew, in words: `ws.yaml`, `the secrets file sec/secrets.json`, or both. */
function named(files: ReloadFiles): string {
  const secrets = files.secrets && files.secretsPath !== undefined ? `the secrets file ${files.secretsPath}` : undefined;
  if (secrets === undefined) return files.configPath;
  return files.config ? `${files.configPath} and ${secrets}` : secrets;
}

/** `restart`: what of the reload takes effect only at the next start, if anything (`; gateway.port takes …`). */
export function reloadedLine(files: ReloadFiles, restart = ''): string {
  return `reloaded ${named(files)}${restart}`;
}

/** A workspace file the gateway cannot serve, at start and on a reload alike. */
export function invalidFileText(path: string, errors: readonly FieldError[]): string {
  return `${path} is invalid:\n${describeFieldErrors(errors)}`;
}

/**
 * The reload was refused. Field errors are the workspace file's; a refusal by the secrets (they lack a key the
 * workspace names, or hold a value it cannot use) blames the secrets file when it alone changed.
 */
export function refusedLine(files: ReloadFiles, errors: readonly FieldError[]): string {
  const bySecrets = errors.length > 0 && errors.every((e) => e.path === SECRETS_FIELD);
  const secretsChanged = files.secrets && files.secretsPath !== undefined;
  if (!bySecrets || !secretsChanged) return `kept the running config; ${invalidFileText(files.configPath, errors)}`;
  const cause = files.config ? `${named(files)} changed, and cannot be served together` : `${named(files)} changed, and ${files.configPath} cannot be served with it`;
  return `kept the running config; ${cause}:\n${describeFieldErrors(errors)}`;
}

/** A file could not be read or parsed: its error names it. */
export function unreadLine(error: unknown): string {
  return `kept the running config; ${error instanceof Error ? error.message : String(error)}`;
}
