import { KeytarVault, type KeytarVaultOptions } from './keytar-vault';
import { SessionVault } from './session-vault';
import type { SecretVault, VaultHealth } from './secret-vault';
import { VaultUnavailableError } from './vault-errors';

export interface OpenVaultOptions extends KeytarVaultOptions {
  /**
   * What to do when the keychain does not work: `throw` a VaultUnavailableError (the app asks the
   * user first), or hand back a SessionVault that reports the reason. Never a plaintext file.
   */
  whenUnavailable: 'throw' | 'session-only';
}

export interface OpenedVault {
  vault: SecretVault;
  status: VaultHealth;
}

/** Probes the OS keychain and returns a vault to use with its status. */
export async function openVault(options: OpenVaultOptions): Promise<OpenedVault> {
  const keychain = new KeytarVault(options);
  const status = await keychain.probe();
  if (status.mode !== 'unavailable') return { vault: keychain, status };
  if (options.whenUnavailable === 'throw') throw new VaultUnavailableError(status.reason);
  const session = new SessionVault(status.reason);
  return { vault: session, status: await session.probe() };
}
