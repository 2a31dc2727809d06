import { randomBytes } from 'node:crypto';
import { KeytarVault } from '../../main/services/vault/keytar-vault';
import type { SecretVault } from '../../main/services/vault/secret-vault';

export const KEYCHAIN_TEST_COMMAND = `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; npx vitest run test/main'`;

export interface KeychainGate {
  /** Skip the keychain suite: no keychain here and CI is not set. */
  skip: boolean;
  /** Set when CI requires the keychain and it is missing: the suite must fail with this. */
  failure?: string;
}

/**
 * Keychain tests run against the real OS keychain. Without one they are skipped locally (with a
 * message saying how to run them) but fail under CI, so a broken CI image cannot pass silently.
 */
export async function keychainGate(suite: string, env: NodeJS.ProcessEnv = process.env): Promise<KeychainGate> {
  const status = await new KeytarVault().probe();
  if (status.mode === 'keychain') return { skip: false };
  const reason = status.mode === 'unavailable' ? `${status.reason.code}: ${status.reason.problem}${status.reason.detail ? ` (${status.reason.detail})` : ''}` : status.mode;
  if (env.CI) return { skip: false, failure: `CI is set but the OS keychain is unavailable: ${reason}. Run the tests with: ${KEYCHAIN_TEST_COMMAND}` };
  console.warn(`[${suite}] SKIPPED: the OS keychain is unavailable (${reason}). To run these tests: ${KEYCHAIN_TEST_COMMAND}`);
  return { skip: true };
}

/** A secret-name prefix unique to this test run, so runs never touch each other's or real entries. */
export function uniqueSecretPrefix(): string {
  return `gh-test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every secret whose name starts with `prefix`. */
export async function deleteSecretsWithPrefix(vault: SecretVault, prefix: string): Promise<void> {
  for (const s of await vault.list()) if (s.name.startsWith(prefix)) await vault.delete(s);
}
