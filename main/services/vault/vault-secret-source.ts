import type { SecretData, SecretSource } from '../../../gateway/secrets/secret-source';
import type { SecretRef } from '../../../gateway/config/secret-names';
import type { SecretVault } from './secret-vault';

/** Lets the gateway's SecretResolver read from a vault. */
export class VaultSecretSource implements SecretSource {
  readonly label: string;

  constructor(
    private readonly vault: SecretVault,
    label?: string,
  ) {
    this.label = label ?? (vault.mode === 'keychain' ? 'OS keychain' : 'session-only vault');
  }

  async read(ref: SecretRef): Promise<SecretData | undefined> {
    return (await this.vault.get(ref))?.data;
  }
}
