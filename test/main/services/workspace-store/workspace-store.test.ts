import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentSyntaxError } from '../../../../gateway/config/parse-document';
import { WORKSPACE_SCHEMA_VERSION, type WorkspaceInput } from '../../../../gateway/config/schema';
import { WorkspaceValidationError, validateWorkspace } from '../../../../gateway/config/validate';
import { defaultCliWorkspaceDir } from '../../../../main/services/workspace-store/store-paths';
import { NoBackupError, WorkspaceChangedOutsideError, WorkspaceFileAccessError, WorkspaceSavedMeanwhileError, WorkspaceVersionError } from '../../../../main/services/workspace-store/workspace-errors';
import { WorkspaceStore, revisionOf, type LoadResult, type StoreFs } from '../../../../main/services/workspace-store/workspace-store';
import { processRunning } from '../../../support/process-running';

function workspace(port: number, routeName = 'list'): WorkspaceInput {
  return {
    gateway: { port },
    services: [{ name: 'orders', pathPrefix: '/orders', upstream: { url: 'https://orders.internal.example' }, endpointSecurity: { type: 'basic', secret: 'orders-backend', namespace: 'shop' } }],
    routes: [{ name: routeName, service: 'orders', path: '/list', methods: ['GET'] }],
    consumers: [{ username: 'alice', basicAuth: { password: { secret: 'alice-basic', key: 'password' } } }],
  };
}

function valid(input: unknown) {
  const result = validateWorkspace(input);
  if (!result.ok) throw new Error('fixture is invalid');
  return result.value;
}

function loaded(result: LoadResult) {
  if (!result.ok) throw new Error(`expected a loaded workspace, got: ${result.error.message}`);
  return result;
}

function failed(result: LoadResult) {
  if (result.ok) throw new Error('expected load to fail');
  return result;
}

let dir: string;
let store: WorkspaceStore;
const fixedNow = () => new Date('2025-03-04T05:06:07.089Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-store-'));
  store = new WorkspaceStore(dir, { now: fixedNow });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (name: string) => readFile(join(dir, name), 'utf8');

describe('WorkspaceStore', () => {
  it('starts with an empty default workspace when there is no file', async () => {
    const result = loaded(await store.load());
    expect(result.state).toBe('missing');
    expect(result.workspace).toEqual(valid({}));
    expect(result.backupAvailable).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('round-trips a workspace through workspace.json with a version', async () => {
    const saved = await store.save(workspace(9001));
    expect(saved).toEqual({ workspace: valid(workspace(9001)), revision: revisionOf(Buffer.from(await read('workspace.json'))), written: true });
    const result = loaded(await store.load());
    expect(result).toMatchObject({ state: 'loaded', fromVersion: WORKSPACE_SCHEMA_VERSION, migrations: [] });
    expect(result.workspace).toEqual(valid(workspace(9001)));
    const onDisk = JSON.parse(await read('workspace.json'));
    expect(onDisk.version).toBe(WORKSPACE_SCHEMA_VERSION);
    // A fresh store on the same directory reads the same thing.
    expect(loaded(await new WorkspaceStore(dir).load()).workspace).toEqual(result.workspace);
  });

  it('reads back a file with an item no request can reach (saved before that was refused), and refuses it on the next save', async () => {
    const twoAtOnePath = {
      version: WORKSPACE_SCHEMA_VERSION,
      services: [
        { name: 'alpha', pathPrefix: '/same', upstream: { url: 'http://127.0.0.1:9001' } },
        { name: 'beta', pathPrefix: '/same', upstream: { url: 'http://127.0.0.1:9002' } },
      ],
    };
    await writeFile(join(dir, 'workspace.json'), JSON.stringify(twoAtOnePath));
    // Refused on load, the app would run on an empty workspace and its gateway would serve nothing.
    const result = loaded(await store.load());
    expect(result.workspace.services.map((s) => s.name)).toEqual(['alpha', 'beta']);
    const error = await store.save(twoAtOnePath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceValidationError);
    expect((error as WorkspaceValidationError).errors).toEqual([{ path: 'services[1].pathPrefix', message: '"/same" is already service "alpha"\'s: no request would reach service "beta"' }]);
  });

  it('keeps the previous version as workspace.json.bak', async () => {
    await store.save(workspace(9001));
    expect(await readdir(dir)).toEqual(['workspace.json']);
    await store.save(workspace(9002));
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9001);
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9002);
    // Saving the same workspace again writes nothing, so the backup still holds the previous version.
    expect((await store.save(workspace(9002))).written).toBe(false);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9001);
    expect((await readdir(dir)).sort()).toEqual(['workspace.json', 'workspace.json.bak']);
  });

  it('reports a hand-broken file with line and column, offers the backup, and restores it keeping the broken file', async () => {
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    const broken = (await read('workspace.json')).replace('"port": 9002,', '"port": 9002,,');
    await writeFile(join(dir, 'workspace.json'), broken);
    const result = failed(await store.load());
    expect(result.error).toBeInstanceOf(DocumentSyntaxError);
    const error = result.error as DocumentSyntaxError;
    expect(error.line).toBe(broken.split('\n').findIndex((l) => l.includes('9002,,')) + 1);
    expect(error.column).toBe(broken.split('\n')[error.line! - 1]!.indexOf(',,') + 2);
    expect(error.message).toContain(`${join(dir, 'workspace.json')}:${error.line}:${error.column}`);
    expect(result.backupAvailable).toBe(true);

    const restored = await store.restoreBackup();
    expect(restored.preservedAs).toBe(join(dir, 'workspace.json.corrupt-2025-03-04T05-06-07-089Z'));
    expect(await readFile(restored.preservedAs!, 'utf8')).toBe(broken);
    expect(loaded(await store.load()).workspace.gateway.port).toBe(9001);
  });

  it('reports a schema error with the field path', async () => {
    const doc = { version: 1, ...workspace(9001) } as Record<string, any>;
    doc.routes[0].methods = ['GET', 'FETCH'];
    await writeFile(join(dir, 'workspace.json'), JSON.stringify(doc, null, 2));
    const result = failed(await store.load());
    expect(result.error).toBeInstanceOf(WorkspaceValidationError);
    expect((result.error as WorkspaceValidationError).errors).toEqual([{ path: 'routes[0].methods[1]', message: expect.stringContaining('expected one of GET') }]);
    expect(result.backupAvailable).toBe(false);
  });

  it('reports duplicate keys, which JSON.parse would silently merge', async () => {
    await writeFile(join(dir, 'workspace.json'), '{\n  "version": 1,\n  "routes": [],\n  "routes": []\n}\n');
    const error = failed(await store.load()).error as DocumentSyntaxError;
    expect(error).toMatchObject({ line: 4, column: 3 });
    expect(error.message).toMatch(/keys must be unique/);
  });

  it('refuses to save an invalid workspace, with field paths, leaving every file untouched', async () => {
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    const before = { main: await read('workspace.json'), bak: await read('workspace.json.bak') };
    const invalid = { ...workspace(9003), routes: [{ name: 'r', service: 'nope', path: 'no-slash' }] };
    const error = await store.save(invalid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceValidationError);
    expect((error as WorkspaceValidationError).errors.map((e) => e.path)).toEqual(['routes[0].path', 'routes[0].service']);
    expect(await read('workspace.json')).toBe(before.main);
    expect(await read('workspace.json.bak')).toBe(before.bak);
    expect((await readdir(dir)).sort()).toEqual(['workspace.json', 'workspace.json.bak']);
  });

  it('never overwrites an unreadable file silently: a save keeps it as workspace.json.corrupt-<time>', async () => {
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    const bakBefore = await read('workspace.json.bak');
    await writeFile(join(dir, 'workspace.json'), '{ "version": 1, "gateway": { "port": 90');
    const first = await store.save(workspace(9003));
    expect(first.preservedAs).toBe(join(dir, 'workspace.json.corrupt-2025-03-04T05-06-07-089Z'));
    await writeFile(join(dir, 'workspace.json'), 'not json at all');
    const second = await store.save(workspace(9004));
    expect(second.preservedAs).toBe(join(dir, 'workspace.json.corrupt-2025-03-04T05-06-07-089Z-2'));
    expect(await readFile(first.preservedAs!, 'utf8')).toBe('{ "version": 1, "gateway": { "port": 90');
    expect(await readFile(second.preservedAs!, 'utf8')).toBe('not json at all');
    // The backup keeps the last good version rather than the broken one.
    expect(await read('workspace.json.bak')).toBe(bakBefore);
    expect(loaded(await store.load()).workspace.gateway.port).toBe(9004);
  });

  it('reports a file that is not UTF-8 instead of reading it with replacement characters, and keeps its bytes on a save', async () => {
    // Latin-1: "jürgen" with ü as the one byte 0xFC.
    const latin1 = Buffer.concat([Buffer.from('{"version": 1, "consumers": [{"username": "j'), Buffer.from([0xfc]), Buffer.from('rgen"}]}')]);
    await writeFile(join(dir, 'workspace.json'), latin1);
    const result = failed(await store.load());
    expect(result.error.message).toMatch(/workspace\.json: not UTF-8 text/);
    const saved = await store.save(workspace(9005));
    expect(await readFile(saved.preservedAs!)).toEqual(latin1);
  });

  it('migrates a version 0 file (no version, routes[].uri) in memory and writes it on the next save', async () => {
    const v0 = JSON.stringify({ services: [{ name: 'legacy', upstream: { url: 'http://127.0.0.1:8080' } }], routes: [{ name: 'old', service: 'legacy', uri: '/api' }] }, null, 2);
    await writeFile(join(dir, 'workspace.json'), v0);
    const result = loaded(await store.load());
    expect(result.fromVersion).toBe(0);
    expect(result.migrations).toEqual(['routes[].uri renamed to routes[].path']);
    expect(result.workspace.routes[0]).toMatchObject({ name: 'old', path: '/api' });
    expect(result.workspace.version).toBe(1);
    expect(await read('workspace.json')).toBe(v0);

    await store.save(result.workspace);
    expect(await read('workspace.json.bak')).toBe(v0);
    expect(JSON.parse(await read('workspace.json'))).toMatchObject({ version: 1, routes: [{ path: '/api' }] });
    expect(loaded(await store.load()).fromVersion).toBe(1);
  });

  it('reports a version 0 route that has both uri and path at the unknown field', async () => {
    await writeFile(join(dir, 'workspace.json'), JSON.stringify({ services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' } }], routes: [{ name: 'r', service: 's', uri: '/a', path: '/b' }] }));
    const error = failed(await store.load()).error as WorkspaceValidationError;
    expect(error.errors).toEqual([{ path: 'routes[0]', message: 'unknown field "uri"' }]);
  });

  it('refuses a file from a newer version and does not overwrite it', async () => {
    await writeFile(join(dir, 'workspace.json'), JSON.stringify({ version: 99, futureThing: true }));
    const error = failed(await store.load()).error;
    expect(error).toBeInstanceOf(WorkspaceVersionError);
    expect(error.message).toMatch(/newer Gatehouse.*version 99/);
    const saved = await store.save(workspace(9001));
    expect(JSON.parse(await readFile(saved.preservedAs!, 'utf8'))).toEqual({ version: 99, futureThing: true });
  });

  it('runs concurrent saves one at a time in call order: the last one called wins', async () => {
    const ports = Array.from({ length: 20 }, (_, i) => 9100 + i);
    const finished: number[] = [];
    await Promise.all(ports.map((port) => store.save(workspace(port)).then((r) => finished.push(r.workspace.gateway.port))));
    expect(finished).toEqual(ports);
    expect(loaded(await store.load()).workspace.gateway.port).toBe(9119);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9118);
  });

  it('an invalid save in the middle of a queue fails alone', async () => {
    const results = await Promise.allSettled([store.save(workspace(9001)), store.save({ gateway: { port: -1 } }), store.save(workspace(9003))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(loaded(await store.load()).workspace.gateway.port).toBe(9003);
  });

  // A full disk, a read-only file system and a file the process may not read cannot be made here without root and
  // a mount: the fs the store uses fails as Node's does (the same errno codes), every other call is the real one.
  it.each([
    ['ENOSPC', 'the disk is full (ENOSPC)'],
    ['EROFS', 'the file system is read-only (EROFS)'],
    ['EACCES', 'permission denied (EACCES)'],
    ['EDQUOT', 'the disk quota is used up (EDQUOT)'],
  ])('a write refused with %s says so, naming the file, and leaves the old file and no temp file behind', async (code, cause) => {
    await store.save(workspace(9001));
    const before = await read('workspace.json');
    const failingFs: StoreFs = {
      ...fsp,
      rename: async (from, to) => {
        if (String(to).endsWith('workspace.json')) throw Object.assign(new Error(`${code}: rename '${String(from)}'`), { code });
        return fsp.rename(from, to);
      },
    };
    const failing = new WorkspaceStore(dir, { fs: failingFs });
    const error = await failing.save(workspace(9002)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceFileAccessError);
    expect((error as WorkspaceFileAccessError).code).toBe('GATEHOUSE_WORKSPACE_FILE_ACCESS');
    expect((error as Error).message).toBe(`Could not write ${join(dir, 'workspace.json')}: ${cause}. Nothing was saved; the file holds what it held before`);
    expect(await read('workspace.json')).toBe(before);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a file the process may not read is a load problem naming the file and the cause, not a crash', async () => {
    await store.save(workspace(9001));
    const unreadable: StoreFs = {
      ...fsp,
      readFile: (async (path: Parameters<typeof fsp.readFile>[0]) => {
        if (String(path).endsWith('workspace.json')) throw Object.assign(new Error(`EACCES: open '${String(path)}'`), { code: 'EACCES' });
        return fsp.readFile(path);
      }) as typeof fsp.readFile,
    };
    const result = failed(await new WorkspaceStore(dir, { fs: unreadable }).load());
    expect(result.error).toBeInstanceOf(WorkspaceFileAccessError);
    expect(result.error.message).toBe(`Could not read ${join(dir, 'workspace.json')}: permission denied (EACCES)`);
  });

  it('removes temp files left by a process that died mid-write', async () => {
    let deadPid = 4_000_000;
    while (processRunning(deadPid)) deadPid++;
    await store.save(workspace(9001));
    const stale = `.workspace.json.${deadPid}.0123456789ab.tmp`;
    const ours = `.workspace.json.${process.pid}.0123456789ab.tmp`;
    await writeFile(join(dir, stale), '{"half":');
    await writeFile(join(dir, ours), '{"half":');
    loaded(await store.load());
    expect((await readdir(dir)).sort()).toEqual([ours, 'workspace.json']);
  });

  it('restoreBackup without a backup says so; with a readable current file it swaps the two', async () => {
    await expect(store.restoreBackup()).rejects.toBeInstanceOf(NoBackupError);
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    const restored = await store.restoreBackup();
    expect(restored.preservedAs).toBeUndefined();
    expect(loaded(await store.load()).workspace.gateway.port).toBe(9001);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9002);
  });

  it('refuses to overwrite a workspace another program wrote since it read the file, hands it over, and then saves on it', async () => {
    loaded(await store.load());
    await store.save(workspace(9001));
    const theirs = JSON.stringify({ version: 1, ...workspace(9500, 'theirs') }, null, 2);
    await writeFile(join(dir, 'workspace.json'), theirs);

    const error = await store.save(workspace(9002)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceChangedOutsideError);
    expect((error as WorkspaceChangedOutsideError).code).toBe('GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE');
    expect((error as Error).message).toBe(`${join(dir, 'workspace.json')} was changed by another program since Gatehouse read it; nothing was written, so that change is kept`);
    expect((error as WorkspaceChangedOutsideError).current).toEqual(valid(workspace(9500, 'theirs')));
    expect(await read('workspace.json')).toBe(theirs);
    expect((await readdir(dir)).sort()).toEqual(['workspace.json']);

    // Handed over with the error: the next save is made on it, and keeps it as the backup.
    await store.save(workspace(9003));
    expect(await read('workspace.json.bak')).toBe(theirs);
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9003);
  });

  it('checkRevision refuses as save would, writing nothing: for a caller with other writes to make first', async () => {
    const mine = await store.save(workspace(9001));
    await store.checkRevision(mine.revision);
    await store.checkRevision();
    const theirs = JSON.stringify({ version: 1, ...workspace(9500, 'theirs') }, null, 2);
    await writeFile(join(dir, 'workspace.json'), theirs);
    const files = (await readdir(dir)).sort();
    const error = await store.checkRevision(mine.revision).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceChangedOutsideError);
    expect((error as WorkspaceChangedOutsideError).current).toEqual(valid(workspace(9500, 'theirs')));
    expect(await read('workspace.json')).toBe(theirs);
    expect((await readdir(dir)).sort()).toEqual(files);
    // Checked on the revision it handed over, a save goes through.
    await store.checkRevision((error as WorkspaceChangedOutsideError).revision);
  });

  it('refuses to overwrite a file another program created where there was none at load', async () => {
    expect(loaded(await store.load()).state).toBe('missing');
    await writeFile(join(dir, 'workspace.json'), JSON.stringify(workspace(9500)));
    await expect(store.save(workspace(9001))).rejects.toBeInstanceOf(WorkspaceChangedOutsideError);
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9500);
  });

  it('an unreadable change by another program is not refused: the save keeps it aside as workspace.json.corrupt-<time>', async () => {
    await store.save(workspace(9001));
    await writeFile(join(dir, 'workspace.json'), '{"half": ');
    const saved = await store.save(workspace(9002));
    expect(await readFile(saved.preservedAs!, 'utf8')).toBe('{"half": ');
  });

  it('readChange: nothing while the file holds what the store read or wrote; another program\'s workspace, or why it cannot be read, when it does not', async () => {
    expect(await store.readChange()).toBe('gone'); // no file
    await store.save(workspace(9001));
    expect(await store.readChange()).toBe('unchanged'); // its own write is no change

    await writeFile(join(dir, 'workspace.json'), JSON.stringify(workspace(9500)));
    expect(loaded((await store.readChange()) as LoadResult).workspace.gateway.port).toBe(9500);
    expect(await store.readChange()).toBe('unchanged'); // seen once
    // Taken up: a save on it goes through, and keeps it as the backup.
    await store.save(workspace(9002));
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9500);

    await writeFile(join(dir, 'workspace.json'), '{"broken": ');
    const broken = failed((await store.readChange()) as LoadResult);
    expect(broken.error).toBeInstanceOf(DocumentSyntaxError);
    expect(broken.backupAvailable).toBe(true);
    // Put back as it was: readable again, which is a change from the broken file.
    await writeFile(join(dir, 'workspace.json'), await read('workspace.json.bak'));
    expect(loaded((await store.readChange()) as LoadResult).workspace.gateway.port).toBe(9500);

    await rm(join(dir, 'workspace.json'));
    expect(await store.readChange()).toBe('gone'); // the next save writes it again
  });

  it('refuses a save made on a revision the file no longer holds, though the store has read the newer one since', async () => {
    const base = (await store.save(workspace(9001))).revision;
    await writeFile(join(dir, 'workspace.json'), JSON.stringify(workspace(9500)));
    const change = loaded((await store.readChange()) as LoadResult); // the watch took it up ...
    // ... while two saves made on the older version were on their way (a form's, an import's): neither writes.
    const results = await Promise.allSettled([store.save(workspace(9002), { basedOn: base }), store.save(workspace(9003), { basedOn: base })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE', revision: change.revision });
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9500);
    // Made on the version the file holds: written.
    expect((await store.save(workspace(9004), { basedOn: change.revision })).written).toBe(true);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9500);
  });

  it('a version that is the same workspace in other bytes (line endings, indentation) is no new revision', async () => {
    const saved = await store.save(workspace(9001));
    const text = await read('workspace.json');
    await writeFile(join(dir, 'workspace.json'), JSON.stringify(JSON.parse(text)).replace(/,/g, ',\r\n  '));
    expect(await store.readChange()).toBe('unchanged');
    expect((await store.save(workspace(9002), { basedOn: saved.revision })).written).toBe(true);
  });

  it('a save that another save of the same store replaced meanwhile is refused as that, not as another program\'s change', async () => {
    const base = (await store.save(workspace(9001))).revision;
    await store.save(workspace(9002), { basedOn: base });
    const error = await store.save(workspace(9003), { basedOn: base }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceSavedMeanwhileError);
    expect(error).toMatchObject({ code: 'GATEHOUSE_WORKSPACE_SAVED_MEANWHILE', message: `${join(dir, 'workspace.json')} was saved meanwhile by another save in Gatehouse; nothing was written, so that save is kept` });
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9002);
  });

  it('restoring the backup does not write over a readable version another program wrote since the file was read broken', async () => {
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    await writeFile(join(dir, 'workspace.json'), '{"broken": ');
    failed((await store.readChange()) as LoadResult); // the banner offers the backup ...
    const mended = JSON.stringify(workspace(9500));
    await writeFile(join(dir, 'workspace.json'), mended); // ... and the user mends the file in an editor first
    const error = await store.restoreBackup().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceChangedOutsideError);
    expect(await read('workspace.json')).toBe(mended);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9001);
  });

  it('restoring the backup over the broken file it read keeps that file aside', async () => {
    await store.save(workspace(9001));
    await store.save(workspace(9002));
    await writeFile(join(dir, 'workspace.json'), '{"broken": ');
    failed((await store.readChange()) as LoadResult);
    const restored = await store.restoreBackup();
    expect(await readFile(restored.preservedAs!, 'utf8')).toBe('{"broken": ');
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9001);
  });

  it('names each version by a digest of its bytes: the same workspace saved twice keeps its revision', async () => {
    const first = await store.save(workspace(9001));
    expect(first.revision).toMatch(/^[0-9a-f]{32}$/);
    expect((await store.save(workspace(9001))).revision).toBe(first.revision);
    expect((await store.save(workspace(9002))).revision).not.toBe(first.revision);
    expect(loaded(await new WorkspaceStore(dir).load()).revision).toBe((await store.save(workspace(9002))).revision);
  });

  it('a backup it cannot read (a folder) is no backup, and the workspace still loads', async () => {
    await store.save(workspace(9001));
    await fsp.mkdir(join(dir, 'workspace.json.bak'));
    const result = loaded(await store.load());
    expect(result.workspace.gateway.port).toBe(9001);
    expect(result.backupAvailable).toBe(false);
    expect(await store.backupAvailable()).toBe(false);
  });

  it('a folder that cannot be synced after the rename: the new file is in place, so the save stands', async () => {
    await store.save(workspace(9001));
    // An fsync of the folder failing with EIO cannot be caused on purpose here: the real fs, but for that one open.
    const unsyncable: StoreFs = {
      ...fsp,
      open: (async (path: Parameters<typeof fsp.open>[0], flags?: Parameters<typeof fsp.open>[1], mode?: Parameters<typeof fsp.open>[2]) => {
        if (String(path) === dir) throw Object.assign(new Error('EIO: i/o error, open'), { code: 'EIO' });
        return fsp.open(path, flags, mode);
      }) as typeof fsp.open,
    };
    const failing = new WorkspaceStore(dir, { fs: unsyncable });
    loaded(await failing.load());
    const saved = await failing.save(workspace(9002));
    expect(saved.written).toBe(true);
    expect(JSON.parse(await read('workspace.json')).gateway.port).toBe(9002);
    // Its own write, not "another program's".
    expect((await failing.save(workspace(9003))).written).toBe(true);
  });

  it('a workspace file that is a symbolic link is written where it points, and stays a link (a workspace kept in Git)', async () => {
    const repo = join(dir, 'repo');
    await fsp.mkdir(repo);
    const inRepo = new WorkspaceStore(repo, { fileName: 'ws.json' });
    await inRepo.save(workspace(9001));
    await fsp.symlink(join(repo, 'ws.json'), join(dir, 'workspace.json'));
    loaded(await store.load());

    const saved = await store.save(workspace(9002));
    expect(saved.written).toBe(true);
    expect((await fsp.lstat(join(dir, 'workspace.json'))).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(join(repo, 'ws.json'), 'utf8')).gateway.port).toBe(9002);
    // No temp file left in the target's folder, and the backup beside the link holds the version replaced.
    expect(await readdir(repo)).toEqual(['ws.json']);
    expect(JSON.parse(await read('workspace.json.bak')).gateway.port).toBe(9001);
    expect(loaded(await new WorkspaceStore(dir).load()).workspace.gateway.port).toBe(9002);
  });

  it('does not offer a backup that is itself unreadable', async () => {
    await writeFile(join(dir, 'workspace.json'), '{');
    await writeFile(join(dir, 'workspace.json.bak'), '{"version": 1, "gateway": 3}');
    const result = failed(await store.load());
    expect(result.backupAvailable).toBe(false);
    await expect(store.restoreBackup()).rejects.toBeInstanceOf(WorkspaceValidationError);
  });
});

describe('defaultCliWorkspaceDir', () => {
  it('uses $XDG_CONFIG_HOME/gatehouse, else ~/.config/gatehouse, and %APPDATA% on Windows', () => {
    expect(defaultCliWorkspaceDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u')).toBe(join('/cfg', 'gatehouse'));
    expect(defaultCliWorkspaceDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/u')).toBe(join('/home/u', '.config', 'gatehouse'));
    expect(defaultCliWorkspaceDir({}, 'darwin', '/Users/u')).toBe(join('/Users/u', '.config', 'gatehouse'));
    expect(defaultCliWorkspaceDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'gatehouse'));
  });
});
