import { validateWorkspace } from '../../gateway/config/validate';
import { secretReferences } from '../../gateway/config/secret-references';
import type { SecretBundle } from '../../gateway/process/protocol';
import type { SecretVault } from '../services/vault';
import type { SecretSource } from '../../gateway/secrets/secret-source';
import { findSecret } from './find-secret';
import { secretId } from '../services/vault';

/**
 * Exactly the secrets a workspace names, read for the gateway process (values go over IPC only). Missing ones are
 * left out: the gateway then refuses the config with an error naming the consumer or API, secret and key.
 */
export async function collectSecretBundle(workspace: unknown, vault: SecretVault, cluster?: SecretSource): Promise<SecretBundle> {
  const validated = validateWorkspace(workspace);
  if (!validated.ok) return {};
  const bundle: SecretBundle = {};
  for (const ref of secretReferences(validated.value)) {
    // The local vault first; then, when a cluster is connected, its Secret of that name (APK secretRefName).
    const data = (await findSecret(vault, ref))?.data ?? (await cluster?.read(ref));
    if (data) bundle[secretId(ref)] = data;
  }
  return bundle;
}
