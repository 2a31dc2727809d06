import { validateWorkspace } from '../../gateway/config/validate';
import { secretReferences } from '../../gateway/config/secret-references';
import type { SecretBundle } from '../../gateway/process/protocol';
import type { SecretVault } from '../services/vault';
import { qualifiedSecretName } from '../services/vault';

/**
 * Exactly the secrets a workspace names, read from the vault for the gateway process. Missing ones are
 * left out: the gateway then refuses the config with an error naming the consumer or API, secret and key.
 */
export async function collectSecretBundle(workspace: unknown, vault: SecretVault): Promise<SecretBundle> {
  const validated = validateWorkspace(workspace);
  if (!validated.ok) return {};
  const bundle: SecretBundle = {};
  for (const ref of secretReferences(validated.value)) {
    const secret = await vault.get(ref);
    if (secret) bundle[qualifiedSecretName(ref)] = secret.data;
  }
  return bundle;
}
