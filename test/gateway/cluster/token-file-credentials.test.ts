// TokenFileSource.renewedSince: after a 401, whether the tokenFile now holds another token than the one sent (the
// rule the app's cluster connection and the gateway's ConnectedCluster both repeat a request by). Real files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFileSource } from '../../../gateway/cluster/token-file-credentials';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-token-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A source on a fresh file holding `token`, read once (as a request would have read it before its 401). */
async function sourceHolding(name: string, token: string): Promise<{ source: TokenFileSource; path: string }> {
  const path = join(dir, name);
  await writeFile(path, `${token}\n`);
  const source = new TokenFileSource(path, undefined);
  expect(source.token()).toBe(token);
  return { source, path };
}

describe('TokenFileSource.renewedSince', () => {
  it('answers the token the file was rewritten with, at once (not waiting for the 50 s schedule)', async () => {
    const { source, path } = await sourceHolding('rotated', 'token-one');
    await writeFile(path, 'token-two\n');
    expect(source.renewedSince('token-one')).toBe('token-two');
    expect(source.current()).toBe('token-two');
  });

  it('undefined when the file still holds the token sent', async () => {
    const { source } = await sourceHolding('same', 'token-one');
    expect(source.renewedSince('token-one')).toBeUndefined();
  });

  it('undefined when the file cannot be read or is empty: the last token is kept, and why is said', async () => {
    const { source, path } = await sourceHolding('gone', 'token-one');
    await rm(path);
    expect(source.renewedSince('token-one')).toBeUndefined();
    expect(source.failure).toMatch(/gone/);
    await writeFile(path, '  \n');
    expect(source.renewedSince('token-one')).toBeUndefined();
    expect(source.failure).toMatch(/is empty/);
    expect(source.current()).toBe('token-one');
  });

  it('a request sent with no token yet gets the file\'s first token', async () => {
    const path = join(dir, 'first');
    await writeFile(path, 'token-one');
    expect(new TokenFileSource(path, undefined).renewedSince(undefined)).toBe('token-one');
  });
});
