// `gatehouse export [--workspace WS] [--namespace NS] [--with-secret-values [--secrets FILE]] [-o FILE]`: the workspace as
// Kubernetes objects (Secrets, Kyma Applications, APK Backends, APISIX consumers and routes), one YAML file.
import { writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitShortOptionValues } from './short-option-values';
import { namespaceOptionProblem } from './namespace-option';
import { EXPORT_LINES } from './command-usage';
import { WorkspaceStore, writePrivateFile } from '../services/workspace-store';
import { SessionVault } from '../services/vault';
import { keychainSources } from './keychain-sources';
import { secretReader } from './secret-reader';
import { leftOutLines, nothingToExportReason } from '../services/cluster';
import { ClusterController } from '../app/cluster-controller';
import { defaultWorkspacePath } from './import-command';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import { fileFailureCause } from '../../gateway/errors/file-failure';

/** The -o file could not be written (a full disk, a folder without write access): which file, and why in words. */
class ExportFileError extends GatehouseError {
  readonly code = 'GATEHOUSE_EXPORT_NOT_WRITTEN';
}

function parseExportArgs(argv: string[]) {
  const { values } = parseArgs({
    args: splitShortOptionValues(argv),
    options: {
      workspace: { type: 'string', short: 'w' },
      namespace: { type: 'string', short: 'n' },
      'with-secret-values': { type: 'boolean' },
      secrets: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const namespace = values.help ? undefined : namespaceOptionProblem(values.namespace);
  if (namespace) throw new Error(namespace);
  return values;
}

export async function runExportCommand(argv: string[], say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let values: ReturnType<typeof parseExportArgs>;
  try {
    values = parseExportArgs(argv);
  } catch (error) {
    // A command line it cannot use is a usage error, as for plan, push and prune: what is wrong, the usage, exit 2.
    say(`export: ${error instanceof Error ? error.message : String(error)}\nUsage:${EXPORT_LINES}`);
    return 2;
  }
  // Asked for, the usage is the output (stdout, 0), as for the gateway and the cluster commands.
  if (values.help) return process.stdout.write(`Usage:${EXPORT_LINES}\n`), 0;
  const path = resolve(values.workspace ?? defaultWorkspacePath());
  const loaded = await new WorkspaceStore(dirname(path), { fileName: basename(path) }).load();
  if (!loaded.ok) return say(loaded.error.message), 1; // it names the file
  if (loaded.state === 'missing') return say(`${path}: no workspace there (import or save one first)`), 1;
  const withValues = values['with-secret-values'] === true;
  // Values are read only when they are asked for, from where plan reads them: --secrets FILE, then
  // $GATEHOUSE_SECRETS, then the OS keychain (opened only for a secret the first two do not have).
  const secrets = withValues ? await secretReader(values.secrets, () => keychainSources('as-the-app')) : undefined;
  if (!withValues && values.secrets !== undefined) say(`note: ${values.secrets} not read: secret values are exported only with --with-secret-values`);
  const controller = new ClusterController({ workspace: () => loaded.workspace, vault: () => new SessionVault(), ...(secrets ? { secrets } : {}) });
  // An empty --namespace is none, as for the cluster commands (and kubectl -n "").
  const { yaml, objectCount, workspaceItems } = await controller.export(withValues, values.namespace || 'default');
  const leftOut = leftOutLines(workspaceItems);
  if (objectCount === 0) {
    // A file of comments only: `kubectl apply -f` would refuse it (no objects passed to apply). Nothing is written
    // (an earlier -o file stays as it was), exit 1 as for a workspace that is not there.
    say([`export: nothing to export: ${nothingToExportReason(workspaceItems, path)}; nothing written`, ...leftOut].join('\n'));
    return 1;
  }
  // Every item left out, whole or in part, and why, as plan's workspace section says it.
  if (leftOut.length > 0) say(`export: left out, whole or in part:\n${leftOut.join('\n')}`);
  if (values.output) {
    const output = values.output;
    const written = withValues ? writePrivateFile(output, yaml) : writeFile(output, yaml, { mode: 0o644 });
    await written.catch((error: unknown) => {
      const cause = fileFailureCause(error);
      throw cause ? new ExportFileError(`cannot write ${output}: ${cause}`, { cause: error }) : error;
    });
    say(`wrote ${values.output}${withValues ? ' (with secret values: keep it private)' : ' (secret values left out)'}`);
  } else process.stdout.write(yaml);
  return 0;
}
