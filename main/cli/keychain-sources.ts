// The OS keychain as a secret source of the CLI, when there is one: serving and the cluster commands read
// secret values from it after --secrets and $GATEHOUSE_SECRETS.
import { openVault, VaultSecretSource } from '../services/vault';
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
export async function keychainSources(): Promise<SecretSource[]> {
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
