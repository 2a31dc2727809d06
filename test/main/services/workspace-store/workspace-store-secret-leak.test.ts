// Known secret values go through every path that handles secrets (vault, save, backup, corrupt
// recovery, plain and encrypted export, error messages); afterwards no file in the store directory
// may contain them, in any common encoding.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkspaceInput } from '../../../../gateway/config/schema';
import { SecretResolver } from '../../../../gateway/secrets/secret-source';
import { KeytarVault } from '../../../../main/services/vault/keytar-vault';
import { SessionVault } from '../../../../main/services/vault/session-vault';
import type { SecretVault } from '../../../../main/services/vault/secret-vault';
import { VaultSecretSource } from '../../../../main/services/vault/vault-secret-source';
import { writeFileAtomic } from '../../../../main/services/workspace-store/atomic-write';
import { exportEncryptedBundle, exportWorkspace, importWorkspace, readReferencedSecrets } from '../../../../main/services/workspace-store/workspace-bundle';
import { WorkspaceStore } from '../../../../main/services/workspace-store/workspace-store';
import { deleteSecretsWithPrefix, keychainGate, uniqueSecretPrefix } from '../../../support/keychain';

const gate = await keychainGate('workspace-store-secret-leak (keychain part)');
const prefix = uniqueSecretPrefix();
const canary = (label: string) => `canary-${label}-${randomBytes(12).toString('hex')}`;

let dir: string | undefined;
const vaults: SecretVault[] = [];
afterAll(async () => {
  for (const vault of vaults) await deleteSecretsWithPrefix(vault, prefix);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function encodings(value: string): string[] {
  const utf8 = Buffer.from(value, 'utf8');
  return [value, utf8.toString('base64'), utf8.toString('base64url'), utf8.toString('hex'), Buffer.from(value, 'utf16le').toString('latin1'), JSON.stringify(value).slice(1, -1)];
}

describe('no secret value reaches the store directory', () => {
  it('after vault writes, saves, backups, recovery and exports', async () => {
    if (gate.failure) throw new Error(gate.failure);
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-leak-'));
    const secretNames = { consumer: `${prefix}-alice`, backend: `${prefix}-backend` };
    const values = { consumerPassword: canary('consumer'), backendUser: canary('backend-user'), backendPassword: canary('backend-pw'), inline: canary('inline') };
    const errors: string[] = [];
    const note = (e: unknown) => errors.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));

    vaults.push(new SessionVault());
    if (!gate.skip) vaults.push(new KeytarVault());
    for (const vault of vaults) {
      await vault.set({ name: secretNames.consumer, data: { password: values.consumerPassword } });
      await vault.set({ name: secretNames.backend, namespace: 'shop', data: { username: values.backendUser, password: values.backendPassword } });
      // The gateway reads them through the SecretSource adapter.
      const resolver = new SecretResolver([new VaultSecretSource(vault)]);
      expect(await resolver.readKey({ name: secretNames.backend, namespace: 'shop' }, 'password', 'leak test')).toBe(values.backendPassword);
      await vault.set({ name: 'bad/name', data: { password: values.inline } }).catch(note);
    }

    const workspace = (port: number): WorkspaceInput => ({
      gateway: { port },
      services: [{ name: 'orders', upstream: { url: 'https://orders.example' }, endpointSecurity: { type: 'basic', secret: secretNames.backend, namespace: 'shop' } }],
      routes: [{ name: 'list', service: 'orders', path: '/orders' }],
      consumers: [{ username: 'alice', basicAuth: { password: { secret: secretNames.consumer, key: 'password' } } }],
    });

    const store = new WorkspaceStore(dir);
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    // Someone pastes a password inline: refused, and the error does not repeat it.
    await store.save({ ...workspace(9003), consumers: [{ username: 'alice', basicAuth: { password: values.inline } }] }).catch(note);
    await store.save({ ...workspace(9003), consumers: [{ username: 'alice', password: values.inline }] }).catch(note);
    // A hand-broken file, recovered from backup.
    await writeFile(join(dir, 'workspace.json'), '{ "broken": ');
    await store.load();
    await store.restoreBackup();
    await store.save(workspace(9004));

    // Plain export next to the store, and an encrypted bundle (which must hold ciphertext only).
    const loaded = await store.load();
    if (!loaded.ok) throw loaded.error;
    await writeFileAtomic(join(dir, 'export.json'), exportWorkspace(loaded.workspace));
    const { secrets } = await readReferencedSecrets(loaded.workspace, vaults.at(-1)!);
    expect(secrets).toHaveLength(2);
    const bundle = await exportEncryptedBundle(loaded.workspace, secrets, 'a long enough passphrase', { N: 2 ** 14, r: 8, p: 1 });
    await writeFileAtomic(join(dir, 'bundle.json'), bundle, { mode: 0o600 });
    await importWorkspace(bundle, { passphrase: 'the wrong passphrase' }).catch(note);
    expect((await importWorkspace(bundle, { passphrase: 'a long enough passphrase' })).secrets).toEqual(secrets);

    const files = await filesUnder(dir);
    expect(files.map((f) => f.slice(dir!.length + 1)).sort()).toEqual(
      expect.arrayContaining(['bundle.json', 'export.json', 'workspace.json', 'workspace.json.bak', expect.stringMatching(/^workspace\.json\.corrupt-/)]),
    );
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const value of Object.values(values)) {
      for (const encoded of encodings(value)) {
        for (const file of files) expect((await readFile(file)).toString('latin1').includes(encoded), `${file} contains a secret value`).toBe(false);
        for (const message of errors) expect(message.includes(encoded), `error message contains a secret value: ${message}`).toBe(false);
      }
    }
  });
});
