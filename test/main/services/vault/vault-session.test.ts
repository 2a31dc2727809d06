import { describe, expect, it } from 'vitest';
import { KeytarVault } from '../../../../main/services/vault/keytar-vault';
import { keychainService } from '../../../../main/services/vault/keychain-accounts';
import type { KeytarModule } from '../../../../main/services/vault/keytar-module';
import { openVault } from '../../../../main/services/vault/open-vault';
import { SessionVault } from '../../../../main/services/vault/session-vault';
import { VaultSecretSource } from '../../../../main/services/vault/vault-secret-source';
import { InvalidSecretError, VaultUnavailableError, keychainFailureProblem, keytarLoadProblem } from '../../../../main/services/vault/vault-errors';

/** keytar's behaviour in memory, to test the vault's own logic apart from the OS. */
class FakeKeytar implements KeytarModule {
  readonly entries = new Map<string, string>();
  calls = 0;
  async getPassword(service: string, account: string) {
    this.calls++;
    return this.entries.get(`${service}\0${account}`) ?? null;
  }
  async setPassword(service: string, account: string, password: string) {
    this.calls++;
    this.entries.set(`${service}\0${account}`, password);
  }
  async deletePassword(service: string, account: string) {
    this.calls++;
    return this.entries.delete(`${service}\0${account}`);
  }
  async findCredentials(service: string) {
    this.calls++;
    return [...this.entries].filter(([k]) => k.startsWith(`${service}\0`)).map(([k, password]) => ({ account: k.slice(service.length + 1), password }));
  }
}

function failingKeytar(message: (password?: string) => string): KeytarModule {
  const fail = async (_s: string, _a?: string, password?: string): Promise<never> => {
    throw new Error(message(password));
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
}

describe('SessionVault', () => {
  it('keeps secrets in memory and reports mode session-only', async () => {
    const vault = new SessionVault();
    expect(vault.mode).toBe('session-only');
    expect(await vault.probe()).toEqual({ mode: 'session-only' });
    await vault.set({ name: 'db', namespace: 'prod', data: { password: 'one' } });
    await vault.set({ name: 'db', data: { password: 'two' } });
    expect(await vault.get({ name: 'db', namespace: 'prod' })).toEqual({ name: 'db', namespace: 'prod', data: { password: 'one' } });
    expect(await vault.list()).toEqual([
      { name: 'db', keys: ['password'] },
      { name: 'db', namespace: 'prod', keys: ['password'] },
    ]);
    expect(await vault.delete({ name: 'db' })).toBe(true);
    expect(await vault.delete({ name: 'db' })).toBe(false);
    vault.clear();
    expect(await vault.list()).toEqual([]);
  });

  it('hands out copies, so callers cannot change stored values', async () => {
    const vault = new SessionVault();
    const data = { password: 'original' };
    await vault.set({ name: 'x', data });
    data.password = 'changed';
    const read = await vault.get({ name: 'x' });
    expect(read?.data.password).toBe('original');
    expect(() => ((read!.data as Record<string, string>).password = 'mutated')).toThrow();
  });

  it('validates like the keychain vault', async () => {
    const vault = new SessionVault();
    await expect(vault.set({ name: '-bad', data: { k: 'v' } })).rejects.toBeInstanceOf(InvalidSecretError);
    await expect(vault.set({ name: 'ok', data: { k: 42 as unknown as string } })).rejects.toThrow('the value of key "k" must be a string');
  });

  it('is a SecretSource for the gateway', async () => {
    const vault = new SessionVault();
    await vault.set({ name: 'backend', data: { username: 'u', password: 'p' } });
    const source = new VaultSecretSource(vault);
    expect(source.label).toBe('session-only vault');
    expect(await source.read({ name: 'backend' })).toEqual({ username: 'u', password: 'p' });
  });
});

describe('KeytarVault logic over an in-memory keytar', () => {
  it('writes one entry per key and lists names and keys only', async () => {
    const keytar = new FakeKeytar();
    const vault = new KeytarVault({ service: 'Gatehouse', loadKeytar: async () => keytar });
    await vault.set({ name: 'orders', namespace: 'shop', data: { username: 'u', password: 'p' } });
    expect([...keytar.entries.keys()].sort()).toEqual(['Gatehouse\0secret/shop/orders/password', 'Gatehouse\0secret/shop/orders/username']);
    // Foreign or malformed accounts under the service are ignored.
    await keytar.setPassword('Gatehouse', 'something-else', 'x');
    await keytar.setPassword('Gatehouse', 'secret/too/many/parts/here', 'x');
    expect(await vault.list()).toEqual([{ name: 'orders', namespace: 'shop', keys: ['password', 'username'] }]);
    expect(await vault.get({ name: 'orders' })).toBeUndefined();
  });

  it('uses service Gatehouse unless GATEHOUSE_KEYCHAIN_SERVICE names another', () => {
    expect(keychainService({})).toBe('Gatehouse');
    expect(keychainService({ GATEHOUSE_KEYCHAIN_SERVICE: '  ' })).toBe('Gatehouse');
    expect(keychainService({ GATEHOUSE_KEYCHAIN_SERVICE: 'Gatehouse-staging' })).toBe('Gatehouse-staging');
  });

  it('probe leaves no entry behind', async () => {
    const keytar = new FakeKeytar();
    expect(await new KeytarVault({ loadKeytar: async () => keytar }).probe()).toEqual({ mode: 'keychain', backend: 'keytar', service: keychainService() });
    expect(keytar.entries.size).toBe(0);
  });

  it('does not cache: every read goes to the keychain', async () => {
    const keytar = new FakeKeytar();
    const vault = new KeytarVault({ loadKeytar: async () => keytar });
    await vault.set({ name: 'a', data: { k: 'v1' } });
    keytar.entries.set(`${keychainService()}\0secret/_/a/k`, 'changed-outside');
    expect((await vault.get({ name: 'a' }))?.data).toEqual({ k: 'changed-outside' });
  });

  it('probe reports a keychain that does not return what was written', async () => {
    const keytar = new FakeKeytar();
    keytar.getPassword = async () => null;
    const status = await new KeytarVault({ loadKeytar: async () => keytar }).probe();
    expect(status).toMatchObject({ mode: 'unavailable', reason: { code: 'GATEHOUSE_VAULT_FAILED' } });
  });
});

describe('keychain unavailable', () => {
  it('turns a keytar load failure into a typed error, and openVault can fall back to session-only', async () => {
    const loadKeytar = async () => {
      throw new Error("Cannot find module 'keytar'");
    };
    const vault = new KeytarVault({ loadKeytar });
    const error = await vault.get({ name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect(error).toMatchObject({ code: 'GATEHOUSE_VAULT_MODULE_MISSING' });
    expect((error as Error).message).toMatch(/keytar.*could not be loaded.*npm rebuild keytar/);

    await expect(openVault({ loadKeytar, whenUnavailable: 'throw' })).rejects.toMatchObject({ name: 'VaultUnavailableError', code: 'GATEHOUSE_VAULT_MODULE_MISSING' });
    const opened = await openVault({ loadKeytar, whenUnavailable: 'session-only' });
    expect(opened.vault).toBeInstanceOf(SessionVault);
    expect(opened.status).toMatchObject({ mode: 'session-only', reason: { code: 'GATEHOUSE_VAULT_MODULE_MISSING' } });
    await opened.vault.set({ name: 'works', data: { k: 'v' } });
    expect((await opened.vault.get({ name: 'works' }))?.data).toEqual({ k: 'v' });
  });

  it('says libsecret is missing when the native module cannot find it', () => {
    const problem = keytarLoadProblem(new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'), 'linux');
    expect(problem.code).toBe('GATEHOUSE_VAULT_LIBSECRET_MISSING');
    expect(problem.hint).toMatch(/apt install libsecret-1-0/);
  });

  it('retries loading keytar after a failure', async () => {
    let attempts = 0;
    const keytar = new FakeKeytar();
    const vault = new KeytarVault({
      loadKeytar: async () => {
        if (++attempts === 1) throw new Error('not yet');
        return keytar;
      },
    });
    expect((await vault.probe()).mode).toBe('unavailable');
    expect((await vault.probe()).mode).toBe('keychain');
  });

  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'GATEHOUSE_VAULT_NO_SESSION_BUS'],
    ['Could not connect: No such file or directory', 'GATEHOUSE_VAULT_NO_SESSION_BUS'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'GATEHOUSE_VAULT_NO_SECRET_SERVICE'],
    ['Error calling StartServiceByName for org.freedesktop.secrets: Timeout was reached', 'GATEHOUSE_VAULT_NO_SECRET_SERVICE'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'GATEHOUSE_VAULT_NO_KEYRING'],
    ['Cannot create an item in a locked collection', 'GATEHOUSE_VAULT_LOCKED'],
    ['User interaction is not allowed.', 'GATEHOUSE_VAULT_LOCKED'],
    ['User canceled the operation.', 'GATEHOUSE_VAULT_ACCESS_DENIED'],
    ['Something else entirely', 'GATEHOUSE_VAULT_FAILED'],
  ])('classifies %j as %s', (message, code) => {
    expect(keychainFailureProblem(new Error(message), 'linux').code).toBe(code);
  });

  it('tells a locked keyring apart and how to unlock it, without the value being written', async () => {
    const vault = new KeytarVault({ loadKeytar: async () => failingKeytar(() => 'Cannot create an item in a locked collection') });
    const error = (await vault.set({ name: 'x', data: { password: 'hunter2-secret' } }).catch((e: unknown) => e)) as VaultUnavailableError;
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect(error.code).toBe('GATEHOUSE_VAULT_LOCKED');
    expect(error.message).toMatch(/locked.*gnome-keyring-daemon --unlock/);
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('redacts secret values even when a backend puts them in its error message', async () => {
    const keytar = new FakeKeytar();
    keytar.setPassword = async (_s, _a, pw) => {
      throw new Error(`refused to store "${pw}"\nsecond line ${pw}`);
    };
    const vault = new KeytarVault({ loadKeytar: async () => keytar });
    const error = (await vault.set({ name: 'x', data: { password: 'leaky-value-123' } }).catch((e: unknown) => e)) as VaultUnavailableError;
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('leaky-value-123');
    expect(JSON.stringify(error.toProblem())).not.toContain('leaky-value-123');
    const status = await vault.probe();
    expect(status.mode).toBe('unavailable');
    expect(JSON.stringify(status)).toMatch(/\[redacted\]/);
  });
});
