import { checkKeyMatchesCertificate } from '../../gateway/security/client-certificate';
import { parseRequestParameters } from '../../gateway/security/request-parameters';
import { UserFacingError } from '../ipc/dispatcher';
import type { SecretVault, StoredSecret } from '../services/vault';

/**
 * A secret shaped for the gateway is checked when it is saved, not when a request first needs it:
 * a certificate with a key that is not its own, or header/query parameters that could not be sent.
 * Messages name the secret and key, never a value.
 */
export function checkSecretForGateway(name: string, data: Readonly<Record<string, string>>): void {
  try {
    if (data.crt !== undefined && data.key !== undefined) {
      checkKeyMatchesCertificate(data.crt, data.key, { certificate: `secret "${name}" key "crt"`, privateKey: `secret "${name}" key "key"` });
    }
    if (data.headers !== undefined || data.queryParameters !== undefined) {
      parseRequestParameters({ headers: data.headers, queryParameters: data.queryParameters }, { headers: `secret "${name}" key "headers"`, queryParameters: `secret "${name}" key "queryParameters"` });
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UserFacingError(typeof code === 'string' ? code : 'GATEHOUSE_INVALID_SECRET', error instanceof Error ? error.message : 'invalid secret');
  }
}

/**
 * How a secret reaches the vault from outside (the Secrets form, an import, the cluster): every secret is checked
 * first, and nothing is stored unless all of them pass, so a refused batch leaves the vault as it was. A form's save
 * that carries typed-in values goes through secret-updates.ts instead, with the same check (checkSecretForGateway),
 * since it must also put each secret back when the workspace save after them is refused.
 */
export async function storeCheckedSecrets(vault: SecretVault, secrets: readonly StoredSecret[]): Promise<void> {
  for (const secret of secrets) checkSecretForGateway(secret.name, secret.data);
  for (const secret of secrets) await vault.set(secret);
}
