// `gatehouse import FILE... [--workspace WS]`: seed-format documents into a workspace file, secret values
// into the OS keychain. The workspace file gets names only; without a keychain the import stops before
// writing anything rather than leave secrets nowhere (or somewhere worse).
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importDocuments } from '../services/import/import-documents';
import { utf8Text } from '../../gateway/config/parse-document';
import { readNamedFile } from '../../gateway/config/named-file';
import { mergeImport } from '../services/import/merge-import';
import { emptyImport, type ImportResult } from '../services/import/import-result';
import { describeFieldErrors } from '../../gateway/config/validate';
import { Workspace } from '../../gateway/config/schema';
import type { SecretVault } from '../services/vault';
import { keychainFor } from './keychain-sources';
import { WorkspaceChangedOutsideError, WorkspaceStore, defaultCliWorkspaceDir, WORKSPACE_FILE, type SavedWorkspace } from '../services/workspace-store';
import { COMMAND_USAGE, IMPORT_LINES } from './command-usage';
import { SecretDataNotBase64Error } from '../services/import/kubernetes-secret';
import { counted } from '../../gateway/config/counted';
import { saveWithSecrets } from '../app/secret-updates';
import { IMPORTED_VALUES, withStoredNote } from '../app/save-import';

export interface ImportCommandDeps {
  openVault?: () => Promise<SecretVault>;
  say?: (line: string) => void;
}

export function defaultWorkspacePath(): string {
  return resolve(defaultCliWorkspaceDir(), WORKSPACE_FILE);
}

const keychainVault = () => keychainFor('Nothing was written. Without a keychain, import without the Secrets and give their values to the gateway with --secrets FILE or $GATEHOUSE_SECRETS.');

export async function runImportCommand(argv: string[], deps: ImportCommandDeps = {}): Promise<number> {
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      var: { type: 'string', multiple: true },
      // A Kubernetes Secret's `data` values as the plain text written there, not base64 (the app's checkbox).
      'plain-secret-data': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  // Asked for, the usage is the output (stdout, 0), as for the gateway and the cluster commands.
  if (values.help) return process.stdout.write(`Usage:${IMPORT_LINES}\n`), 0;
  if (positionals.length === 0) return say(`import: name at least one file${COMMAND_USAGE}`), 2;
  const vars: Record<string, string> = {};
  for (const pair of values.var ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return say(`--var: expected KEY=VALUE, got "${pair}"`), 2;
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }

  const imported: ImportResult = emptyImport();
  for (const file of positionals) {
    let one: ImportResult;
    try {
      one = importDocuments(utf8Text(await readNamedFile(file), file), file, { name: values.name, namespace: values.namespace, vars, plainSecretData: values['plain-secret-data'] });
    } catch (error) {
      // The app offers a checkbox here; the CLI names its flag. Nothing has been written yet.
      if (error instanceof SecretDataNotBase64Error) return say(`${error.message}\n  encode the value, put plain text under stringData, or run again with --plain-secret-data to take the data values as written`), 1;
      throw error;
    }
    for (const key of Object.keys(imported) as (keyof ImportResult)[]) (imported[key] as unknown[]).push(...(one[key] as unknown[]));
  }

  const { notes: _notes, ...items } = imported;
  if (Object.values(items).every((list) => list.length === 0)) {
    return say(`nothing to import: ${positionals.join(', ')} ${positionals.length === 1 ? 'holds' : 'hold'} no service, route, consumer, application or secret`), 1;
  }
  // A workspace file that is a symbolic link is written where it points (the store's rule), and the command's
  // backup and the text kept for its comments go beside that target, which a --config names, not beside the link.
  const named = resolve(values.workspace ?? defaultWorkspacePath());
  const path = await realpath(named).catch(() => named);
  const store = new WorkspaceStore(dirname(path), { fileName: basename(path) });
  const loaded = await store.load();
  if (!loaded.ok) return say(`${loaded.error.message}${loaded.backupAvailable ? ' (a backup exists: restore it first)' : ''}`), 1;
  const merged = mergeImport(loaded.state === 'missing' ? Workspace.parse({}) : loaded.workspace, imported);
  if (!merged.ok) return say(`the imported documents do not make a valid workspace:\n${describeFieldErrors(merged.errors)}`), 1;

  // The secrets with the workspace, as the app saves them (main/app/save-import.ts): checked, written just before it
  // once the file still holds what this command read, and put back as they were when its save is refused after all.
  const vault = imported.secrets.length > 0 ? await (deps.openVault ?? keychainVault)() : undefined;
  let saved: SavedWorkspace;
  try {
    await store.checkRevision(loaded.revision);
    const save = () => store.save(merged.workspace, { basedOn: loaded.revision });
    saved = await (vault ? saveWithSecrets(vault, imported.secrets, IMPORTED_VALUES, save) : save());
  } catch (error) {
    // Another program (the app, an editor) wrote the file between this command's read and its write.
    if (!(error instanceof WorkspaceChangedOutsideError)) throw withStoredNote(error, imported.secrets);
    const keychain = imported.secrets.length > 0 ? ', nor its secrets to the keychain' : '';
    return say(`${path} was changed by another program while this import ran; the import was not written to it${keychain}. Run the import again`), 1;
  }
  for (const note of merged.notes) say(`note: ${note}`);
  if (saved.commentsKeptIn) say(`note: ${path} had comments, which the YAML Gatehouse writes does not keep: its previous text, comments and all, is kept in ${saved.commentsKeptIn}`);
  const counts = [counted(imported.services.length, 'service'), counted(imported.routes.length, 'route'), counted(imported.consumers.length, 'consumer'), counted(imported.applications.length, 'application'), `${counted(imported.secrets.length, 'secret')} to the keychain`];
  say(`imported ${counts.join(', ')} into ${path}`);
  say(`serve it with: npm run gateway -- --config ${path}`);
  return 0;
}
