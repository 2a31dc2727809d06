import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningCli } from '../../support/spawn-cli';
import { serveConsumerWorkspace } from '../../support/cli-consumer-gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';

const running: RunningCli[] = [];
const upstreams: RecordingUpstream[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(upstreams.map((u) => u.close()));
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

const secrets = (password: string) => JSON.stringify({ alex: { password } });

/** A workspace whose one consumer's password is the secrets file's `alex.password`, and the gateway serving it. */
async function serve(dir: string, secretsPath: string): Promise<{ cli: RunningCli; status: (password: string) => Promise<number> }> {
  const upstream = await startRecordingUpstream();
  upstreams.push(upstream);
  const served = await serveConsumerWorkspace(join(dir, 'ws.yaml'), secretsPath, upstream.url);
  running.push(served.cli);
  return served;
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-secrets-'));
  folders.push(dir);
  return dir;
}

describe('headless CLI: a secrets file that is a symbolic link', () => {
  it("takes up a password rotated by a Kubernetes Secret volume's ..data swap", async () => {
    const dir = await folder();
    const sec = join(dir, 'sec');
    // As the kubelet lays out a Secret volume: secrets.json -> ..data/secrets.json, ..data -> ..2026_a.
    await mkdir(join(sec, '..2026_a'), { recursive: true });
    await writeFile(join(sec, '..2026_a', 'secrets.json'), secrets('old-pw'));
    await symlink('..2026_a', join(sec, '..data'));
    await symlink(join('..data', 'secrets.json'), join(sec, 'secrets.json'));
    const { status } = await serve(dir, join(sec, 'secrets.json'));
    expect(await status('old-pw')).toBe(200);

    // The kubelet's rotation: a new folder, and ..data swapped to it by renaming a new link over it.
    await mkdir(join(sec, '..2026_b'));
    await writeFile(join(sec, '..2026_b', 'secrets.json'), secrets('new-pw'));
    await symlink('..2026_b', join(sec, '..data_tmp'));
    await rename(join(sec, '..data_tmp'), join(sec, '..data'));
    await expect.poll(() => status('new-pw')).toBe(200);
    expect(await status('old-pw')).toBe(401);
  });

  it('takes up a password changed in place in the file the link points to, in another folder', async () => {
    const dir = await folder();
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await mkdir(join(dir, 'conf'));
    await writeFile(join(elsewhere, 'secrets.json'), secrets('old-pw'));
    await symlink(join(elsewhere, 'secrets.json'), join(dir, 'conf', 'secrets.json'));
    const { status } = await serve(dir, join(dir, 'conf', 'secrets.json'));
    expect(await status('old-pw')).toBe(200);

    await writeFile(join(elsewhere, 'secrets.json'), secrets('new-pw'));
    await expect.poll(() => status('new-pw')).toBe(200);
    expect(await status('old-pw')).toBe(401);
  });

  it('follows the link to a new folder: an edit there after the link was pointed elsewhere is taken up too', async () => {
    const dir = await folder();
    for (const name of ['a', 'b', 'conf']) await mkdir(join(dir, name));
    await writeFile(join(dir, 'a', 'secrets.json'), secrets('old-pw'));
    await writeFile(join(dir, 'b', 'secrets.json'), secrets('b-pw'));
    const link = join(dir, 'conf', 'secrets.json');
    await symlink(join(dir, 'a', 'secrets.json'), link);
    const { status } = await serve(dir, link);
    expect(await status('old-pw')).toBe(200);

    // Pointed elsewhere as `ln -sfn` does it: a new link renamed over the old.
    await symlink(join(dir, 'b', 'secrets.json'), `${link}.tmp`);
    await rename(`${link}.tmp`, link);
    await expect.poll(() => status('b-pw')).toBe(200);

    await writeFile(join(dir, 'b', 'secrets.json'), secrets('new-pw'));
    await expect.poll(() => status('new-pw')).toBe(200);
    expect(await status('b-pw')).toBe(401);
  });
});
