/*
 * How secrets map onto OS keychain entries.
 *
 * Every entry is stored under the service name "Gatehouse" (GATEHOUSE_KEYCHAIN_SERVICE names another, to keep a
 * second set of secrets apart: another profile, a test run). One entry per secret *key*:
 *
 *   account  = secret/<namespace, or "_" without one>/<name>/<key>
 *   password = the value of that key
 *
 * e.g. secret `orders-backend` in namespace `shop` with keys `username` and `password` is two
 * entries: `secret/shop/orders-backend/username` and `secret/shop/orders-backend/password`.
 * Names, namespaces and keys cannot contain "/" (see secret-names.ts), and "_" cannot be a
 * namespace (names start with a letter or digit), so the mapping is unambiguous.
 * Listing uses findCredentials(<service>) and keeps the accounts that parse; other accounts
 * under the service (e.g. `probe/<random>` written by probe()) are ignored.
 */
import type { SecretRef } from './secret-vault';

export const DEFAULT_KEYCHAIN_SERVICE = 'Gatehouse';

/** The keychain service the vault uses: GATEHOUSE_KEYCHAIN_SERVICE when it names one, else "Gatehouse". */
export function keychainService(env: NodeJS.ProcessEnv = process.env): string {
  return env.GATEHOUSE_KEYCHAIN_SERVICE?.trim() || DEFAULT_KEYCHAIN_SERVICE;
}

const NO_NAMESPACE = '_';

export function secretAccountPrefix(ref: SecretRef): string {
  return `secret/${ref.namespace ?? NO_NAMESPACE}/${ref.name}/`;
}

export function secretAccount(ref: SecretRef, key: string): string {
  return `${secretAccountPrefix(ref)}${key}`;
}

export interface ParsedAccount {
  ref: SecretRef;
  key: string;
}

export function parseSecretAccount(account: string): ParsedAccount | undefined {
  const parts = account.split('/');
  if (parts.length !== 4 || parts[0] !== 'secret') return undefined;
  const [, namespace, name, key] = parts as [string, string, string, string];
  if (!namespace || !name || !key) return undefined;
  return { ref: namespace === NO_NAMESPACE ? { name } : { name, namespace }, key };
}

export function probeAccount(nonce: string): string {
  return `probe/${nonce}`;
}
