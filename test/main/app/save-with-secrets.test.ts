// A workspace save that carries a form's typed-in secrets, with the real store on a real folder and a session vault:
// the secrets are written only for a save main takes, and put back as they were when the save is refused after they
// were written (another program wrote the file just then), so "nothing was written" is true of the vault too, and
// the gateway (a supervisor that notes what the vault held at each reload) never reads the values of a refused save.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveWorkspace, type AppContext } from '../../../main/app/app-context';
import { saveImport } from '../../../main/app/save-import';
import type { SecretUpdateRequest } from '../../../main/ipc/contract';
import { SessionVault, type StoredSecret } from '../../../main/services/vault';
import { WorkspaceStore } from '../../../main/services/workspace-store';

let dir: string;
let vault: SessionVault;
let ctx: AppContext;
/** What erp-creds held each time the gateway read the vault for a reload. */
let gatewayRead: (Record<string, string> | undefined)[];
/** Runs inside the vault's n-th write (from 1): what happens while main writes a secret. */
let duringWrite: ((n: number) => Promise<void>) | undefined;
/** Which writes the vault refuses. */
let refuses: ((secret: StoredSecret, n: number) => boolean) | undefined;

const erp = (pathPrefix: string) => ({ services: [{ name: 'erp', pathPrefix, upstream: { url: 'http://127.0.0.1:9' }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } }] });
const file = () => join(dir, 'workspace.json');
const stored = async (name: string) => (await vault.get({ name }))?.data;
const newPassword: SecretUpdateRequest = { name: 'erp-creds', set: { password: 'NEW-pass' } };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-save-secrets-'));
  gatewayRead = [];
  duringWrite = undefined;
  refuses = undefined;
  vault = new SessionVault();
  await vault.set({ name: 'erp-creds', data: { username: 'admin', password: 'admin-pass' } });
  const set = vault.set.bind(vault);
  let writes = 0;
  vault.set = async (secret: StoredSecret) => {
    writes += 1;
    await duringWrite?.(writes);
    if (refuses?.(secret, writes)) throw new Error('the keychain is locked');
    return set(secret);
  };
  const store = new WorkspaceStore(dir);
  const saved = await store.save(erp('/erp'));
  ctx = {
    store,
    supervisor: { reload: async () => void gatewayRead.push(await stored('erp-creds')), status: { state: 'running' } },
    cluster: {},
    workspace: saved.workspace,
    revision: saved.revision,
    fileProblem: undefined,
    vault,
    vaultStatus: { mode: 'session-only' },
    workspaceSaved: () => undefined,
    workspaceFileChanged: () => undefined,
  } as unknown as AppContext;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** As an editor writes it: a whole new file renamed over the old one. */
async function writeAsAnotherProgram(pathPrefix: string): Promise<void> {
  await writeFile(`${file()}.tmp`, JSON.stringify(erp(pathPrefix)));
  await rename(`${file()}.tmp`, file());
}

describe('a save with secrets', () => {
  it('taken: the secrets are written with the workspace, and the gateway reads both at once', async () => {
    const result = await saveWorkspace(ctx, erp('/erp-v2'), ctx.revision, [newPassword, { name: 'erp-params', set: { headers: '{"x-tenant":["acme"]}' } }]);
    expect(result).toMatchObject({ ok: true });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'NEW-pass' });
    expect(await stored('erp-params')).toEqual({ headers: '{"x-tenant":["acme"]}' });
    expect(gatewayRead).toEqual([{ username: 'admin', password: 'NEW-pass' }]);
  });

  it('made on a version another program replaced: refused before any secret is written', async () => {
    const basedOn = ctx.revision;
    await writeAsAnotherProgram('/theirs');
    await expect(saveWorkspace(ctx, erp('/erp-v2'), basedOn, [newPassword])).rejects.toMatchObject({ code: 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE', message: expect.stringContaining('nothing was written') });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'admin-pass' });
    // Their version is taken up and served, with the stored credentials.
    expect(ctx.workspace.services[0]!.pathPrefix).toBe('/theirs');
    expect(gatewayRead).toEqual([{ username: 'admin', password: 'admin-pass' }]);
  });

  it('refused after its secrets were written (the file changed just then): every secret is put back, a new one removed, before the gateway reads the vault', async () => {
    duringWrite = async (n) => (n === 1 ? writeAsAnotherProgram('/theirs') : undefined);
    await expect(saveWorkspace(ctx, erp('/erp-v2'), ctx.revision, [newPassword, { name: 'erp-params', set: { headers: '{}' } }])).rejects.toMatchObject({ code: 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE', message: expect.stringContaining('nothing was written') });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'admin-pass' });
    expect(await stored('erp-params')).toBeUndefined();
    expect(ctx.workspace.services[0]!.pathPrefix).toBe('/theirs');
    expect(gatewayRead).toEqual([{ username: 'admin', password: 'admin-pass' }]);
  });

  it('a write the vault refuses: the ones before it are put back, and the refusal names that secret as secrets[i]', async () => {
    refuses = (secret) => secret.name === 'erp-params';
    await expect(saveWorkspace(ctx, erp('/erp-v2'), ctx.revision, [newPassword, { name: 'erp-params', set: { headers: '{}' } }])).rejects.toMatchObject({
      message: 'secret "erp-params" could not be written to the vault: the keychain is locked',
      errors: [{ path: 'secrets[1]', message: 'the keychain is locked' }],
    });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'admin-pass' });
    expect(ctx.workspace.services[0]!.pathPrefix).toBe('/erp');
    expect(gatewayRead).toEqual([]);
  });

  it('refused, and a secret cannot be put back: the refusal says which one holds the typed values', async () => {
    duringWrite = async (n) => (n === 1 ? writeAsAnotherProgram('/theirs') : undefined);
    // The write goes through; putting it back does not.
    refuses = (_secret, n) => n > 1;
    await expect(saveWorkspace(ctx, erp('/erp-v2'), ctx.revision, [newPassword])).rejects.toMatchObject({
      code: 'GATEHOUSE_SECRETS_NOT_RESTORED',
      message: expect.stringMatching(/was changed by another program since Gatehouse read it; nothing was written, so that change is kept; but the vault could not put back secret "erp-creds" as it was \(the keychain is locked\): it holds the values typed in the form$/),
    });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'NEW-pass' });
    // Their version is still taken up.
    expect(ctx.workspace.services[0]!.pathPrefix).toBe('/theirs');
  });

  it('an invalid workspace writes no secret', async () => {
    expect(await saveWorkspace(ctx, { services: [{ name: 'erp' }] }, ctx.revision, [newPassword])).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^services\[0\]/) })]) });
    expect(await stored('erp-creds')).toEqual({ username: 'admin', password: 'admin-pass' });
  });
});

describe('an import with secrets (saveImport)', () => {
  it('refused, and a secret cannot be put back: the refusal says it holds the imported values, and which others were not stored', async () => {
    duringWrite = async (n) => (n === 1 ? writeAsAnotherProgram('/theirs') : undefined);
    // The two writes go through; putting erp-creds back does not (erp-params, new, is deleted, not written).
    refuses = (secret, n) => n > 2 && secret.name === 'erp-creds';
    const imported: StoredSecret[] = [{ name: 'erp-creds', data: { username: 'imported', password: 'imported-pass' } }, { name: 'erp-params', data: { headers: '{}' } }];
    await expect(saveImport(ctx, erp('/erp-v2'), ctx.revision, imported)).rejects.toMatchObject({
      code: 'GATEHOUSE_SECRETS_NOT_RESTORED',
      message: expect.stringMatching(/; but the vault could not put back secret "erp-creds" as it was \(the keychain is locked\): it holds the imported values; secret erp-params was not stored$/),
    });
    expect(await stored('erp-creds')).toEqual({ username: 'imported', password: 'imported-pass' });
    expect(await stored('erp-params')).toBeUndefined();
  });

  it('a whole secret replaces the stored one: keys the import does not have are gone', async () => {
    expect(await saveImport(ctx, erp('/erp-v2'), ctx.revision, [{ name: 'erp-creds', data: { username: 'imported', password: 'imported-pass' } }])).toMatchObject({ ok: true });
    await vault.set({ name: 'erp-creds', data: { username: 'a', password: 'b', extra: 'c' } });
    expect(await saveImport(ctx, erp('/erp-v3'), ctx.revision, [{ name: 'erp-creds', data: { username: 'imported', password: 'imported-pass' } }])).toMatchObject({ ok: true });
    expect(await stored('erp-creds')).toEqual({ username: 'imported', password: 'imported-pass' });
  });
});
