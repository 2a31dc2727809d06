import { InvalidSecretError } from './vault-errors';
import type { SecretRef, StoredSecret } from './secret-vault';
// The workspace's own rules (gateway/config/secret-names.ts), so anything a workspace can reference can be
// stored, and none of the parts can contain the "/" that separates them in keychain account names.
import { SECRET_KEY_PATTERN as KEY, SECRET_KEY_RULE, SECRET_NAME_PATTERN as NAME, SECRET_NAME_RULE, secretId } from '../../../gateway/config/secret-names';

export function checkSecretRef(ref: SecretRef): void {
  if (typeof ref.name !== 'string' || !NAME.test(ref.name)) {
    throw new InvalidSecretError(`secret name ${JSON.stringify(String(ref.name))} is invalid: use ${SECRET_NAME_RULE}`);
  }
  if (ref.namespace !== undefined && (typeof ref.namespace !== 'string' || !NAME.test(ref.namespace))) {
    throw new InvalidSecretError(`namespace ${JSON.stringify(String(ref.namespace))} of secret "${ref.name}" is invalid: use letters, digits, ".", "_" or "-", 1-63 characters`);
  }
}

/** Validates names and keys; messages name the offending key, never its value. */
export function checkSecret(secret: StoredSecret): void {
  checkSecretRef(secret);
  const where = `secret "${secretId(secret)}"`;
  if (secret.data === null || typeof secret.data !== 'object' || Array.isArray(secret.data)) {
    throw new InvalidSecretError(`${where}: data must be an object of string values`);
  }
  const keys = Object.keys(secret.data);
  if (keys.length === 0) throw new InvalidSecretError(`${where}: a secret needs at least one key`);
  for (const key of keys) {
    if (!KEY.test(key)) throw new InvalidSecretError(`${where}: key ${JSON.stringify(key.slice(0, 80))} is invalid: use ${SECRET_KEY_RULE}`);
    if (typeof secret.data[key] !== 'string') throw new InvalidSecretError(`${where}: the value of key "${key}" must be a string`);
  }
}

export function copySecret(secret: StoredSecret): StoredSecret {
  const copy: StoredSecret = { name: secret.name, data: Object.freeze({ ...secret.data }) };
  if (secret.namespace !== undefined) copy.namespace = secret.namespace;
  return copy;
}
