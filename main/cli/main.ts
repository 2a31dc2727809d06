#!/usr/bin/env node
// `npm run gateway`: the headless gateway with the app's services around it — secrets from the OS
// keychain (besides --secrets and $GATEHOUSE_SECRETS), and the `import` command.
import { exitWhenDone, runGatewayCli } from '../../gateway/cli/gateway-cli';
import { openVault, VaultSecretSource } from '../services/vault';
import { COMMAND_USAGE } from './command-usage';

async function keychainSources() {
  const { vault, status } = await openVault({ whenUnavailable: 'session-only' });
  if (status.mode !== 'keychain') {
    process.stderr.write(`note: OS keychain not used (${status.mode === 'session-only' && status.reason ? status.reason.problem : status.mode}); secrets come from --secrets or $GATEHOUSE_SECRETS only\n`);
    return [];
  }
  return [new VaultSecretSource(vault)];
}

const argv = process.argv.slice(2);
// import/export load the store and @kubernetes/client-node: only when asked for, so serving starts light.
if (argv[0] === 'import') exitWhenDone(import('./import-command').then((m) => m.runImportCommand(argv.slice(1))));
else if (argv[0] === 'export') exitWhenDone(import('./export-command').then((m) => m.runExportCommand(argv.slice(1))));
else exitWhenDone(runGatewayCli(argv, { extraSecretSources: keychainSources, usage: COMMAND_USAGE }));
