#!/usr/bin/env node
// `npm run gateway`: the headless gateway with the app's services around it — secrets from the OS
// keychain (besides --secrets and $GATEHOUSE_SECRETS), and the `import` command.
import { exitWhenDone, runGatewayCli } from '../../gateway/cli/gateway-cli';
import { openVault, VaultSecretSource } from '../services/vault';
import { COMMAND_USAGE } from './command-usage';
import type { SecretSource } from '../../gateway/secrets/secret-source';

async function openKeychain(): Promise<SecretSource | undefined> {
  const { vault, status } = await openVault({ whenUnavailable: 'session-only' });
  if (status.mode !== 'keychain') {
    process.stderr.write(`note: OS keychain not used (${status.mode === 'session-only' && status.reason ? status.reason.problem : status.mode}); secrets come from --secrets or $GATEHOUSE_SECRETS only\n`);
    return undefined;
  }
  return new VaultSecretSource(vault);
}

/**
 * The keychain is opened (keytar loaded, the keychain probed) on the first secret that --secrets and
 * $GATEHOUSE_SECRETS do not have: a workspace served from those alone starts without it.
 */
async function keychainSources(): Promise<SecretSource[]> {
  let keychain: Promise<SecretSource | undefined> | undefined;
  let available: boolean | undefined;
  return [{
    get label() {
      return available === false ? 'OS keychain (unavailable)' : 'OS keychain';
    },
    async read(ref) {
      keychain ??= openKeychain();
      const source = await keychain;
      available = source !== undefined;
      return source?.read(ref);
    },
  }];
}

const argv = process.argv.slice(2);
// import/export load the store and @kubernetes/client-node: only when asked for, so serving starts light.
if (argv[0] === 'import') exitWhenDone(import('./import-command').then((m) => m.runImportCommand(argv.slice(1))));
else if (argv[0] === 'export') exitWhenDone(import('./export-command').then((m) => m.runExportCommand(argv.slice(1))));
else exitWhenDone(runGatewayCli(argv, { extraSecretSources: keychainSources, usage: COMMAND_USAGE }));
