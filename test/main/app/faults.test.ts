import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { SwitchableKeychain, startAppHarness, type AppHarness, type AppHarnessOptions } from '../../support/app-harness';
import { keychainGate } from '../../support/keychain';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import type { GatewayStatus, MainEvent, MainEvents } from '../../../main/ipc/contract';

// Faults that happen while the app runs: the keychain disappears, the workspace file is deleted or
// broken behind the app's back, the gateway process is killed in the middle of a request.
let upstream: RecordingUpstream;
const harnesses: AppHarness[] = [];
const heldAnswers: Array<() => void> = [];

beforeAll(async () => {
  // /slow is answered only when the test releases it, so a request can be caught in flight; everything else at once.
  upstream = await startRecordingUpstream((req, res) => {
    const answer = () => (res.writableEnded || res.destroyed ? undefined : res.end('ok'));
    if (req.url?.includes('/slow')) heldAnswers.push(answer);
    else answer();
  });
});

afterAll(async () => {
  heldAnswers.splice(0).forEach((answer) => answer());
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown()));
  await upstream.close();
});

async function startApp(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const harness = await startAppHarness(options);
  harnesses.push(harness);
  return harness;
}

function basicAuthWorkspace(realm = 'faults') {
  return {
    services: [{ name: 'app', pathPrefix: '/v1', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm } } }],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
  };
}

const gate = await keychainGate('faults: keychain gone while running');

describe.skipIf(gate.skip)('the keychain goes away while the app runs', () => {
  const PASSWORD = `pw-${randomUUID()}`;
  const NEW_PASSWORD = `pw-new-${randomUUID()}`;
  let h: AppHarness;
  const keychain = new SwitchableKeychain();

  beforeAll(async () => {
    if (gate.failure) throw new Error(gate.failure);
    h = await startApp({ loadKeytar: () => keychain.module(), keychainService: `Gatehouse-test-${randomUUID()}` });
  });

  afterAll(async () => {
    keychain.gone = false;
    await h?.call('secrets:delete', { name: 'alex-pw' }).catch(() => undefined);
  });

  it('reports the keychain problem, keeps serving with the secrets it has, and refuses new secrets clearly', async () => {
    expect(await h.call('vault:status')).toEqual({ mode: 'keychain' });
    expect(await h.call('secrets:set', { name: 'alex-pw', data: { password: PASSWORD } })).toMatchObject({ ok: true });
    expect(await h.call('workspace:save', basicAuthWorkspace())).toMatchObject({ ok: true });
    const savedText = await readFile(join(h.dataDir, 'workspace.json'), 'utf8');
    const auth = { username: 'alex', password: PASSWORD };
    expect(await h.call('tryit:send', { method: 'GET', path: '/v1/x', headers: [], basicAuth: auth })).toMatchObject({ status: 200 });

    keychain.gone = true;

    // vault:status probes again instead of repeating what was true at start.
    const status = await h.call<{ mode: string; reason?: string }>('vault:status');
    expect(status.mode).toBe('unavailable');
    expect(status.reason).toMatch(/no D-Bus session bus to reach the Secret Service/);

    // The gateway holds the secrets it was given; losing the keychain does not take them away.
    expect(await h.call('tryit:send', { method: 'GET', path: '/v1/x', headers: [], basicAuth: auth })).toMatchObject({ status: 200 });

    const refused = await h.failure('secrets:set', { name: 'alex-pw', data: { password: NEW_PASSWORD } });
    expect(refused.code).toBe('GATEHOUSE_VAULT_NO_SESSION_BUS');
    expect(refused.message).toMatch(/OS keychain unavailable: there is no D-Bus session bus/);
    expect(refused.message).not.toContain(NEW_PASSWORD);
    expect(refused.message).not.toContain(PASSWORD);

    // Saving with the same secrets: the file is written, and the reply says the gateway was not updated and why.
    const saved = await h.call<{ ok: boolean; gateway: { served: { config: string; errors?: { path: string; message: string }[] } } }>('workspace:save', basicAuthWorkspace('changed'));
    expect(saved.ok).toBe(true);
    expect(saved.gateway.served.config).toBe('older');
    expect(saved.gateway.served.errors).toEqual([{ path: '(vault)', message: expect.stringMatching(/keeps its current workspace: OS keychain unavailable: there is no D-Bus session bus/) }]);
    const afterText = await readFile(join(h.dataDir, 'workspace.json'), 'utf8');
    expect(afterText).not.toBe(savedText);
    expect(afterText).toContain('changed');
    expect(afterText).not.toContain(PASSWORD);
    expect(await readFile(join(h.dataDir, 'workspace.json.bak'), 'utf8')).toBe(savedText);
    // Still serving the workspace it had (realm "faults"), with the old password.
    const challenge = await h.call<{ status: number; headers: [string, string][] }>('tryit:send', { method: 'GET', path: '/v1/x', headers: [] });
    expect(challenge.status).toBe(401);
    expect(challenge.headers).toContainEqual(['www-authenticate', expect.stringContaining('realm="faults"')]);
    expect(await h.call('tryit:send', { method: 'GET', path: '/v1/x', headers: [], basicAuth: auth })).toMatchObject({ status: 200 });

    // The keychain comes back: the status says so, and the next save reaches the gateway.
    keychain.gone = false;
    expect(await h.call('vault:status')).toEqual({ mode: 'keychain' });
    expect(await h.call('workspace:save', basicAuthWorkspace('back'))).toMatchObject({ ok: true });
  });
});

describe('the workspace file changes behind the app', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
  });

  const workspaceA = () => ({ services: [{ name: 'one', pathPrefix: '/one', upstream: { url: upstream.url } }] });
  const workspaceB = () => ({ services: [{ name: 'two', pathPrefix: '/two', upstream: { url: upstream.url } }] });
  const file = () => join(h.dataDir, 'workspace.json');
  type Current = { workspace: { services: { name: string }[] }; problem?: string; backupAvailable: boolean };

  it('deleted: keeps the workspace in memory and the next save writes the file again', async () => {
    expect(await h.call('workspace:save', workspaceA())).toMatchObject({ ok: true });
    await unlink(file());
    const current = await h.call<Current>('workspace:get');
    expect(current.workspace.services.map((s) => s.name)).toEqual(['one']);
    expect(current.problem).toBeUndefined();
    expect(await h.call('workspace:save', current.workspace)).toMatchObject({ ok: true });
    expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ services: [{ name: 'one' }] });
  });

  it('corrupted: keeps the workspace in memory, offers the backup, and the next save keeps the broken file aside', async () => {
    expect(await h.call('workspace:save', workspaceB())).toMatchObject({ ok: true }); // workspace.json.bak now holds "one"
    const garbage = '{"services": [ this is not json \u0000\u00ff';
    await writeFile(file(), garbage);
    const current = await h.call<Current>('workspace:get');
    expect(current.workspace.services.map((s) => s.name)).toEqual(['two']);
    expect(current.backupAvailable).toBe(true);
    expect(await h.call('workspace:save', current.workspace)).toMatchObject({ ok: true });
    expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ services: [{ name: 'two' }] });
    const kept = (await readdir(h.dataDir)).filter((f) => f.startsWith('workspace.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(h.dataDir, kept[0]!), 'utf8')).toBe(garbage);
    expect(JSON.parse(await readFile(join(h.dataDir, 'workspace.json.bak'), 'utf8'))).toMatchObject({ services: [{ name: 'one' }] });
  });
});

describe('another program writes the workspace file while the app runs', () => {
  const service = (name: string) => ({ name, pathPrefix: `/${name}`, upstream: { url: upstream.url } });
  const workspaceOf = (...names: string[]) => ({ version: 1, services: names.map(service) });
  const file = (h: AppHarness) => join(h.dataDir, 'workspace.json');
  // As editors and `gatehouse import` write it: a whole new file renamed over the old one.
  const writeAsAnEditorDoes = async (h: AppHarness, text: string) => {
    await writeFile(`${file(h)}.editor-tmp`, text);
    await rename(`${file(h)}.editor-tmp`, file(h));
  };
  const nextEvent = <E extends MainEvent>(h: AppHarness, event: E, matches: (payload: MainEvents[E]) => boolean) =>
    new Promise<MainEvents[E]>((resolve) =>
      h.app.onEvent((name: MainEvent, payload: unknown) => {
        if (name === event && matches(payload as MainEvents[E])) resolve(payload as MainEvents[E]);
      }),
    );
  const statusOf = async (h: AppHarness, path: string) => (await h.call<{ status: number }>('tryit:send', { method: 'GET', path, headers: [] })).status;
  type Current = { workspace: { services: { name: string }[] }; problem?: string; running?: string; backupAvailable: boolean };
  const names = async (h: AppHarness) => (await h.call<Current>('workspace:get')).workspace.services.map((s) => s.name);

  it('the watch takes up a readable change: the app shows it and the gateway serves it; a broken one is reported and the app keeps what it had', async () => {
    const h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    expect(await h.call('workspace:save', workspaceOf('one'))).toMatchObject({ ok: true });

    // The order main tells it in: the workspace at once, then (once the gateway has it) the file's state.
    const told: string[] = [];
    h.app.onEvent((event) => (event === 'workspace' || event === 'workspace-file') && told.push(event));
    const shown = nextEvent(h, 'workspace', (saved) => saved.workspace.services.some((s) => s.name === 'two'));
    const takenUp = nextEvent(h, 'workspace-file', (state) => state.problem === undefined);
    await writeAsAnEditorDoes(h, JSON.stringify(workspaceOf('two'), null, 2));
    await shown;
    await takenUp;
    expect(told).toEqual(['workspace', 'workspace-file']);
    expect(await names(h)).toEqual(['two']);
    expect(await statusOf(h, '/two/x')).toBe(200);
    expect(await statusOf(h, '/one/x')).toBe(404);

    const reported = nextEvent(h, 'workspace-file', (state) => state.problem !== undefined);
    await writeAsAnEditorDoes(h, '{"version": 1, "services": [');
    const state = await reported;
    // No backup: the app wrote the file once; the version it read before (two) is what it keeps.
    expect(state).toEqual({ problem: expect.stringContaining(file(h)), running: 'last-read', replaceable: true, backupAvailable: false });
    expect(await h.call<Current>('workspace:get')).toMatchObject({ problem: state.problem, running: 'last-read' });
    expect(await names(h)).toEqual(['two']);
    expect(await statusOf(h, '/two/x')).toBe(200);

    // Mended: taken up, and the problem is gone.
    const mended = nextEvent(h, 'workspace-file', (next) => next.problem === undefined);
    await writeAsAnEditorDoes(h, JSON.stringify(workspaceOf('two', 'three'), null, 2));
    await mended;
    expect(await names(h)).toEqual(['two', 'three']);
    expect(await statusOf(h, '/three/x')).toBe(200);
  });

  it('a save made on the version another program replaced is refused, that version is taken up and served, and saving again works on it', async () => {
    // Without the watch, nothing takes the change up before the save does: the check at save time is what is tested.
    const h = await startApp({ watchWorkspaceFile: false, loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    expect(await h.call('workspace:save', workspaceOf('one'))).toMatchObject({ ok: true });
    const theirs = JSON.stringify(workspaceOf('two'), null, 2);
    await writeAsAnEditorDoes(h, theirs);

    // What the renderer sends: its edit ("add four") made on the workspace it last saw.
    const refused = await h.failure('workspace:save', workspaceOf('one', 'four'));
    expect(refused).toMatchObject({ code: 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE', hint: 'Gatehouse now shows that version (the status bar says what the gateway serves): save again to make your change to it.' });
    expect(refused.message).toBe(`${file(h)} was changed by another program since Gatehouse read it; nothing was written, so that change is kept`);
    expect(await readFile(file(h), 'utf8')).toBe(theirs);
    expect(await names(h)).toEqual(['two']);
    expect(await statusOf(h, '/two/x')).toBe(200);

    // The same edit made again, on what the app now shows.
    expect(await h.call('workspace:save', workspaceOf('two', 'four'))).toMatchObject({ ok: true });
    expect(await readFile(`${file(h)}.bak`, 'utf8')).toBe(theirs);
    expect(await statusOf(h, '/four/x')).toBe(200);
  });

  it('restoring the backup when another program has written a readable version meanwhile: that version is taken up, nothing restored', async () => {
    const h = await startApp({ watchWorkspaceFile: false, loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    expect(await h.call('workspace:save', workspaceOf('one'))).toMatchObject({ ok: true });
    expect(await h.call('workspace:save', workspaceOf('two'))).toMatchObject({ ok: true });
    const theirs = JSON.stringify(workspaceOf('three'), null, 2);
    await writeAsAnEditorDoes(h, theirs);
    const refused = await h.failure('workspace:restore-backup');
    expect(refused).toMatchObject({ code: 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE', hint: 'Gatehouse now shows that version (the status bar says what the gateway serves): nothing was restored.' });
    expect(await readFile(file(h), 'utf8')).toBe(theirs);
    expect(await names(h)).toEqual(['three']);
    expect(await statusOf(h, '/three/x')).toBe(200);
  });

  it('a save the window made on the version before the watch took a change up is refused: the revision it names is not the file\'s', async () => {
    const h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    const before = await h.call<{ revision: string }>('workspace:save', workspaceOf('one'));
    const takenUp = nextEvent(h, 'workspace-file', (state) => state.problem === undefined);
    const theirs = JSON.stringify(workspaceOf('two'), null, 2);
    await writeAsAnEditorDoes(h, theirs);
    await takenUp;
    const current = await h.call<{ revision: string }>('workspace:get');
    expect(current.revision).not.toBe(before.revision);

    // What the window sends when its Save left before the 'workspace' event reached it.
    const refused = await h.failure('workspace:save', { workspace: workspaceOf('one', 'four'), basedOn: before.revision });
    expect(refused.code).toBe('GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE');
    expect(await readFile(file(h), 'utf8')).toBe(theirs);
    // Made on the revision the window now has: written.
    expect(await h.call('workspace:save', { workspace: workspaceOf('two', 'four'), basedOn: current.revision })).toMatchObject({ ok: true });
    expect(await names(h)).toEqual(['two', 'four']);
  });
});

describe('an answer that breaks off', () => {
  it('Try it shows what arrived, and that and why it broke off', async () => {
    let breakOff!: () => void;
    const broken = new Promise<void>((resolve) => (breakOff = resolve));
    // 10 of 100 bytes, then the connection is destroyed once the test has seen the gateway relay them.
    const cutting = await startRecordingUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('0123456789');
      void broken.then(() => res.destroy());
    });
    try {
      const h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
      expect(await h.call('workspace:save', { services: [{ name: 'cut', pathPrefix: '/b', upstream: { url: cutting.url } }] })).toMatchObject({ ok: true });
      h.app.onEvent((event, payload) => {
        const update = payload as MainEvents['exchanges'];
        if (event === 'exchanges' && update.summaries.some((row) => row.target === '/b/cut' && row.responseSize === 10)) breakOff();
      });
      const response = await h.call<{ status: number; cutShort?: string; body: { size: number; complete: boolean } }>('tryit:send', { method: 'GET', path: '/b/cut', headers: [] });
      expect(response).toMatchObject({ status: 200, body: { size: 10, complete: false } });
      expect(response.cutShort).toMatch(/^the answer broke off after 10 bytes: the gateway (closed|reset) the connection \((UND_ERR_SOCKET|ECONNRESET)\), as it does when the backend's answer breaks off/);
    } finally {
      breakOff();
      await cutting.close();
    }
  });
});

describe('the gateway process is killed in the middle of a request', () => {
  it('Try it says the request went out and got no answer, and why (not a generic internal error)', async () => {
    const h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    expect(await h.call('workspace:save', { services: [{ name: 'slow', pathPrefix: '/s', upstream: { url: upstream.url } }] })).toMatchObject({ ok: true });
    const failed = h.failure('tryit:send', { method: 'GET', path: '/s/slow-tryit', headers: [] });
    await expect.poll(() => heldAnswers.length).toBe(1); // the upstream holds the request
    process.kill(h.spawned[0]!.pid!, 'SIGKILL');
    expect(await failed).toMatchObject({
      code: 'GATEHOUSE_TRYIT_NO_ANSWER',
      message: expect.stringMatching(/^the request was sent, and the gateway at http:\/\/127\.0\.0\.1:\d+ (closed|reset) the connection \((UND_ERR_SOCKET|ECONNRESET)\) without an answer: did its process exit or restart\?$/),
    });
    heldAnswers.splice(0).forEach((answer) => answer());
  });

  it('fails the request before the upstream answers, shows why, restarts and serves again', async () => {
    const h = await startApp({ loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
    expect(await h.call('workspace:save', { services: [{ name: 'slow', pathPrefix: '/s', upstream: { url: upstream.url } }] })).toMatchObject({ ok: true });
    const url = h.app.gatewayStatus().url!;
    const inFlight = request(`${url}/s/slow`).then(
      (res) => ({ status: res.statusCode as number | undefined, error: undefined as Error | undefined }),
      (error: Error) => ({ status: undefined, error }),
    );
    await expect.poll(() => heldAnswers.length).toBe(1); // the upstream holds the request
    // The gateway reports its in-flight count once per event-loop turn: wait for the report, not for a while.
    await expect.poll(async () => (await h.call<GatewayStatus>('gateway:status')).inFlight).toBeGreaterThanOrEqual(1);

    process.kill(h.spawned[0]!.pid!, 'SIGKILL');
    const outcome = await inFlight;
    // An error while the upstream still holds its answer: the kill failed the request, not a timeout or the answer.
    expect(heldAnswers).toHaveLength(1);
    expect(outcome.status).toBeUndefined();
    expect(outcome.error?.message).toMatch(/other side closed|socket hang up|ECONNRESET/i);
    heldAnswers.splice(0).forEach((answer) => answer());

    // Running again after the restart: a status of the killed process (its in-flight count, reported before the
    // supervisor hears of the exit) is also "running", and waiting for any such one let the test look for the
    // restart before it had happened.
    const restarted = (status: GatewayStatus) => status.state === 'running' && status.restarts === 1;
    await new Promise<void>((resolve) => {
      if (restarted(h.app.gatewayStatus())) resolve();
      else h.app.onEvent((event, payload) => event === 'gateway-status' && restarted(payload as GatewayStatus) && resolve());
    });
    const restarting = h.statuses.find((s) => s.state === 'restarting');
    expect(restarting).toMatchObject({ restarts: 1, inFlight: 0, lastError: expect.stringMatching(/^gateway killed by SIGKILL; restarting in \d+ ms$/) });
    expect(h.statuses.at(-1)).toMatchObject({ state: 'running', restarts: 1 });

    const again = await h.call<{ status: number }>('tryit:send', { method: 'GET', path: '/s/fast', headers: [] });
    expect(again.status).toBe(200);
    expect(h.spawned).toHaveLength(2);
  });
});
