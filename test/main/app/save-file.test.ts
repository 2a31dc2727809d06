// Files the user asked for, written where they chose, when the disk refuses: the message names the file and the
// cause in words. /dev/full is a real device that answers every write with ENOSPC, as a full disk does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveToChosenFile } from '../../../main/app/save-file';
import { UserFacingError } from '../../../main/ipc/dispatcher';
import { runExportCommand } from '../../../main/cli/export-command';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-save-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a file the disk refuses', () => {
  it('the app: "could not write /dev/full: the disk is full (ENOSPC)", as a failure the window shows', async () => {
    const error = await saveToChosenFile(async () => '/dev/full', { title: 'Save HAR', defaultName: 'traffic.har' }, '{"log":{}}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: 'GATEHOUSE_SAVE_FAILED', message: 'could not write /dev/full: the disk is full (ENOSPC)' });
  });

  it('the app: a folder that is not there', async () => {
    const path = join(dir, 'no-such-folder', 'body.bin');
    await expect(saveToChosenFile(async () => path, { title: 'Save body', defaultName: 'body.bin' }, 'x')).rejects.toMatchObject({ message: `could not write ${path}: no such file or folder (ENOENT)` });
  });

  it('export -o: "cannot write FILE: the disk is full (ENOSPC)", not Node\'s own words', async () => {
    const workspace = join(dir, 'ws.json');
    // A service with endpoint security: an APK Backend to write (one without exports nothing, and writes no file).
    await writeFile(workspace, JSON.stringify({ services: [{ name: 'orders', pathPrefix: '/orders', upstream: { url: 'http://127.0.0.1:9' }, endpointSecurity: { type: 'basic', secret: 'orders-creds' } }] }));
    const said: string[] = [];
    await expect(runExportCommand(['--workspace', workspace, '-o', '/dev/full'], (line) => said.push(line))).rejects.toMatchObject({ code: 'GATEHOUSE_EXPORT_NOT_WRITTEN', message: 'cannot write /dev/full: the disk is full (ENOSPC)' });
    expect(said.join('\n')).not.toContain('wrote /dev/full');
  });
});
