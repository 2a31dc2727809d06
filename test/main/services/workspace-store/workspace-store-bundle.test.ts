import { describe, expect, it } from 'vitest';
import { DocumentSyntaxError } from '../../../../gateway/config/parse-document';
import type { WorkspaceInput } from '../../../../gateway/config/schema';
import { WorkspaceValidationError, validateWorkspace } from '../../../../gateway/config/validate';
import { SessionVault } from '../../../../main/services/vault/session-vault';
import { BundleError, sealWithPassphrase, type ScryptParams } from '../../../../main/services/workspace-store/bundle-crypto';
import { exportEncryptedBundle, exportWorkspace, importWorkspace, readReferencedSecrets } from '../../../../main/services/workspace-store/workspace-bundle';
import { secretReferences } from '../../../../gateway/config/secret-references';

// Import reads the parameters from the file; exports in these tests use the cheapest allowed cost.
const FAST: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';

const input: WorkspaceInput = {
  services: [{ name: 'orders', upstream: { url: 'https://orders.example' }, endpointSecurity: { type: 'basic', secret: 'orders-backend', namespace: 'shop' } }],
  routes: [{ name: 'list', service: 'orders', path: '/orders' }],
  consumers: [
    { username: 'alice', basicAuth: { password: { secret: 'alice-basic', key: 'password' } } },
    { username: 'bob', basicAuth: { password: { secret: 'bob-basic', key: 'password' } } },
    { username: 'carol', basicAuth: { password: { secret: 'alice-basic', key: 'password' } } },
  ],
};
const ws = (() => {
  const r = validateWorkspace(input);
  if (!r.ok) throw new Error('fixture');
  return r.value;
})();

async function vaultWithSecrets() {
  const vault = new SessionVault();
  await vault.set({ name: 'alice-basic', data: { password: 'alice-VALUE-7f3a' } });
  await vault.set({ name: 'orders-backend', namespace: 'shop', data: { username: 'svc', password: 'orders-VALUE-91c2' } });
  await vault.set({ name: 'unrelated', data: { token: 'unrelated-VALUE-0000' } });
  return vault;
}

describe('workspace export and import', () => {
  it('lists every referenced secret once', () => {
    expect(secretReferences(ws)).toEqual([{ name: 'alice-basic' }, { name: 'bob-basic' }, { name: 'orders-backend', namespace: 'shop' }]);
  });

  it('exports without secrets by default: references only, and imports back', async () => {
    const text = exportWorkspace(input);
    expect(text).not.toMatch(/VALUE/);
    expect(JSON.parse(text).consumers[0].basicAuth.password).toEqual({ secret: 'alice-basic', key: 'password' });
    const imported = await importWorkspace(text);
    expect(imported).toMatchObject({ encrypted: false, secrets: [], fromVersion: 1 });
    expect(imported.workspace).toEqual(ws);
  });

  it('round-trips an encrypted bundle with the referenced secret values', async () => {
    const { secrets, missing } = await readReferencedSecrets(ws, await vaultWithSecrets());
    expect(missing).toEqual([{ name: 'bob-basic' }]);
    const bundle = await exportEncryptedBundle(ws, secrets, PASSPHRASE);
    expect(bundle).not.toMatch(/VALUE|alice-basic|orders/);
    const envelope = JSON.parse(bundle);
    expect(envelope).toMatchObject({ format: 'gatehouse-workspace-bundle', formatVersion: 1, kdf: { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 }, cipher: { name: 'aes-256-gcm' } });

    const imported = await importWorkspace(bundle, { passphrase: PASSPHRASE });
    expect(imported.encrypted).toBe(true);
    expect(imported.workspace).toEqual(ws);
    expect(imported.secrets).toEqual([
      { name: 'alice-basic', data: { password: 'alice-VALUE-7f3a' } },
      { name: 'orders-backend', namespace: 'shop', data: { username: 'svc', password: 'orders-VALUE-91c2' } },
    ]);
    // Into a fresh vault, as the app would do after import.
    const target = new SessionVault();
    for (const s of imported.secrets) await target.set(s);
    expect((await target.get({ name: 'orders-backend', namespace: 'shop' }))?.data.password).toBe('orders-VALUE-91c2');
  });

  it('treats the passphrase in Unicode NFC, so NFD input opens the same bundle', async () => {
    const bundle = await exportEncryptedBundle(ws, [], 'pässwörd-lang', FAST);
    await expect(importWorkspace(bundle, { passphrase: 'pässwörd-lang'.normalize('NFD') })).resolves.toMatchObject({ encrypted: true });
  });

  it('says clearly when the passphrase is wrong or missing', async () => {
    const bundle = await exportEncryptedBundle(ws, [{ name: 'alice-basic', data: { password: 'alice-VALUE-7f3a' } }], PASSPHRASE, FAST);
    const wrong = await importWorkspace(bundle, { passphrase: 'not the passphrase' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(BundleError);
    expect(wrong).toMatchObject({ code: 'GATEHOUSE_BUNDLE_WRONG_PASSPHRASE', message: 'wrong passphrase, or the bundle file was modified' });
    await expect(importWorkspace(bundle)).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_PASSPHRASE_REQUIRED' });
  });

  it('refuses a short passphrase on export', async () => {
    await expect(exportEncryptedBundle(ws, [], 'short', FAST)).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_WEAK_PASSPHRASE' });
    await expect(exportEncryptedBundle(ws, [], '', FAST)).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_PASSPHRASE_REQUIRED' });
  });

  it('detects tampering with the ciphertext or the header', async () => {
    const bundle = JSON.parse(await exportEncryptedBundle(ws, [], PASSPHRASE, FAST));
    const flipped = Buffer.from(bundle.ciphertext, 'base64');
    flipped[0]! ^= 1;
    await expect(importWorkspace(JSON.stringify({ ...bundle, ciphertext: flipped.toString('base64') }), { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_WRONG_PASSPHRASE' });
    await expect(importWorkspace(JSON.stringify({ ...bundle, kdf: { ...bundle.kdf, r: 4 } }), { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_WRONG_PASSPHRASE' });
  });

  it('rejects malformed bundles and KDF parameters that would exhaust memory before deriving anything', async () => {
    const bundle = JSON.parse(await exportEncryptedBundle(ws, [], PASSPHRASE, FAST));
    // Refused by the parameter check, naming the field: deriving with N = 2^30 would instead fail with scrypt's own
    // memory error (or exhaust memory and hang until the test's timeout).
    await expect(importWorkspace(JSON.stringify({ ...bundle, kdf: { ...bundle.kdf, N: 2 ** 30 } }), { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_INVALID', message: expect.stringMatching(/kdf\.N/) });
    await expect(importWorkspace(JSON.stringify({ ...bundle, formatVersion: 2 }), { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'GATEHOUSE_BUNDLE_INVALID' });
    await expect(importWorkspace(JSON.stringify({ ...bundle, cipher: { ...bundle.cipher, iv: 'AAAA' } }), { passphrase: PASSPHRASE })).rejects.toThrow(/cipher\.iv/);
  });

  it('validates on import: syntax with line, schema with field path, old versions migrated', async () => {
    const syntax = await importWorkspace('{\n  "routes": [\n    { "name": "a" }\n    { "name": "b" }\n  ]\n}', { source: 'export.json' }).catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(DocumentSyntaxError);
    expect(syntax).toMatchObject({ line: 4, column: 5 });

    const schema = await importWorkspace(JSON.stringify({ ...input, routes: [{ name: 'list', service: 'orders', path: '/x', methods: ['FETCH'] }] })).catch((e: unknown) => e);
    expect(schema).toBeInstanceOf(WorkspaceValidationError);
    expect((schema as WorkspaceValidationError).errors.map((e) => e.path)).toEqual(['routes[0].methods[0]']);

    const v0 = await importWorkspace(JSON.stringify({ services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' } }], routes: [{ name: 'r', service: 's', uri: '/old' }] }));
    expect(v0).toMatchObject({ fromVersion: 0, workspace: { version: 1, routes: [{ path: '/old' }] } });
  });

  it('validates the workspace and secrets inside an encrypted bundle too', async () => {
    const seal = async (payload: unknown) => JSON.stringify(await sealWithPassphrase(Buffer.from(JSON.stringify(payload)), PASSPHRASE, FAST));
    const badWorkspace = await seal({ workspace: { routes: [{ name: 'r', service: 'ghost', path: '/' }] }, secrets: [] });
    const error = await importWorkspace(badWorkspace, { passphrase: PASSPHRASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceValidationError);
    expect((error as WorkspaceValidationError).errors[0]?.path).toBe('routes[0].service');

    const badSecret = await seal({ workspace: {}, secrets: [{ name: 'x', data: { 'bad/key': 'secret-VALUE-in-bad-key' } }] });
    const secretError = (await importWorkspace(badSecret, { passphrase: PASSPHRASE }).catch((e: unknown) => e)) as BundleError;
    expect(secretError.code).toBe('GATEHOUSE_BUNDLE_INVALID');
    expect(secretError.message).toContain('secrets[0].data');
    expect(secretError.message).not.toContain('secret-VALUE-in-bad-key');
  });
});
