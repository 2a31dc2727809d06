// The OS keychain as a secret source of the CLI, when there is one: serving and the cluster commands read
// secret values from it after --secrets and $GATEHOUSE_SECRETS.
import { openVault, VaultSecretSource, VaultUnavailableError, type SecretVault } from '../services/vault';
import { forCommandLine } from '../services/vault/vault-errors';
import type { SecretSource } from '../../gateway/secrets/secret-source';
import { findSecret } from '../app/find-secret';

async function openKeychain(lookup: 'exact' | 'as-the-app'): Promise<SecretSource | undefined> {
  const { vault, status } = await openVault({ whenUnavailable: 'session-only' });
  if (status.mode !== 'keychain') {
    process.stderr.write(`note: OS keychain not used (${status.mode === 'session-only' && status.reason ? status.reason.problem : status.mode}); secrets come from --secrets or $GATEHOUSE_SECRETS only\n`);
    return undefined;
  }
  if (lookup === 'exact') return new VaultSecretSource(vault);
  return { label: 'OS keychain', read: async (ref) => (await findSecret(vault, ref))?.data };
}

/**
 * The keychain is opened (keytar loaded, the keychain probed) on the first secret that --secrets and
 * $GATEHOUSE_SECRETS do not have: a workspace served from those alone starts without it. `as-the-app`: a reference
 * without a namespace also finds the one secret of that name kept under a namespace (findSecret), as the app's
 * export and push find it; export read the keychain so before it took --secrets, and still does.
 */
export async function keychainSources(lookup: 'exact' | 'as-the-app' = 'exact'): Promise<SecretSource[]> {
  let keychain: Promise<SecretSource | undefined> | undefined;
  let available: boolean | undefined;
  return [{
    get label() {
      return available === false ? 'OS keychain (unavailable)' : 'OS keychain';
    },
    async read(ref) {
      keychain ??= openKeychain(lookup);
      const source = await keychain;
      available = source !== undefined;
      return source?.read(ref);
    },
  }];
}

/**
 * The keychain, for a command that needs it (import's secret values). Without one,
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
