import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsFileError, SecretsFileSource, secretSourceFromDocument, secretSourceFromFile } from '../../../gateway/secrets/secrets-file';
import { Workspace } from '../../../gateway/config/schema';

describe('secrets file', () => {
  it('keys secrets by name or namespace/name, with the names a workspace can reference', async () => {
    // The workspace allows upper case and "." / "_" in namespaces: the file must be able to hold those secrets.
    Workspace.parse({ consumers: [{ username: 'a', basicAuth: { password: { secret: 'db', namespace: 'Team_A', key: 'pw' } } }] });
    const source = secretSourceFromDocument({ db: { pw: '1' }, 'Team_A/db': { pw: '2' } }, 'secrets file s.json');
    expect(await source.read({ name: 'db' })).toEqual({ pw: '1' });
    expect(await source.read({ name: 'db', namespace: 'Team_A' })).toEqual({ pw: '2' });
  });

  it('refuses ids no workspace can reference, naming the field and never a value', () => {
    for (const id of ['-db', 'ns/', '/db', 'a/b/c', 'ns/.hidden']) {
      const error = (() => {
        try {
          secretSourceFromDocument({ [id]: { pw: 'do-not-show' } }, 'secrets file s.json');
        } catch (e) {
          return e;
        }
      })();
      expect(error, id).toBeInstanceOf(SecretsFileError);
      expect((error as SecretsFileError).code).toBe('GATEHOUSE_SECRETS_FILE');
      expect((error as Error).message).toContain('secrets file s.json');
      expect((error as Error).message).not.toContain('do-not-show');
    }
  });

  it('refuses a file that is not UTF-8, rather than read a password with a replacement character', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-secrets-'));
    try {
      const file = join(dir, 'secrets.json');
      await writeFile(file, Buffer.concat([Buffer.from('{"alex": {"password": "p'), Buffer.from([0xe4]), Buffer.from('ss"}}')]));
      await expect(secretSourceFromFile(file)).rejects.toThrow(`${file}: not UTF-8 text`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells whether a read found other bytes, and after a failed read counts the next good one as new', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-secrets-'));
    try {
      const file = join(dir, 'secrets.json');
      const password = async (source: SecretsFileSource) => (await source.read({ name: 'alex' }))?.password;
      await writeFile(file, JSON.stringify({ alex: { password: 'one' } }));
      const source = await SecretsFileSource.open(file);
      expect(await source.reread()).toBe(false);
      await writeFile(file, JSON.stringify({ alex: { password: 'two' } }));
      expect(await source.reread()).toBe(true);
      expect(await password(source)).toBe('two');
      expect(await source.reread()).toBe(false);

      // Gone, then back as it was: the entries read before stay meanwhile, and the file's return is news.
      await rm(file);
      await expect(source.reread()).rejects.toThrow(`cannot read ${file}`);
      expect(await password(source)).toBe('two');
      await writeFile(file, JSON.stringify({ alex: { password: 'two' } }));
      expect(await source.reread()).toBe(true);
      expect(await source.reread()).toBe(false);

      // Malformed, then back as it was: the same.
      await writeFile(file, '{"alex": {"password": "two"');
      await expect(source.reread()).rejects.toThrow(file);
      await writeFile(file, JSON.stringify({ alex: { password: 'two' } }));
      expect(await source.reread()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
