// The real keytar in a child process whose D-Bus session bus points nowhere: what a Linux user
// without a desktop session gets. Linux only (elsewhere keytar does not use D-Bus).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const vaultDir = join(repo, 'main/services/vault');

const CHILD = `
import { KeytarVault } from ${JSON.stringify(pathToFileURL(join(vaultDir, 'keytar-vault.ts')).href)};
import { openVault } from ${JSON.stringify(pathToFileURL(join(vaultDir, 'open-vault.ts')).href)};
const vault = new KeytarVault();
const status = await vault.probe();
let setError;
try { await vault.set({ name: 'unavailable-test', data: { password: 'child-secret-value' } }); } catch (e) { setError = { name: e.name, code: e.code, message: e.message }; }
const opened = await openVault({ whenUnavailable: 'session-only' });
await opened.vault.set({ name: 'session', data: { k: 'v' } });
console.log(JSON.stringify({ status, setError, openedStatus: opened.status, sessionRead: (await opened.vault.get({ name: 'session' }))?.data }));
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-vault-'));
  await writeFile(join(dir, 'child.mts'), CHILD);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runChild(env: NodeJS.ProcessEnv): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(dir, 'child.mts')], { cwd: repo, env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`child failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    });
  });
}

describe.skipIf(process.platform !== 'linux')('OS keychain unreachable (real keytar, no session bus)', () => {
  it.each([
    ['a bus address that points nowhere', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/gatehouse-test-bus' }],
    ['no bus address and no display', { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined }],
  ])('with %s: probe says why, writes fail with a typed error, the session-only vault works', async (_label, overrides) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete env[k];
    const out = await runChild(env);
    expect(out.status).toMatchObject({ mode: 'unavailable', reason: { code: 'GATEHOUSE_VAULT_NO_SESSION_BUS' } });
    expect(out.status.reason.hint).toMatch(/dbus-run-session/);
    expect(out.setError).toMatchObject({ name: 'VaultUnavailableError', code: 'GATEHOUSE_VAULT_NO_SESSION_BUS' });
    expect(out.setError.message).toMatch(/^OS keychain unavailable: there is no D-Bus session bus/);
    expect(out.setError.message).not.toContain('child-secret-value');
    expect(out.openedStatus).toMatchObject({ mode: 'session-only', reason: { code: 'GATEHOUSE_VAULT_NO_SESSION_BUS' } });
    expect(out.sessionRead).toEqual({ k: 'v' });
  });
});
