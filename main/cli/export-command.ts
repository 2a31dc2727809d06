// `gatehouse export [--workspace WS] [--namespace NS] [--with-secret-values] [-o FILE]`: the workspace as
// Kubernetes objects (Secrets, Kyma Applications, APK Backends, APISIX consumers and routes), one YAML file.
import { writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkspaceStore, writePrivateFile } from '../services/workspace-store';
import { SessionVault, type SecretVault } from '../services/vault';
import { keychainFor } from './keychain-sources';
import { ClusterController } from '../app/cluster-controller';
import { defaultWorkspacePath } from './import-command';



export async function runExportCommand(argv: string[], say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspace: { type: 'string', short: 'w' },
      namespace: { type: 'string', short: 'n' },
      'with-secret-values': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
    },
  });
  const path = resolve(values.workspace ?? defaultWorkspacePath());
  const loaded = await new WorkspaceStore(dirname(path), { fileName: basename(path) }).load();
  if (!loaded.ok) return say(`${path}: ${loaded.error.message}`), 1;
  if (loaded.state === 'missing') return say(`${path}: no workspace there (import or save one first)`), 1;
  const withValues = values['with-secret-values'] === true;
  // Values are read from the keychain only when they are asked for.
  const vault: SecretVault = withValues ? await keychainFor('Or export without --with-secret-values: the Secrets then come without their values.') : new SessionVault();
  const controller = new ClusterController({ workspace: () => loaded.workspace, vault: () => vault });
  const yaml = await controller.exportYaml(withValues, values.namespace ?? 'default');
  if (values.output) {
    if (withValues) await writePrivateFile(values.output, yaml);
    else await writeFile(values.output, yaml, { mode: 0o644 });
    say(`wrote ${values.output}${withValues ? ' (with secret values: keep it private)' : ' (secret values left out)'}`);
  } else process.stdout.write(yaml);
  return 0;
}
