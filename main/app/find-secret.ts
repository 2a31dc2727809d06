import type { SecretRef, SecretVault, StoredSecret } from '../services/vault';

/**
 * A secret by reference. A reference without a namespace (APK's `secretRefName`) also finds a secret of that
 * name kept under one namespace (a Kubernetes Secret imported with `metadata.namespace`), when it is the only one.
 */
export async function findSecret(vault: SecretVault, ref: SecretRef): Promise<StoredSecret | undefined> {
  const exact = await vault.get(ref);
  if (exact || ref.namespace !== undefined) return exact;
  const named = (await vault.list()).filter((s) => s.name === ref.name);
  return named.length === 1 ? vault.get({ name: ref.name, namespace: named[0]!.namespace }) : undefined;
}
