import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { isTrustedSender } from '../../../main/electron/trusted-sender';
import { builtGatewayEntry } from '../../support/built-gateway';
import { createTestPki } from '../../support/test-certificates';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import type { IpcEnvelope } from '../../../main/ipc/contract';

// The whole main side in plain Node: real store on disk, real vault (the OS keychain when one is
// running, else the session-only vault the app falls back to), real forked gateway.
const PASSWORD = `pw-${randomUUID()}`;
let dataDir: string;
let app: AppServices;
let upstream: RecordingUpstream;
const service = `Gatehouse-test-${randomUUID()}`;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-app-'));
  const entry = await builtGatewayEntry();
  upstream = await startRecordingUpstream();
  app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), keychainService: service, gatewayPort: 0 });
  await app.startGateway();
});

afterAll(async () => {
  await call('secrets:delete', { name: 'alex-pw' }).catch(() => undefined);
  await call('secrets:delete', { name: 'pasted-api-production-credentials' }).catch(() => undefined);
  await app.shutdown();
  await upstream.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('app services over the IPC dispatcher', () => {
  it('uses the OS keychain when one is running (always in CI)', async () => {
    const status = await call<{ mode: string; reason?: string }>('vault:status');
    if (process.env.CI) expect(status).toEqual({ mode: 'keychain' });
    else expect(['keychain', 'session-only']).toContain(status.mode);
  });

  it('refuses unknown channels and invalid payloads with field paths', async () => {
    expect(await app.dispatch('fs:read', '/etc/passwd')).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_UNKNOWN_CHANNEL' } });
    const bad = await app.dispatch('tryit:send', { method: 'FETCH', path: 'nope', headers: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST' } });
    if (bad.ok) return;
    expect(bad.error.errors?.map((e) => e.path)).toEqual(['request.method', 'request.path']);
    expect(await app.dispatch('secrets:set', { name: 'x', data: { 'bad key': 'v' } })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST' } });
  });

  it('saves a workspace, stores the password in the vault, and the gateway serves it', async () => {
    expect(await call('secrets:set', { name: 'alex-pw', data: { password: PASSWORD } })).toEqual(expect.objectContaining({ ok: true }));
    const saved = await call('workspace:save', {
      services: [{ name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url } }],
      routes: [{ name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'], plugins: { 'basic-auth': {} } }],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    });
    expect(saved).toMatchObject({ ok: true });
    const denied = await call<{ status: number; headers: [string, string][] }>('tryit:send', { method: 'GET', path: '/v1/json', headers: [] });
    expect(denied.status).toBe(401);
    expect(denied.headers).toContainEqual(['www-authenticate', 'Basic realm=".", charset="UTF-8"']);
    const allowed = await call<{ status: number }>('tryit:send', { method: 'GET', path: '/v1/json', headers: [], basicAuth: { username: 'alex', password: PASSWORD } });
    expect(allowed.status).toBe(200);
  });

  it('Try it sends a header value as UTF-8, and leaves framing headers to itself with the field named', async () => {
    const before = upstream.requests.length;
    const sent = await call<{ status: number }>('tryit:send', { method: 'GET', path: '/v1/json', headers: [{ name: 'X-Note', value: 'price € 5' }], basicAuth: { username: 'alex', password: PASSWORD } });
    expect(sent.status).toBe(200);
    expect(upstream.requests.slice(before).map((r) => Buffer.from(String(r.headers['x-note']), 'latin1').toString('utf8'))).toEqual(['price € 5']);
    for (const name of ['Transfer-Encoding', 'content-length', 'Connection']) {
      const refused = await app.dispatch('tryit:send', { method: 'POST', path: '/v1/json', headers: [{ name: 'X-Ok', value: '1' }, { name, value: 'chunked' }], body: 'x' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST', errors: [{ path: 'request.headers[1].name', message: 'set by Try it from the body and the connection' }] } });
    }
  });

  it('refuses an invalid workspace with field errors and keeps the saved one', async () => {
    const result = await call<{ ok: boolean; errors?: { path: string }[] }>('workspace:save', { services: [{ name: 'x', upstream: { url: 'nope' } }] });
    expect(result.ok).toBe(false);
    expect(result.errors?.[0]?.path).toBe('services[0].upstream.url');
    const current = await call<{ workspace: { services: { name: string }[] } }>('workspace:get');
    expect(current.workspace.services[0]!.name).toBe('basic-auth-app');
  });

  it('lists secrets masked and reveals a value only when asked', async () => {
    const list = await call<unknown[]>('secrets:list');
    expect(JSON.stringify(list)).not.toContain(PASSWORD);
    expect(list).toContainEqual({ name: 'alex-pw', namespace: undefined, keys: [{ key: 'password', masked: '••••••••' }] });
    expect(await call('secrets:reveal', { name: 'alex-pw', key: 'password' })).toEqual({ value: PASSWORD });
    await expect(call('secrets:reveal', { name: 'alex-pw', key: 'nope' })).rejects.toThrow('secret "alex-pw" has no key "nope"');
  });

  it('refuses, when saved, a certificate whose key is not its own and request parameters that cannot be sent', async () => {
    const pki = await createTestPki();
    const mismatch = await app.dispatch('secrets:set', { name: 'bad-cert', data: { crt: pki.client.cert, key: pki.strayKey } });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_CLIENT_CERTIFICATE' } });
    if (!mismatch.ok) {
      expect(mismatch.error.message).toContain('secret "bad-cert" key "key" does not belong to secret "bad-cert" key "crt"');
      expect(mismatch.error.message).not.toContain('PRIVATE KEY');
    }
    const badHeader = await app.dispatch('secrets:set', { name: 'bad-params', data: { headers: JSON.stringify({ 'X-Tenant': ['a\r\nInjected: yes'] }) } });
    expect(badHeader).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_REQUEST_PARAMETERS' } });
    expect(await call('secrets:list')).not.toContainEqual(expect.objectContaining({ name: 'bad-cert' }));
    expect(await call('secrets:set', { name: 'good-cert', data: { crt: pki.client.cert, key: pki.client.key } })).toMatchObject({ ok: true });
    await call('secrets:delete', { name: 'good-cert' });
  });

  it('imports pasted seed documents: preview shows names only, apply stores secrets and saves the workspace', async () => {
    const text = `"endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": "${upstream.url}"},
      "endpoint_security": {"production": {"enabled": true, "type": "Basic", "username": "admin", "password": "${PASSWORD}-backend"}}}`;
    const preview = await call<Record<string, unknown>>('import:preview', { text, name: 'pasted-api' });
    expect(preview).toMatchObject({ services: ['pasted-api'], secrets: [{ name: 'pasted-api-production-credentials', keys: ['username', 'password'] }] });
    expect(JSON.stringify(preview)).not.toContain(PASSWORD);
    const applied = await call<{ ok: boolean; notes?: string[] }>('import:apply', { text, name: 'pasted-api' });
    expect(applied.ok).toBe(true);
    const res = await call<{ status: number }>('tryit:send', { method: 'GET', path: '/pasted-api/x', headers: [] });
    expect(res.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`admin:${PASSWORD}-backend`).toString('base64')}`);
    const bad = await app.dispatch('import:preview', { text: '{"hello": 1}' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_IMPORT_FAILED' } });
  });

  it('exports the workspace without secrets, or as an encrypted bundle that imports back', async () => {
    const plain = await call<{ text: string; encrypted: boolean }>('workspace:export', {});
    expect(plain.encrypted).toBe(false);
    expect(plain.text).toContain('basic-auth-app');
    expect(plain.text).not.toContain(PASSWORD);
    const sealed = await call<{ text: string; encrypted: boolean }>('workspace:export', { passphrase: 'correct horse battery' });
    expect(sealed.encrypted).toBe(true);
    expect(sealed.text).not.toContain(PASSWORD);
    expect(await app.dispatch('workspace:import', { text: sealed.text, passphrase: 'wrong passphrase' })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_BUNDLE_WRONG_PASSPHRASE' } });
    expect(await call('workspace:import', { text: sealed.text, passphrase: 'correct horse battery' })).toMatchObject({ ok: true });
  });

  it('secrets:update changes some keys and keeps the others in main, answering with no value', async () => {
    const ref = { name: `update-${randomUUID().slice(0, 8)}` };
    await call('secrets:update', { ...ref, set: { username: 'erp-user', password: PASSWORD, extra: 'x' } });
    const answer = await call('secrets:update', { ...ref, set: { password: 'changed-value' }, remove: ['extra'] });
    expect(JSON.stringify(answer)).not.toContain('erp-user');
    expect(JSON.stringify(answer)).not.toContain('changed-value');
    expect(await call('secrets:reveal', { ...ref, key: 'username' })).toEqual({ value: 'erp-user' });
    expect(await call('secrets:reveal', { ...ref, key: 'password' })).toEqual({ value: 'changed-value' });
    const listed = await call<{ name: string; keys: { key: string }[] }[]>('secrets:list');
    expect(listed.find((s) => s.name === ref.name)?.keys.map((k) => k.key).sort()).toEqual(['password', 'username']);
    expect(await app.dispatch('secrets:update', { ...ref, set: {}, remove: ['username', 'password'] })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_SECRET' } });
    await call('secrets:delete', ref);
  });

  it('secrets:update with createOnly writes a new secret but never merges into a stored one: refused on name, nothing written', async () => {
    const ref = { name: `create-${randomUUID().slice(0, 8)}` };
    await call('secrets:update', { ...ref, set: { password: PASSWORD }, createOnly: true });
    const refused = await app.dispatch('secrets:update', { ...ref, set: { password: 'typed-over', extra: 'x' }, createOnly: true });
    const message = `a secret named ${ref.name} already exists: open it to change it, or choose another name`;
    expect(refused).toEqual({ ok: false, error: { code: 'GATEHOUSE_SECRET_EXISTS', message, errors: [{ path: 'name', message }] } });
    expect(await call('secrets:reveal', { ...ref, key: 'password' })).toEqual({ value: PASSWORD });
    expect((await call<{ name: string; keys: { key: string }[] }[]>('secrets:list')).find((s) => s.name === ref.name)?.keys.map((k) => k.key)).toEqual(['password']);
    // The same name in a namespace is another secret; and the flag is true or absent, nothing else.
    await call('secrets:update', { ...ref, namespace: 'team-a', set: { password: 'other' }, createOnly: true });
    expect(await app.dispatch('secrets:update', { ...ref, set: { password: 'x' }, createOnly: false })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST', errors: [{ path: 'request.createOnly' }] } });
    await call('secrets:delete', ref);
    await call('secrets:delete', { ...ref, namespace: 'team-a' });
  });

  it('two updates of one secret at once: each reads what the other wrote, so no key is lost and one "new" secret of a name is refused', async () => {
    const ref = { name: `race-${randomUUID().slice(0, 8)}` };
    // Sent together, as two windows (or a double click) would: main has both before either is stored.
    const [first, second] = await Promise.all([
      app.dispatch('secrets:update', { ...ref, set: { password: PASSWORD }, createOnly: true }),
      app.dispatch('secrets:update', { ...ref, set: { password: 'typed-over' }, createOnly: true }),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_SECRET_EXISTS' } });
    expect(await call('secrets:reveal', { ...ref, key: 'password' })).toEqual({ value: PASSWORD });

    await Promise.all([
      call('secrets:update', { ...ref, set: { username: 'svc' } }),
      call('secrets:update', { ...ref, set: { region: 'eu' } }),
    ]);
    expect((await call<{ name: string; keys: { key: string }[] }[]>('secrets:list')).find((s) => s.name === ref.name)?.keys.map((k) => k.key).sort()).toEqual(['password', 'region', 'username']);
    await call('secrets:delete', ref);
  });

  it('workspace:save with secrets the request cannot carry is refused as that request, naming the field, and writes nothing', async () => {
    const { workspace, revision } = await call<{ workspace: unknown; revision: string }>('workspace:get');
    const refused = await app.dispatch('workspace:save', { workspace, basedOn: revision, secrets: [{ name: 'never-written', set: { 'bad key': 'v' } }] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST', errors: [expect.objectContaining({ path: expect.stringMatching(/^request\.secrets\[0\]\.set/) })] } });
    expect((await call<{ name: string }[]>('secrets:list')).map((s) => s.name)).not.toContain('never-written');
  });

  it('workspace:save answers with the saved workspace and what the gateway serves, items left out named', async () => {
    const saved = await call<{ ok: true; workspace: { services: { name: string }[] }; gateway: { served: unknown } }>('workspace:save', {
      services: [
        { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url } },
        { name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'backend-creds' } },
      ],
      routes: [{ name: 'anything', service: 'basic-auth-app', path: '/anything', match: 'prefix' }],
    });
    expect(saved.workspace.services.map((s) => s.name)).toEqual(['basic-auth-app', 'erp']);
    expect(saved.gateway.served).toEqual({
      config: 'saved',
      leftOut: [{ kind: 'service', path: 'services[1]', name: 'erp', message: expect.stringContaining('secret "backend-creds" not found'), secret: { name: 'backend-creds' } }],
    });
    // Everything else is served: the new route answers.
    expect((await call<{ status: number }>('tryit:send', { method: 'GET', path: '/v1/anything', headers: [] })).status).toBe(200);
    expect((await call<{ status: number }>('tryit:send', { method: 'GET', path: '/erp/x', headers: [] })).status).toBe(503);
  });

  it('writes no secret value to any file in its data folder', async () => {
    const files = await readdir(dataDir, { recursive: true });
    expect(files).toContain('workspace.json');
    for (const file of files) {
      const text = await readFile(join(dataDir, file), 'utf8').catch(() => '');
      expect(text, file).not.toContain(PASSWORD);
    }
  });
});

describe('IPC sender check', () => {
  const window = { isDestroyed: () => false, webContents: { id: 7 } };
  it('accepts only the app page in the app window', () => {
    const mainFrame = (url: string) => ({ url, parent: null });
    expect(isTrustedSender(window, mainFrame('app://gatehouse/index.html'), 7)).toBe(true);
    expect(isTrustedSender(window, mainFrame('https://evil.example/'), 7)).toBe(false);
    expect(isTrustedSender(window, mainFrame('app://gatehouse/index.html'), 8)).toBe(false);
    expect(isTrustedSender(window, null, 7)).toBe(false);
    expect(isTrustedSender({ ...window, isDestroyed: () => true }, mainFrame('app://gatehouse/'), 7)).toBe(false);
    expect(isTrustedSender(undefined, mainFrame('app://gatehouse/'), 7)).toBe(false);
    // A frame inside the app's page, even one of the app's own origin, is not the page.
    expect(isTrustedSender(window, { url: 'app://gatehouse/index.html', parent: mainFrame('app://gatehouse/index.html') }, 7)).toBe(false);
  });
});
