// Files that may hold secrets, written where the user asked: readable by the user alone, whether the file is new
// or one the user picked that others could read. Real files in a temporary folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, open, readFile, rm, stat, symlink, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PrivateFileError, writePrivateFile } from '../../../../main/services/workspace-store';
import { KeytarVault } from '../../../../main/services/vault/keytar-vault';
import { keychainGate } from '../../../support/keychain';
import { REPO_ROOT } from '../../../support/spawn-cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-private-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('writePrivateFile', () => {
  it('creates a new file readable by its owner alone', async () => {
    const path = join(dir, 'new.har');
    await writePrivateFile(path, 'secret-bearing');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('secret-bearing');
  });

  it('takes group and other access from an existing file before writing, through a symlink too', async () => {
    const path = join(dir, 'shared.yaml');
    await writeFile(path, 'old content, longer than the new one');
    await chmod(path, 0o644);
    await writePrivateFile(path, 'new');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('new');
    const target = join(dir, 'target.yaml');
    await writeFile(target, 'x');
    await chmod(target, 0o664);
    await symlink(target, join(dir, 'link.yaml'));
    await writePrivateFile(join(dir, 'link.yaml'), 'through the link');
    expect(await modeOf(target)).toBe(0o600);
    expect(await readFile(target, 'utf8')).toBe('through the link');
  });

  it('leaves a file it cannot make private as it was, saying so: "nothing was written" is true', async () => {
    // Root's chmod never fails and the tests may run as root: the real handle, with only its chmod refusing as
    // the kernel does for a file another user owns.
    const path = join(dir, 'theirs.yaml');
    await writeFile(path, 'their content');
    await chmod(path, 0o644);
    const refusingChmod = (async (...args: Parameters<typeof open>) => {
      const handle = await open(...args);
      return Object.assign(Object.create(handle) as FileHandle, { chmod: async () => Promise.reject(Object.assign(new Error('EPERM: operation not permitted, fchmod'), { code: 'EPERM' })) });
    }) as typeof open;
    const error = await writePrivateFile(path, 'secret-bearing', refusingChmod).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivateFileError);
    expect((error as Error).message).toBe(`could not make ${path} readable by you alone (EPERM), so nothing was written to it`);
    expect(await readFile(path, 'utf8')).toBe('their content');
    expect(await modeOf(path)).toBe(0o644);
  });

  it('writes to a device without changing it', async () => {
    const before = await modeOf('/dev/null');
    await writePrivateFile('/dev/null', 'discarded');
    expect(await modeOf('/dev/null')).toBe(before);
  });
});

const gate = await keychainGate('export with secret values');

describe.skipIf(gate.skip)('gatehouse export --with-secret-values -o FILE', () => {
  it('leaves an existing 0644 file readable by its owner alone, with the Secret in it', async () => {
    if (gate.failure) throw new Error(gate.failure);
    const vault = new KeytarVault();
    const password = 'S3CR3T-export-private-5d2e';
    await vault.set({ name: 'erp-export', namespace: 'shop', data: { username: 'erp', password } });
    try {
      const workspace = join(dir, 'workspace.json');
      await writeFile(workspace, JSON.stringify({
        applications: [{ name: 'commerce', namespace: 'shop', services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d12', name: 'erp', displayName: 'ERP', description: 'ERP', providerDisplayName: 'ACME', entries: [{ targetUrl: 'http://127.0.0.1:9/erp', credentials: { type: 'Basic', secretName: 'erp-export' } }] }] }],
      }));
      const out = join(dir, 'export.yaml');
      await writeFile(out, 'an earlier export\n');
      await chmod(out, 0o644);
      await promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main/cli/main.ts', 'export', '--workspace', workspace, '--namespace', 'shop', '--with-secret-values', '-o', out], { cwd: REPO_ROOT });
      expect(await modeOf(out)).toBe(0o600);
      expect(await readFile(out, 'utf8')).toContain(Buffer.from(password).toString('base64'));
    } finally {
      await vault.delete({ name: 'erp-export', namespace: 'shop' });
    }
  });
});
