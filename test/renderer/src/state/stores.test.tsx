// @vitest-environment jsdom
// The zustand stores on their own: the workspace save cycle (get current → edit → validate → save whole),
// the navigation guard with the confirm dialog's store, secrets and Try it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useConfirmStore } from '../../../../renderer/src/state/confirm-store';
import { useNavigationStore } from '../../../../renderer/src/state/navigation-store';
import { useSecretsStore } from '../../../../renderer/src/state/secrets-store';
import { joinTarget, newHeaderRow, splitTarget, useTryItStore } from '../../../../renderer/src/state/tryit-store';
import { useStatusStore } from '../../../../renderer/src/state/status-store';
import { EditConflict, useWorkspaceStore } from '../../../../renderer/src/state/workspace-store';
import { installFakeGatehouse, type FakeGatehouse } from '../../support/fake-gatehouse';
import { resetStores } from '../../support/reset-stores';

let fake: FakeGatehouse;
beforeEach(() => {
  resetStores();
  fake = installFakeGatehouse({ services: [{ name: 'a', upstream: { url: 'http://127.0.0.1:1' } }] });
});
afterEach(() => resetStores());

describe('workspace store', () => {
  it('applies the edit to the workspace main last sent and saves it in one round trip', async () => {
    await useWorkspaceStore.getState().load();
    // Someone else saved meanwhile (an import, the Cluster screen): main says so with a `workspace` event.
    const unlisten = useWorkspaceStore.getState().listen();
    fake.workspace.consumers.push({ username: 'added-elsewhere' });
    fake.emit('workspace', { workspace: structuredClone(fake.workspace), revision: fake.revision });
    unlisten();
    const before = fake.calls.length;
    const outcome = await useWorkspaceStore.getState().save((ws) => ({ ...ws, routes: [{ name: 'r', service: 'a', path: '/r' }] }));
    expect(outcome).toMatchObject({ ok: true });
    expect(fake.calls.slice(before).map((c) => c.channel)).toEqual(['workspace:save']);
    const sent = fake.callsOf('workspace:save')[0] as { services: unknown[]; routes: unknown[]; consumers: unknown[] };
    expect(sent.consumers).toEqual([{ username: 'added-elsewhere' }]);
    expect(sent.routes).toEqual([{ name: 'r', service: 'a', path: '/r', match: 'prefix', plugins: {} }]);
    expect(useWorkspaceStore.getState().workspace?.routes).toEqual([{ name: 'r', service: 'a', path: '/r', match: 'prefix', plugins: {} }]);
  });

  it('names with each save the revision its edit was made on: the one main last sent, by get, event or save', async () => {
    await useWorkspaceStore.getState().load();
    const unlisten = useWorkspaceStore.getState().listen();
    await useWorkspaceStore.getState().save((ws) => ({ ...ws, consumers: [{ username: 'one' }] }));
    // Another program's version, taken up by main.
    fake.emit('workspace', { workspace: structuredClone(fake.workspace), revision: 'rev-editor' });
    await useWorkspaceStore.getState().save((ws) => ({ ...ws, consumers: [{ username: 'two' }] }));
    unlisten();
    expect(fake.basedOnOfSaves()).toEqual(['rev-1', 'rev-editor']);
    expect(useWorkspaceStore.getState().revision).toBe(fake.revision);
  });

  it('saves one at a time: a second save asked for before the first answered is planned on, and names, its answer', async () => {
    await useWorkspaceStore.getState().load();
    const [first, second] = await Promise.all([
      useWorkspaceStore.getState().save((ws) => ({ ...ws, consumers: [...ws.consumers, { username: 'one' }] })),
      useWorkspaceStore.getState().save((ws) => ({ ...ws, consumers: [...ws.consumers, { username: 'two' }] })),
    ]);
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(fake.basedOnOfSaves()).toEqual(['rev-1', 'rev-2']);
    expect((fake.callsOf('workspace:save')[1] as { consumers: unknown[] }).consumers).toEqual([{ username: 'one' }, { username: 'two' }]);
  });

  it('validates with the workspace schema before sending: invalid edits never reach main', async () => {
    await useWorkspaceStore.getState().load();
    const outcome = await useWorkspaceStore.getState().save((ws) => ({ ...ws, routes: [{ name: 'r', service: 'nope', path: 'x', methods: ['FETCH'] }] }));
    expect(outcome).toEqual({
      ok: false,
      message: 'Not saved: fix the fields marked below.',
      errors: [
        { path: 'routes[0].path', message: 'a path starting with "/", without spaces, "?" or "#"' },
        { path: 'routes[0].methods[0]', message: 'expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE' },
      ],
    });
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('returns main’s refusal and its gateway errors as they came', async () => {
    await useWorkspaceStore.getState().load();
    fake.refuseNextSave = [{ path: 'services[0].name', message: 'taken' }];
    expect(await useWorkspaceStore.getState().save((ws) => ws)).toEqual({ ok: false, message: 'Not saved: fix the fields marked below.', errors: [{ path: 'services[0].name', message: 'taken' }] });
    fake.servedAfterSave = { config: 'older', leftOut: [], errors: [{ path: '(vault)', message: 'keychain gone' }] };
    expect(await useWorkspaceStore.getState().save((ws) => ws)).toMatchObject({ ok: true, gateway: { served: { config: 'older' } } });
    // The status bar follows the answer at once.
    expect(useStatusStore.getState().gateway.served.config).toBe('older');
  });

  it('reports an edit that no longer applies', async () => {
    await useWorkspaceStore.getState().load();
    const outcome = await useWorkspaceStore.getState().save(() => {
      throw new EditConflict('Not saved: service "x" no longer exists.');
    });
    expect(outcome).toEqual({ ok: false, message: 'Not saved: service "x" no longer exists.', errors: [] });
  });
});

describe('navigation store', () => {
  it('navigates at once when no form is dirty', async () => {
    expect(await useNavigationStore.getState().navigate('secrets')).toBe(true);
    expect(useNavigationStore.getState().screen).toBe('secrets');
  });

  it('asks through the confirm store when a form is dirty, and clears the flags on discard', async () => {
    useNavigationStore.getState().setDirty('service', 'service a');
    const pending = useNavigationStore.getState().navigate('traffic');
    const question = useConfirmStore.getState().open;
    expect(question).toMatchObject({ title: 'Discard unsaved changes?', confirmLabel: 'Discard changes', cancelLabel: 'Keep editing' });
    expect(question?.message).toContain('service a');
    useConfirmStore.getState().answer(false);
    expect(await pending).toBe(false);
    expect(useNavigationStore.getState().screen).toBe('services');

    const again = useNavigationStore.getState().navigate('traffic');
    useConfirmStore.getState().answer(true);
    expect(await again).toBe(true);
    expect(useNavigationStore.getState().screen).toBe('traffic');
    expect(useNavigationStore.getState().dirty).toEqual({});
  });

  it('a second question cancels the first', async () => {
    const first = useConfirmStore.getState().ask({ title: 'one', message: '', confirmLabel: 'ok' });
    const second = useConfirmStore.getState().ask({ title: 'two', message: '', confirmLabel: 'ok' });
    expect(await first).toBe(false);
    useConfirmStore.getState().answer(true);
    expect(await second).toBe(true);
  });
});

describe('secrets store', () => {
  it('keeps masks, never values, and changes keys without reading the kept ones back', async () => {
    fake.secrets.set('creds', { username: 'admin', password: 'pw' });
    await useSecretsStore.getState().load();
    expect(useSecretsStore.getState().secrets).toEqual([{ name: 'creds', namespace: undefined, keys: [{ key: 'username', masked: '••••••••' }, { key: 'password', masked: '••••••••' }] }]);
    expect(JSON.stringify(useSecretsStore.getState())).not.toContain('admin');
    expect(await useSecretsStore.getState().update({ name: 'creds' }, { password: 'new' })).toMatchObject({ ok: true });
    expect(fake.secrets.get('creds')).toEqual({ username: 'admin', password: 'new' });
    expect(fake.callsOf('secrets:reveal')).toEqual([]);
  });

  it('passes main’s request errors back without the "request." prefix', async () => {
    const result = await useSecretsStore.getState().update({ name: 'ok' }, { 'bad key': 'v' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['data["bad key"]']);
  });
});

describe('Try it store', () => {
  it('keeps the request, its password in the draft and the last response; the history keeps no credential', async () => {
    useTryItStore.getState().update({ path: '/v1/json', username: 'alex', password: 'pw-123' });
    expect(await useTryItStore.getState().send({ method: 'GET', path: '/v1/json', headers: [{ name: 'X-Api-Key', value: 'key-456' }, { name: 'X-Trace', value: '1' }], basicAuth: { username: 'alex', password: 'pw-123' } })).toEqual({ ok: true });
    const state = useTryItStore.getState();
    expect(state.response?.status).toBe(200);
    expect(state.sent).toEqual({ method: 'GET', path: '/v1/json', emptyPassword: false });
    expect(state.draft.password).toBe('pw-123');
    expect(state.history).toHaveLength(1);
    expect(state.history[0]).toMatchObject({ method: 'GET', path: '/v1/json', headers: [['X-Trace', '1']], username: 'alex', status: 200 });
    expect(JSON.stringify(state.history)).not.toMatch(/pw-123|key-456/);
  });

  it('sends the query as typed: a row goes out as it came while it reads the same, and only a changed one is written anew', () => {
    const typed = '/erp/items?ids=1,2&redirect=/a/b&flag&q=a+b&e=%7e';
    const { path, query } = splitTarget(typed);
    expect(path).toBe('/erp/items');
    expect(query.map((r) => [r.name, r.value])).toEqual([['ids', '1,2'], ['redirect', '/a/b'], ['flag', ''], ['q', 'a b'], ['e', '~']]);
    expect(joinTarget(path, query)).toBe(typed);

    const edited = query.map((r) => (r.name === 'redirect' ? { ...r, value: '/c d&e=f' } : r.name === 'flag' ? { ...r, name: 'flag2' } : r));
    expect(joinTarget(path, [...edited, newHeaderRow('new', 'x+y')])).toBe('/erp/items?ids=1,2&redirect=/c%20d%26e%3Df&flag2&q=a+b&e=%7e&new=x%2By');
    expect(joinTarget('/x', splitTarget('/x?a=%zz&&b=').query)).toBe('/x?a=%zz&b=');
  });

  it('restores a history entry\'s query as it was sent', async () => {
    useTryItStore.getState().update({ path: '/erp/items', query: splitTarget('/erp/items?ids=1,2&flag').query });
    await useTryItStore.getState().send({ method: 'GET', path: '/erp/items?ids=1,2&flag', headers: [] });
    useTryItStore.getState().update({ path: '/', query: [] });
    useTryItStore.getState().restore(useTryItStore.getState().history[0]!);
    const { draft } = useTryItStore.getState();
    expect(joinTarget(draft.path, draft.query)).toBe('/erp/items?ids=1,2&flag');
  });
});
