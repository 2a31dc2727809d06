// The one vault contract the app talks to; the OS keychain (keytar) and the session-only memory
// vault implement it, and another backend (Electron safeStorage) can be added behind it later.
import type { SecretData } from '../../../gateway/secrets/secret-source';
import type { SecretRef } from '../../../gateway/config/secret-names';

export type { SecretData, SecretRef };

/** A named secret with string keys, shaped like a Kubernetes Secret's decoded data. */
export interface StoredSecret {
  name: string;
  namespace?: string;
  data: SecretData;
}

/** What `list()` returns: names and key names, never values (the renderer sees them as the contract's SecretSummary). */
export interface StoredSecretKeys {
  name: string;
  namespace?: string;
  keys: string[];
}

export type VaultMode = 'keychain' | 'session-only';

export type VaultUnavailableCode =
  | 'GATEHOUSE_VAULT_MODULE_MISSING'
  | 'GATEHOUSE_VAULT_MODULE_NOT_BUILT'
  | 'GATEHOUSE_VAULT_LIBSECRET_MISSING'
  | 'GATEHOUSE_VAULT_NO_SESSION_BUS'
  | 'GATEHOUSE_VAULT_NO_SECRET_SERVICE'
  | 'GATEHOUSE_VAULT_NO_KEYRING'
  | 'GATEHOUSE_VAULT_LOCKED'
  | 'GATEHOUSE_VAULT_ACCESS_DENIED'
  | 'GATEHOUSE_VAULT_FAILED';

/** Why the keychain cannot be used: what is missing, and what the user can do about it. */
export interface VaultProblem {
  code: VaultUnavailableCode;
  /** What is wrong, e.g. "no Secret Service provider is running". */
  problem: string;
  /** How to fix it, e.g. "install and unlock gnome-keyring". */
  hint: string;
  /** The backend's own message, first line only, with any secret value redacted. */
  detail?: string;
}

/** What `probe()` found; the app shows it as the contract's VaultStatus. */
export type VaultHealth =
  | { mode: 'keychain'; backend: 'keytar'; service: string }
  /** Secrets live in this process only and are forgotten on exit; `reason` says why the keychain is not used. */
  | { mode: 'session-only'; reason?: VaultProblem }
  | { mode: 'unavailable'; reason: VaultProblem };

export interface SecretVault {
  readonly mode: VaultMode;
  /** Replaces the whole secret: keys absent from `secret.data` are removed. */
  set(secret: StoredSecret): Promise<void>;
  get(ref: SecretRef): Promise<StoredSecret | undefined>;
  /** Resolves to false when there was no such secret. */
  delete(ref: SecretRef): Promise<boolean>;
  list(): Promise<StoredSecretKeys[]>;
  /** Checks that the backend works right now (the keychain does a write/read/delete round trip). */
  probe(): Promise<VaultHealth>;
}
