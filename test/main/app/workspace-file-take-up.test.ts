// What main tells the window after the workspace file changed outside the app, with the real store on a real
// folder. A file the process may not read cannot be made here (the tests may run as root, who reads anything): the
// store's fs fails the reads of workspace.json as Node does while `locked` is set, every other call is the real one.
import * as fsp from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../../gateway/config/schema';
import { takeUpOutsideChange, type AppContext } from '../../../main/app/app-context';
import type { RevisedWorkspace, WorkspaceFileState } from '../../../main/ipc/contract';
import { WorkspaceStore, type StoreFs } from '../../../main/services/workspace-store';

let dir: string;
let locked: boolean;
let told: (['workspace', RevisedWorkspace] | ['workspace-file', WorkspaceFileState])[];
let ctx: AppContext;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-take-up-'));
  locked = false;
  told = [];
  const fs: StoreFs = {
    ...fsp,
    readFile: (async (path: Parameters<typeof fsp.readFile>[0]) => {
      if (locked && String(path).endsWith('workspace.json')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
      return fsp.readFile(path);
    }) as typeof fsp.readFile,
  };
  const store = new WorkspaceStore(dir, { fs });
  const saved = await store.save({ services: [{ name: 'one', upstream: { url: 'http://127.0.0.1:9' } }] });
  ctx = {
    store,
    // The gateway is not what these tests are about: a supervisor that takes every reload.
    supervisor: { reload: async () => undefined, status: { state: 'running' } },
    cluster: {},
    workspace: saved.workspace,
    revision: saved.revision,
    fileProblem: undefined,
    vault: {},
    vaultStatus: { mode: 'keychain' },
    workspaceSaved: (revised: RevisedWorkspace) => told.push(['workspace', revised]),
    workspaceFileChanged: (state: WorkspaceFileState) => told.push(['workspace-file', state]),
  } as unknown as AppContext;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('takeUpOutsideChange', () => {
  it('a file it may no longer read: says so, and that saving cannot replace it; readable again as it was: the banner goes', async () => {
    locked = true;
    await takeUpOutsideChange(ctx);
    expect(told).toEqual([['workspace-file', { problem: `Could not read ${join(dir, 'workspace.json')}: permission denied (EACCES)`, running: 'last-read', replaceable: false, backupAvailable: false }]]);
    expect(ctx.workspace.services.map((s) => s.name)).toEqual(['one']);

    locked = false;
    await takeUpOutsideChange(ctx);
    expect(told.at(-1)).toEqual(['workspace-file', { backupAvailable: false }]);
    expect(ctx.fileProblem).toBeUndefined();
  });

  it('a broken file then removed: the banner goes, and the app keeps its version for the next save to write', async () => {
    await writeFile(join(dir, 'workspace.json'), '{"services": [');
    await takeUpOutsideChange(ctx);
    expect(told.at(-1)).toEqual(['workspace-file', expect.objectContaining({ running: 'last-read', replaceable: true })]);
    await rm(join(dir, 'workspace.json'));
    await takeUpOutsideChange(ctx);
    expect(told.at(-1)).toEqual(['workspace-file', { backupAvailable: false }]);
    expect(ctx.workspace.services.map((s) => s.name)).toEqual(['one']);
  });

  it('a readable change: the window hears of the workspace and its revision first, then of the file', async () => {
    await writeFile(join(dir, 'workspace.json'), JSON.stringify({ services: [{ name: 'two', upstream: { url: 'http://127.0.0.1:9' } }] }));
    await takeUpOutsideChange(ctx);
    expect(told.map(([event]) => event)).toEqual(['workspace', 'workspace-file']);
    expect(told[0]![1]).toEqual({ workspace: Workspace.parse({ services: [{ name: 'two', upstream: { url: 'http://127.0.0.1:9' } }] }), revision: ctx.revision });
  });
});
