import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api/index';
import type { IpcEnvelope } from '../../../main/ipc/contract';
import { WORKSPACE_FILE } from '../../../main/services/workspace-store';

// cluster:import-application stores the cluster's Secrets in the vault: they pass the same check as a secret
// entered on the Secrets screen (bug: the import skipped it and stored header parameters no request could send).
// The API server is the fake one (no real one can run here); vault, store and gateway process are real.
const NS = 'kyma-integration';
let api: FakeKubeApi;
let app: AppServices;
let dataDir: string;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

function seed(apiVersion: string, plural: string, object: Record<string, unknown>): void {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const type = api.registry.find(group!, version!, plural)!;
  const name = (object.metadata as { name: string }).name;
  const namespace = (object.metadata as { namespace?: string }).namespace;
  api.store.put(type, namespace, name, { ...object, metadata: { ...(object.metadata as object), uid: randomUUID(), resourceVersion: api.store.nextRevision() } });
}

function seedApplication(name: string, secretName: string): void {
  seed('applicationconnector.kyma-project.io/v1alpha1', 'applications', {
    apiVersion: 'applicationconnector.kyma-project.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { services: [{ id: randomUUID(), name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ type: 'API', targetUrl: 'http://127.0.0.1:9/erp', requestParametersSecretName: secretName }] }] },
  });
}

function seedSecret(name: string, data: Record<string, string>): void {
  seed('v1', 'secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, namespace: NS },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

beforeAll(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
  const kubeconfig = await api.writeKubeconfig({ credentials: { token: api.addUser('admin') }, namespace: NS });
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-app-import-app-'));
  const entry = await builtGatewayEntry();
  app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), keychainService: `Gatehouse-test-${randomUUID()}`, gatewayPort: 0, kubeconfigFiles: [kubeconfig] });
  await app.startGateway();
  await call('cluster:connect', {});
});

afterAll(async () => {
  for (const name of ['good-params', 'bad-params']) await call('secrets:delete', { name, namespace: NS }).catch(() => undefined);
  await app.shutdown();
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('cluster:import-application checks each Secret before it is stored', () => {
  it('refuses an Application whose Secret holds header parameters that could not be sent, and stores nothing', async () => {
    seedSecret('bad-params', { headers: 'this is not a header document' });
    seedApplication('broken', 'bad-params');
    const refused = call('cluster:import-application', { name: 'broken', secretNamespace: NS });
    await expect(refused).rejects.toMatchObject({ message: expect.stringContaining('secret "bad-params" key "headers"') });
    const secrets = await call<{ name: string }[]>('secrets:list');
    expect(secrets.map((s) => s.name)).not.toContain('bad-params');
    const { workspace } = await call<{ workspace: { applications: { name: string }[] } }>('workspace:get');
    expect(workspace.applications.map((a) => a.name)).not.toContain('broken');
  });

  it('imports an Application whose Secrets pass the check', async () => {
    seedSecret('good-params', { headers: JSON.stringify({ 'X-Tenant': ['acme'] }) });
    seedApplication('commerce', 'good-params');
    expect(await call('cluster:import-application', { name: 'commerce', secretNamespace: NS })).toMatchObject({ ok: true });
    const secrets = await call<{ name: string; keys: { key: string }[] }[]>('secrets:list');
    expect(secrets.find((s) => s.name === 'good-params')?.keys.map((k) => k.key)).toEqual(['headers']);
  });

  it('stores its Secrets only with the workspace save: a save that fails leaves the keychain as it was, and says so', async () => {
    // The keychain's good-params, changed since the last import; the cluster's still says acme.
    await call('secrets:set', { name: 'good-params', namespace: NS, data: { headers: JSON.stringify({ 'X-Tenant': ['before'] }) } });
    seedApplication('offline', 'good-params');
    // The store moves the old file to workspace.json.bak before writing the new one: a folder there refuses it (EISDIR), root or not.
    const backup = join(dataDir, `${WORKSPACE_FILE}.bak`);
    await rm(backup, { force: true });
    await mkdir(join(backup, 'in-the-way'), { recursive: true });
    const refused = await call('cluster:import-application', { name: 'offline', secretNamespace: NS }).catch((error: unknown) => error).finally(() => rm(backup, { recursive: true, force: true }));
    expect(await call('secrets:reveal', { name: 'good-params', namespace: NS, key: 'headers' })).toEqual({ value: JSON.stringify({ 'X-Tenant': ['before'] }) });
    expect(refused).toMatchObject({
      code: 'GATEHOUSE_WORKSPACE_FILE_ACCESS',
      message: expect.stringMatching(/Nothing was saved; .*; its secret kyma-integration\/good-params was not stored: the vault holds what it held before$/),
    });
  });
});
