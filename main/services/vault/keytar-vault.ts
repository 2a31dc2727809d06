// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, Secret Service on Linux).
// Entry layout: see keychain-accounts.ts. Nothing is cached: every call goes to the keychain and
// values read for other secrets while listing are dropped as soon as the call returns.
import { randomBytes } from 'node:crypto';
import { Mutex } from 'async-mutex';
import { keychainService, parseSecretAccount, probeAccount, secretAccount, secretAccountPrefix } from './keychain-accounts';
import { loadKeytar, type KeytarLoader, type KeytarModule } from './keytar-module';
import { checkSecret, checkSecretRef, copySecret } from './secret-names';
import type { SecretRef, StoredSecretKeys, SecretVault, StoredSecret, VaultHealth } from './secret-vault';
import { VaultUnavailableError, keychainFailureProblem, keytarLoadProblem } from './vault-errors';

/**
 * One keychain call at a time in this process, whichever vault makes it. keytar's findCredentials reads each
 * item its search found afterwards, and an item deleted in between (by a delete running beside it on libuv's
 * thread pool) leaves it a NULL secret that it hands to strdup: the whole process dies of SIGSEGV, the app's
 * main process included (atom/node-keytar#477, never fixed: keytar is archived). A delete made by another
 * process at that moment can still do it; README, "Keychain and keytar".
 */
const keychainCalls = new Mutex();

export interface KeytarVaultOptions {
  /** Keychain service name; default: keychainService() (the environment's, else "Gatehouse"). */
  service?: string;
  /** Where keytar comes from; tests inject fakes or failing loaders. */
  loadKeytar?: KeytarLoader;
  platform?: NodeJS.Platform;
}

export class KeytarVault implements SecretVault {
  readonly mode = 'keychain' as const;
  readonly service: string;
  readonly #load: KeytarLoader;
  readonly #platform: NodeJS.Platform;
  #module: Promise<KeytarModule> | undefined;
  // A set is several keychain calls; running writes one at a time keeps a secret's keys from mixing.
  readonly #writes = new Mutex();

  constructor(options: KeytarVaultOptions = {}) {
    this.service = options.service ?? keychainService();
    this.#load = options.loadKeytar ?? loadKeytar;
    this.#platform = options.platform ?? process.platform;
  }

  async set(secret: StoredSecret): Promise<void> {
    checkSecret(secret);
    const { data } = copySecret(secret);
    const values = Object.values(data);
    await this.#serial(async () => {
      const stale = new Set(await this.#accountsOf(secret));
      for (const [key, value] of Object.entries(data)) {
        const account = secretAccount(secret, key);
        await this.#call((k) => k.setPassword(this.service, account, value), values);
        stale.delete(account);
      }
      for (const account of stale) await this.#call((k) => k.deletePassword(this.service, account));
    });
  }

  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    checkSecretRef(ref);
    const prefix = secretAccountPrefix(ref);
    const credentials = await this.#findCredentials();
    const data: Record<string, string> = {};
    let found = false;
    for (const { account, password } of credentials) {
      if (!account.startsWith(prefix)) continue;
      const parsed = parseSecretAccount(account);
      if (!parsed) continue;
      data[parsed.key] = password;
      found = true;
    }
    return found ? copySecret({ ...refOf(ref), data }) : undefined;
  }

  async delete(ref: SecretRef): Promise<boolean> {
    checkSecretRef(ref);
    return this.#serial(async () => {
      let deleted = false;
      for (const account of await this.#accountsOf(ref)) {
        if (await this.#call((k) => k.deletePassword(this.service, account))) deleted = true;
      }
      return deleted;
    });
  }

  async list(): Promise<StoredSecretKeys[]> {
    const byName = new Map<string, StoredSecretKeys>();
    for (const { account } of await this.#findCredentials()) {
      const parsed = parseSecretAccount(account);
      if (!parsed) continue;
      const id = secretAccountPrefix(parsed.ref);
      let summary = byName.get(id);
      if (!summary) byName.set(id, (summary = { ...refOf(parsed.ref), keys: [] }));
      summary.keys.push(parsed.key);
    }
    const summaries = [...byName.values()];
    for (const s of summaries) s.keys.sort();
    return summaries.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  }

  /**
   * A write/read/delete round trip under a throwaway account: a locked Secret Service answers
   * lookups with "nothing found" rather than an error, so only a write proves the keychain works.
   */
  async probe(): Promise<VaultHealth> {
    const account = probeAccount(randomBytes(8).toString('hex'));
    const value = randomBytes(16).toString('hex');
    try {
      await this.#serial(async () => {
        await this.#call((k) => k.setPassword(this.service, account, value), [value]);
        try {
          const readBack = await this.#call((k) => k.getPassword(this.service, account), [value]);
          if (readBack !== value) throw new Error('the keychain did not return the value just written');
        } finally {
          await this.#call((k) => k.deletePassword(this.service, account)).catch(() => undefined);
        }
      });
      return { mode: 'keychain', backend: 'keytar', service: this.service };
    } catch (error) {
      const problem = error instanceof VaultUnavailableError ? error.toProblem() : keychainFailureProblem(error, this.#platform, [value]);
      return { mode: 'unavailable', reason: problem };
    }
  }

  /** Like probe(), but throws the VaultUnavailableError for callers that want an exception. */
  async assertAvailable(): Promise<void> {
    const status = await this.probe();
    if (status.mode === 'unavailable') throw new VaultUnavailableError(status.reason);
  }

  async #accountsOf(ref: SecretRef): Promise<string[]> {
    const prefix = secretAccountPrefix(ref);
    const credentials = await this.#findCredentials();
    return credentials.map((c) => c.account).filter((a) => a.startsWith(prefix) && parseSecretAccount(a));
  }

  async #keytar(): Promise<KeytarModule> {
    // A failed load is not remembered, so a retry after the user fixes the system can succeed.
    this.#module ??= this.#load().catch((error: unknown) => {
      this.#module = undefined;
      throw error instanceof VaultUnavailableError ? error : new VaultUnavailableError(keytarLoadProblem(error, this.#platform));
    });
    return this.#module;
  }

  /**
   * Every entry of the service. A search walks the collection item by item, so an item another process
   * deletes meanwhile fails it; a search is read-only, so it is simply run again once.
   */
  async #findCredentials(): Promise<{ account: string; password: string }[]> {
    try {
      return await this.#call((k) => k.findCredentials(this.service));
    } catch {
      return this.#call((k) => k.findCredentials(this.service));
    }
  }

  async #call<T>(operation: (keytar: KeytarModule) => Promise<T>, secrets: readonly string[] = []): Promise<T> {
    const keytar = await this.#keytar();
    try {
      return await keychainCalls.runExclusive(() => operation(keytar));
    } catch (error) {
      throw new VaultUnavailableError(keychainFailureProblem(error, this.#platform, secrets));
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    return this.#writes.runExclusive(task);
  }
}

function refOf(ref: SecretRef): SecretRef {
  return ref.namespace !== undefined ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
}
