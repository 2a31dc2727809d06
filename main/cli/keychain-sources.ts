// The OS keychain as a secret source of the CLI, when there is one: serving and the cluster commands read
// secret values from it after --secrets and $GATEHOUSE_SECRETS.
import { openVault, VaultSecretSource } from '../services/vault';

export async function keychainSources() {
  const { vault, status } = await openVault({ whenUnavailable: 'session-only' });
  if (status.mode !== 'keychain') {
    process.stderr.write(`note: OS keychain not used (${status.mode === 'session-only' && status.reason ? status.reason.problem : status.mode}); secrets come from --secrets or $GATEHOUSE_SECRETS only\n`);
    return [];
  }
  return [new VaultSecretSource(vault)];
}
