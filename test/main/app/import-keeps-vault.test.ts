// An import's secrets reach the OS keychain only with a workspace save main takes, as a form's typed-in values do
// (main/app/save-import.ts → secret-updates.ts): when the save fails after they were written, each is put back as
// it was (an old value restored, a new secret removed), and the message says which were not stored. Real keychain
// (run with test/with-keyring.sh), real store on a real folder, real gateway process. The failing save is real too:
// workspace.json.bak is a folder, so the store's rename of the old file onto it is refused (EISDIR) — a
// read-only folder would not do, since the tests may run as root, whom permissions do not stop.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { KeytarVault } from '../../../main/services/vault/keytar-vault';
import { WORKSPACE_FILE, exportEncryptedBundle } from '../../../main/services/workspace-store';
import type { IpcEnvelope } from '../../../main/ipc/contract';
import { builtGatewayEntry } from '../../support/built-gateway';
import { keychainGate } from '../../support/keychain';

const gate = await keychainGate('import-keeps-vault');
const PASSPHRASE = 'correct horse battery';
let entry: string;
let app: AppServices;
let dataDir: string;
let keychain: KeytarVault;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

const service = (name: string, secret: string) => ({ name, pathPrefix: `/${name}`, upstream: { url: 'http://127.0.0.1:9' }, endpointSecurity: { type: 'basic', secret } });
const stored = async (name: string) => (await keychain.get({ name }))?.data;
/** The next save of the workspace file fails: the store cannot move the old file to its backup. */
const breakBackup = async () => {
  await rm(join(dataDir, `${WORKSPACE_FILE}.bak`), { recursive: true, force: true });
  await mkdir(join(dataDir, `${WORKSPACE_FILE}.bak`, 'in-the-way'), { recursive: true });
};

describe.skipIf(gate.skip)('an import whose workspace save fails, against the OS keychain', () => {
  beforeAll(async () => {
    if (gate.failure) throw new Error(gate.failure);
    entry = await builtGatewayEntry();
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-import-vault-'));
    const keychainService = `Gatehouse-test-${randomUUID()}`;
    keychain = new KeytarVault({ service: keychainService });
    app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), keychainService, gatewayPort: 0, watchWorkspaceFile: false });
    expect(await call('vault:status')).toMatchObject({ mode: 'keychain' });
    await app.startGateway();
    await call('secrets:set', { name: 'erp-creds', data: { username: 'old-user', password: 'old-pass-123' } });
    await call('workspace:save', { services: [service('erp', 'erp-creds')] });
  });

  afterEach(async () => {
    for (const s of await keychain.list()) await keychain.delete(s);
    await app?.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('workspace:import: the old value is back, the new secret gone, and the message says neither was stored', async () => {
    const bundle = await exportEncryptedBundle(
      { services: [service('erp', 'erp-creds'), service('billing', 'billing-creds')] },
      [{ name: 'erp-creds', data: { username: 'imported-user', password: 'imported-pass-1' } }, { name: 'billing-creds', data: { username: 'bill', password: 'imported-pass-2' } }],
      PASSPHRASE,
    );
    const fileBefore = await readFile(join(dataDir, WORKSPACE_FILE), 'utf8');
    await breakBackup();
    const result = await app.dispatch('workspace:import', { text: bundle, passphrase: PASSPHRASE });
    expect(await stored('erp-creds')).toEqual({ username: 'old-user', password: 'old-pass-123' });
    expect(await stored('billing-creds')).toBeUndefined();
    expect(await readFile(join(dataDir, WORKSPACE_FILE), 'utf8')).toBe(fileBefore);
    expect(result).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_WORKSPACE_FILE_ACCESS' } });
    if (!result.ok) {
      expect(result.error.message).toContain('Nothing was saved');
      expect(result.error.message).toMatch(/none of its secrets erp-creds, billing-creds was stored: the vault holds what it held before$/);
      expect(result.error.message).not.toContain('imported-pass');
    }
  });

  it('import:apply (a pasted endpointConfig with its credentials): the keychain keeps what it held', async () => {
    await call('secrets:set', { name: 'pasted-api-production-credentials', data: { username: 'old-user', password: 'old-pass-456' } });
    const text = `"endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": "http://127.0.0.1:9"},
      "endpoint_security": {"production": {"enabled": true, "type": "Basic", "username": "admin", "password": "imported-pass-3"}}}`;
    await breakBackup();
    const result = await app.dispatch('import:apply', { text, name: 'pasted-api' });
    expect(await stored('pasted-api-production-credentials')).toEqual({ username: 'old-user', password: 'old-pass-456' });
    expect(result).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_WORKSPACE_FILE_ACCESS' } });
    if (!result.ok) expect(result.error.message).toMatch(/its secret pasted-api-production-credentials was not stored: the vault holds what it held before$/);
  });

  it('once the save can be made, the import stores its secrets with it, each replacing the stored one', async () => {
    const bundle = await exportEncryptedBundle({ services: [service('erp', 'erp-creds')] }, [{ name: 'erp-creds', data: { username: 'imported-user', password: 'imported-pass-1' } }], PASSPHRASE);
    await call('secrets:update', { name: 'erp-creds', set: { extra: 'not in the bundle' } });
    expect(await call('workspace:import', { text: bundle, passphrase: PASSPHRASE })).toMatchObject({ ok: true });
    expect(await stored('erp-creds')).toEqual({ username: 'imported-user', password: 'imported-pass-1' });
  });
});
