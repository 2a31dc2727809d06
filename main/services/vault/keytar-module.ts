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
 * keytar is a native module and an optional dependency: it may be absent (npm could not build it), unbuilt,
 * or missing a shared library. So it is required lazily, and a failure becomes a typed VaultUnavailableError
 * saying what is missing instead of crashing main at import time. `require` decides where keytar is looked
 * up (tests point it at a folder without keytar).
 */
export function keytarLoaderFor(require: NodeJS.Require): KeytarLoader {
  return async () => {
    try {
      const required: unknown = require('keytar');
      const mod = (required as { default?: unknown }).default ?? required;
      if (typeof (mod as Partial<KeytarModule>).findCredentials !== 'function') throw new Error('keytar does not export findCredentials');
      return mod as KeytarModule;
    } catch (error) {
      throw new VaultUnavailableError(keytarLoadProblem(error));
    }
  };
}

/** keytar from this installation's node_modules (one Node-API build serves Node and Electron alike). */
export const loadKeytar: KeytarLoader = keytarLoaderFor(createRequire(import.meta.url));
