// The app's workspace file watch on a real folder: a workspace.json that is a symbolic link is followed as the headless
// gateway follows its --config, so an edit wherever the link leads reaches the app. Until 3 Dec only the link's own
// folder was watched, for the link's own name: both changes below went unseen and the app showed the old version.
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { watchWorkspaceFile } from '../../../main/app/workspace-file-watch';

const stops: (() => void)[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-ws-watch-'));
  folders.push(dir);
  return dir;
}

/** Resolves on the watch's next call; the test's timeout catches a change never seen. */
function watching(path: string): { next(): Promise<void> } {
  let waiting: (() => void) | undefined;
  stops.push(watchWorkspaceFile(path, () => waiting?.(), 20));
  return { next: () => new Promise<void>((resolve) => (waiting = resolve)) };
}

describe('the app workspace file watch', () => {
  it('sees a file renamed over the workspace file, as the app store and editors write it', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'workspace.json'), '{}');
    const watch = watching(join(dir, 'workspace.json'));
    const seen = watch.next();
    await writeFile(join(dir, 'workspace.json.tmp'), '{"version":1}');
    await rename(join(dir, 'workspace.json.tmp'), join(dir, 'workspace.json'));
    await seen;
  });

  it('sees an edit of the file a link points to, in another folder (a workspace kept in a Git checkout)', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'repo'));
    await mkdir(join(dir, 'userData'));
    await writeFile(join(dir, 'repo', 'ws.json'), '{}');
    await symlink(join(dir, 'repo', 'ws.json'), join(dir, 'userData', 'workspace.json'));
    const watch = watching(join(dir, 'userData', 'workspace.json'));
    const seen = watch.next();
    await writeFile(join(dir, 'repo', 'ws.json'), '{"version":1}');
    await seen;
  });

  it("sees a Kubernetes-style ..data swap, which never touches the file's own name, and an edit in the new folder after it", async () => {
    const dir = await folder();
    await mkdir(join(dir, '..2026_a'));
    await writeFile(join(dir, '..2026_a', 'workspace.json'), '{}');
    await symlink('..2026_a', join(dir, '..data'));
    await symlink(join('..data', 'workspace.json'), join(dir, 'workspace.json'));
    const watch = watching(join(dir, 'workspace.json'));

    let seen = watch.next();
    await mkdir(join(dir, '..2026_b'));
    await writeFile(join(dir, '..2026_b', 'workspace.json'), '{"version":1}');
    await symlink('..2026_b', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await seen;

    seen = watch.next();
    await writeFile(join(dir, '..2026_b', 'workspace.json'), '{"version":2}');
    await seen;
  });
});
