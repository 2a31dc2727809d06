// Against the real OS keychain. Run with:
//   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; npx vitest run test/main'
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretResolver } from '../../../../gateway/secrets/secret-source';
import { KeytarVault } from '../../../../main/services/vault/keytar-vault';
import { keychainService } from '../../../../main/services/vault/keychain-accounts';
import type { KeytarModule } from '../../../../main/services/vault/keytar-module';
import { openVault } from '../../../../main/services/vault/open-vault';
import { VaultSecretSource } from '../../../../main/services/vault/vault-secret-source';
import { InvalidSecretError } from '../../../../main/services/vault/vault-errors';
import { deleteSecretsWithPrefix, keychainGate, uniqueSecretPrefix } from '../../../support/keychain';
import { REPO_ROOT } from '../../../support/spawn-cli';

const gate = await keychainGate('vault-keytar');
const prefix = uniqueSecretPrefix();
const vault = new KeytarVault();

describe.skipIf(gate.skip)('KeytarVault against the OS keychain', () => {
  beforeAll(() => {
    if (gate.failure) throw new Error(gate.failure);
  });
  afterAll(async () => {
    if (!gate.failure) await deleteSecretsWithPrefix(vault, prefix);
  });

  it('has a working keychain', async () => {
    expect(gate.failure).toBeUndefined();
    expect(await vault.probe()).toEqual({ mode: 'keychain', backend: 'keytar', service: keychainService() });
  });

  it('stores, reads, lists and deletes a secret', async () => {
    const name = `${prefix}-basic`;
    await vault.set({ name, data: { username: 'alice', password: 'p@ss:wörd/with spaces' } });
    expect(await vault.get({ name })).toEqual({ name, data: { username: 'alice', password: 'p@ss:wörd/with spaces' } });
    const listed = (await vault.list()).find((s) => s.name === name);
    expect(listed).toEqual({ name, keys: ['password', 'username'] });
    expect(JSON.stringify(await vault.list())).not.toContain('p@ss');
    expect(await vault.delete({ name })).toBe(true);
    expect(await vault.get({ name })).toBeUndefined();
    expect(await vault.delete({ name })).toBe(false);
  });

  it('keeps one keychain entry per key under its service (this worker\'s, see test/support), account secret/<namespace or _>/<name>/<key>', async () => {
    const keytar = createRequire(import.meta.url)('keytar') as KeytarModule;
    const name = `${prefix}-layout`;
    await vault.set({ name, namespace: 'shop', data: { username: 'u1', password: 'pw1' } });
    await vault.set({ name, data: { token: 't0' } });
    const accounts = (await keytar.findCredentials(keychainService())).filter((c) => c.account.includes(name));
    expect(accounts.map((c) => c.account).sort()).toEqual([`secret/_/${name}/token`, `secret/shop/${name}/password`, `secret/shop/${name}/username`]);
    expect(await keytar.getPassword(keychainService(), `secret/shop/${name}/password`)).toBe('pw1');
  });

  it('keeps namespaced and plain secrets of the same name apart', async () => {
    const name = `${prefix}-ns`;
    await vault.set({ name, namespace: 'team-a', data: { key: 'a' } });
    await vault.set({ name, namespace: 'team-b', data: { key: 'b' } });
    await vault.set({ name, data: { key: 'none' } });
    expect((await vault.get({ name, namespace: 'team-a' }))?.data).toEqual({ key: 'a' });
    expect((await vault.get({ name, namespace: 'team-b' }))?.data).toEqual({ key: 'b' });
    expect((await vault.get({ name }))?.data).toEqual({ key: 'none' });
    expect(await vault.delete({ name, namespace: 'team-a' })).toBe(true);
    expect((await vault.get({ name, namespace: 'team-b' }))?.data).toEqual({ key: 'b' });
  });

  it('replaces the whole secret on set: keys left out are removed', async () => {
    const name = `${prefix}-replace`;
    await vault.set({ name, data: { username: 'old', password: 'old-pw', extra: 'x' } });
    await vault.set({ name, data: { password: 'new-pw' } });
    expect((await vault.get({ name }))?.data).toEqual({ password: 'new-pw' });
  });

  it('runs concurrent sets of one secret one at a time, the last one called wins', async () => {
    const name = `${prefix}-race`;
    await Promise.all(Array.from({ length: 5 }, (_, i) => vault.set({ name, data: { [`k${i}`]: `v${i}`, shared: `s${i}` } })));
    expect((await vault.get({ name }))?.data).toEqual({ k4: 'v4', shared: 's4' });
  });

  it('survives reads and deletes of one service overlapping in one process (keytar crashed on an entry deleted mid-read)', async () => {
    // Without one keychain call at a time, the fixture died of SIGSEGV within 20-40 rounds here (and the app's main
    // process with it, deleting a secret while a reload read the others).
    const service = `Gatehouse-test-overlap-${randomUUID()}`;
    const child = spawn(`${REPO_ROOT}node_modules/.bin/tsx`, ['test/fixtures/keychain-reads-beside-deletes.ts', service, '150'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal, output }).toEqual({ code: 0, signal: null, output: 'survived 150\n' });
  }, 120_000);

  it('serves secrets to the gateway through SecretSource', async () => {
    const name = `${prefix}-source`;
    await vault.set({ name, namespace: 'prod', data: { username: 'svc', password: 'gateway-pw' } });
    const source = new VaultSecretSource(vault);
    expect(source.label).toBe('OS keychain');
    expect(await source.read({ name: `${prefix}-nothing` })).toBeUndefined();
    const resolver = new SecretResolver([source]);
    expect(await resolver.readKey({ name, namespace: 'prod' }, 'password', 'test')).toBe('gateway-pw');
  });

  it('openVault picks the keychain when it works', async () => {
    const opened = await openVault({ whenUnavailable: 'session-only' });
    expect(opened.vault.mode).toBe('keychain');
    expect(opened.status.mode).toBe('keychain');
  });

  it('rejects invalid names and keys without echoing values', async () => {
    await expect(vault.set({ name: 'has/slash', data: { k: 'v' } })).rejects.toBeInstanceOf(InvalidSecretError);
    const error = (await vault.set({ name: `${prefix}-bad`, data: { 'bad/key': 'value-must-not-leak' } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidSecretError);
    expect(error.message).toContain('bad/key');
    expect(error.message).not.toContain('value-must-not-leak');
    await expect(vault.set({ name: `${prefix}-empty`, data: {} })).rejects.toThrow(/at least one key/);
  });
});
