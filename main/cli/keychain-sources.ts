// The OS keychain as a secret source of the CLI, when there is one: serving and the cluster commands read
// secret values from it after --secrets and $GATEHOUSE_SECRETS.
import { openVault, VaultSecretSource, VaultUnavailableError, type SecretVault } from '../services/vault';
import { forCommandLine } from '../services/vault/vault-errors';
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

/**
 * The keychain, for a command that needs it (import's secret values, export --with-secret-values). Without one,
 * the failure's hint ends with what the command line can do instead (`instead`), not with the app's session-only
 * vault, which the CLI does not have.
 */
export async function keychainFor(instead: string): Promise<SecretVault> {
  try {
    return (await openVault({ whenUnavailable: 'throw' })).vault;
  } catch (error) {
    if (!(error instanceof VaultUnavailableError)) throw error;
    throw forCommandLine(error, instead);
  }
}
