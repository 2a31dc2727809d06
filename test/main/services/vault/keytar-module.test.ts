// keytar is an optional dependency: where npm cannot build it (no libsecret headers, no compiler) it leaves the
// package out, or a package whose install script never ran has no binary. The real loader runs here against
// folders laid out exactly like those installs, so Node's own require fails the way it does there; the vault
// must name what is missing and the command that gets it, and the app must run on the session-only vault.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { keytarLoaderFor } from '../../../../main/services/vault/keytar-module';
import { openVault } from '../../../../main/services/vault/open-vault';
import { SessionVault } from '../../../../main/services/vault/session-vault';
import { VaultUnavailableError } from '../../../../main/services/vault/vault-errors';
import { createAppServices } from '../../../../main/app/app-services';
import type { IpcEnvelope } from '../../../../main/ipc/contract';

const repoRequire = createRequire(import.meta.url);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project folder whose node_modules holds `keytarFiles` of the real keytar package, or no keytar at all. */
function installLike(keytarFiles: string[] | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keytar-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules'));
  if (keytarFiles) {
    const real = join(repoRequire.resolve('keytar/package.json'), '..');
    for (const file of keytarFiles) cpSync(join(real, file), join(dir, 'node_modules/keytar', file), { recursive: true });
  }
  return keytarLoaderFor(createRequire(join(dir, 'index.js')));
}

// What npm leaves when keytar fails to build: nothing. And when its install script did not run: no binary.
const notInstalled = () => installLike(undefined);
const notBuilt = () => installLike(['package.json', 'lib']);

describe.skipIf(process.platform !== 'linux')('keytar missing (Linux hints)', () => {
  it('not installed: says npm left it out, what to install, and to run npm install again', async () => {
    const error = await notInstalled()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    const problem = (error as VaultUnavailableError).toProblem();
    expect(problem).toMatchObject({ code: 'GATEHOUSE_VAULT_MODULE_MISSING', detail: expect.stringContaining("Cannot find module 'keytar'") });
    expect(problem.problem).toBe('the keychain module keytar is not installed: npm install skips it when it cannot be built here');
    expect(problem.hint).toContain('sudo apt-get install libsecret-1-dev g++ make');
    expect(problem.hint).toContain('then run npm install again');
    expect(problem.hint).toContain('session-only vault');
  });

  it('installed but never built: says so and to run npm rebuild keytar', async () => {
    const error = await notBuilt()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    const problem = (error as VaultUnavailableError).toProblem();
    expect(problem).toMatchObject({ code: 'GATEHOUSE_VAULT_MODULE_NOT_BUILT', detail: expect.stringContaining('keytar.node') });
    expect(problem.hint).toContain('sudo apt-get install libsecret-1-dev g++ make');
    expect(problem.hint).toContain('then run npm rebuild keytar');
  });
});

describe('keytar missing', () => {
  it('the same loader loads the installed keytar when there is one', async () => {
    let installed = true;
    try {
      repoRequire('keytar');
    } catch {
      installed = false;
    }
    const loaded = keytarLoaderFor(repoRequire)();
    if (installed) expect(typeof (await loaded).findCredentials).toBe('function');
    else await expect(loaded).rejects.toBeInstanceOf(VaultUnavailableError);
  });

  it('openVault falls back to a working session-only vault that carries the reason', async () => {
    const opened = await openVault({ whenUnavailable: 'session-only', loadKeytar: notInstalled() });
    expect(opened.vault).toBeInstanceOf(SessionVault);
    expect(opened.status).toMatchObject({ mode: 'session-only', reason: { code: 'GATEHOUSE_VAULT_MODULE_MISSING' } });
    await opened.vault.set({ name: 'works', data: { k: 'v' } });
    expect((await opened.vault.get({ name: 'works' }))?.data).toEqual({ k: 'v' });
  });

  it('the app runs on the session-only vault and tells the renderer why, with the fix', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-app-'));
    dirs.push(dataDir);
    // The gateway is never started here: only the vault is under test.
    const app = await createAppServices({
      dataDir,
      spawnGateway: () => {
        throw new Error('not started in this test');
      },
      keychainService: `Gatehouse-test-${randomUUID()}`,
      loadKeytar: notInstalled(),
    });
    try {
      const status = (await app.dispatch('vault:status', undefined)) as IpcEnvelope<{ mode: string; reason?: string }>;
      expect(status.ok).toBe(true);
      if (!status.ok) return;
      expect(status.value.mode).toBe('session-only');
      expect(status.value.reason).toContain('keytar is not installed');
      expect(status.value.reason).toContain('npm install');
      const saved = (await app.dispatch('secrets:set', { name: 'session-secret', data: { token: 't' } })) as IpcEnvelope<unknown>;
      expect(saved.ok).toBe(true);
      const listed = (await app.dispatch('secrets:list', undefined)) as IpcEnvelope<Array<{ name: string }>>;
      expect(listed.ok && listed.value.map((s) => s.name)).toContain('session-secret');
    } finally {
      await app.shutdown();
    }
  });
});
