import { createRequire } from 'node:module';
import { VaultUnavailableError, keytarLoadProblem } from './vault-errors';

/** The part of keytar the vault uses; tests inject fakes or failing modules of this shape. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type KeytarLoader = () => Promise<KeytarModule>;

/**
 * keytar is a native module: loading it can fail (wrong ABI, missing libsecret), so it is required
 * lazily and a failure becomes a typed VaultUnavailableError instead of crashing main at import time.
 */
export const loadKeytar: KeytarLoader = async () => {
  try {
    const required: unknown = createRequire(import.meta.url)('keytar');
    const mod = (required as { default?: unknown }).default ?? required;
    if (typeof (mod as Partial<KeytarModule>).findCredentials !== 'function') throw new Error('keytar does not export findCredentials');
    return mod as KeytarModule;
  } catch (error) {
    throw new VaultUnavailableError(keytarLoadProblem(error));
  }
};
