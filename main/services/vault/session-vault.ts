// Secrets in this process's memory only, for when the OS keychain is unavailable and the user
// chooses to go on anyway. Deliberately never written anywhere: there is no plaintext fallback.
import { checkSecret, checkSecretRef, copySecret } from './secret-names';
import { secretId } from '../../../gateway/config/secret-names';
import type { SecretRef, StoredSecretKeys, SecretVault, StoredSecret, VaultProblem, VaultHealth } from './secret-vault';

export class SessionVault implements SecretVault {
  readonly mode = 'session-only' as const;
  readonly #secrets = new Map<string, StoredSecret>();

  /** `reason`: why the keychain is not used, reported by probe() so the UI can say so. */
  constructor(readonly reason?: VaultProblem) {}

  async set(secret: StoredSecret): Promise<void> {
    checkSecret(secret);
    this.#secrets.set(secretId(secret), copySecret(secret));
  }

  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    checkSecretRef(ref);
    const secret = this.#secrets.get(secretId(ref));
    return secret && copySecret(secret);
  }

  async delete(ref: SecretRef): Promise<boolean> {
    checkSecretRef(ref);
    return this.#secrets.delete(secretId(ref));
  }

  async list(): Promise<StoredSecretKeys[]> {
    return [...this.#secrets.values()]
      .map((s) => {
        const summary: StoredSecretKeys = { name: s.name, keys: Object.keys(s.data).sort() };
        if (s.namespace !== undefined) summary.namespace = s.namespace;
        return summary;
      })
      .sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  }

  async probe(): Promise<VaultHealth> {
    return this.reason ? { mode: 'session-only', reason: this.reason } : { mode: 'session-only' };
  }

  /** Forgets every secret, e.g. when the user locks the app. */
  clear(): void {
    this.#secrets.clear();
  }
}
