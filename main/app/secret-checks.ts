import { checkKeyMatchesCertificate } from '../../gateway/security/client-certificate';
import { parseRequestParameters } from '../../gateway/security/request-parameters';
import { UserFacingError } from '../ipc/dispatcher';
import { loneSurrogateProblem } from '../../gateway/config/lone-surrogates';
import { UNSTORABLE_SECRET_VALUE } from '../../gateway/config/secret-names';
import type { SecretVault, StoredSecret } from '../services/vault';

/**
 * A secret shaped for the gateway is checked when it is saved, not when a request first needs it:
 * a certificate with a key that is not its own, header/query parameters that could not be sent, or a value the
 * vault could not store as it is (a lone surrogate).
 * Messages name the secret and key, never a value.
 */
export function checkSecretForGateway(name: string, data: Readonly<Record<string, string>>): void {
  // An import or a cluster's Secret brings values the IPC schema (secretValueSchema) never saw.
  for (const [key, value] of Object.entries(data)) {
    if (loneSurrogateProblem(value)) throw new UserFacingError('GATEHOUSE_INVALID_SECRET', `secret "${name}" key "${key}" ${UNSTORABLE_SECRET_VALUE}`);
  }
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
 * How a secret reaches the vault on its own (the Secrets screen's `secrets:set` and `secrets:update`): every secret
 * is checked first, and nothing is stored unless all of them pass, so a refused batch leaves the vault as it was.
 * Secrets that come with a workspace save (a form's typed-in values, an import's: save-import.ts) go through
 * secret-updates.ts instead, with the same check (checkSecretForGateway), since each must also be put back when the
 * workspace save after them is refused.
 */
export async function storeCheckedSecrets(vault: SecretVault, secrets: readonly StoredSecret[]): Promise<void> {
  for (const secret of secrets) checkSecretForGateway(secret.name, secret.data);
  for (const secret of secrets) await vault.set(secret);
}
