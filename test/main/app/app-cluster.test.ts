import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { startFakeKubeApi, statuses, type FakeKubeApi } from '../../support/fake-kube-api/index';
import { HAVE_KUBECTL, kubectl } from '../../support/fake-kube-api/kubectl';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { REPO_ROOT } from '../../support/spawn-cli';
import type { IpcEnvelope } from '../../../main/ipc/contract';

// The app's cluster features end to end: IPC → app services → @kubernetes/client-node → the fake API
// server (no real API server can run here), with the real vault, store and gateway process.
const NS = 'kyma-integration';
const KYMA_PASSWORD = `kyma-${randomUUID()}`;
let api: FakeKubeApi;
let app: AppServices;
let dataDir: string;
let upstream: RecordingUpstream;
let kubeconfig: string;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

beforeAll(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
  kubeconfig = await api.writeKubeconfig({ credentials: { token: api.addUser('admin') }, namespace: NS });
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-app-cluster-'));
  upstream = await startRecordingUpstream();
  const entry = await builtGatewayEntry();
  app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), keychainService: `Gatehouse-test-${randomUUID()}`, gatewayPort: 0, kubeconfigFiles: [kubeconfig] });
  await app.startGateway();
});

afterAll(async () => {
  await call('secrets:delete', { name: 'erp-basic', namespace: NS }).catch(() => undefined);
  await app.shutdown();
  await upstream.close();
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

const workspace = () => ({
  applications: [{
    name: 'commerce', namespace: NS,
    services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: upstream.url, credentials: { type: 'Basic', secretName: 'erp-basic' } }] }],
  }],
});

describe('cluster features through the app', () => {
  it('lists contexts and connects, reporting version and permissions', async () => {
    const contexts = await call<{ contexts: { name: string }[] }>('cluster:contexts');
    expect(contexts.contexts).toHaveLength(1);
    const report = await call<{ serverVersion: string; missing: string[]; targets: { kymaApplications: boolean } }>('cluster:connect', {});
    expect(report.serverVersion).toMatch(/^v1\./);
    expect(report.missing).toEqual([]);
    expect(report.targets.kymaApplications).toBe(true);
    const again = await call<{ remembered?: { context?: string; namespace?: string } }>('cluster:contexts');
    expect(again.remembered).toEqual({ context: contexts.contexts[0]!.name, namespace: NS });
  });

  it('pushes the workspace as a Secret and a Kyma Application; a second push is unchanged', async () => {
    await call('secrets:set', { name: 'erp-basic', namespace: NS, data: { username: 'erp-user', password: KYMA_PASSWORD } });
    expect(await call('workspace:save', workspace())).toMatchObject({ ok: true });
    const plan = await call<{ items: { label: string; action: string }[] }>('cluster:plan');
    expect(plan.items.map((i) => [i.label, i.action])).toEqual([[`Secret ${NS}/erp-basic`, 'create'], ['Application commerce', 'create']]);
    expect(JSON.stringify(plan)).not.toContain(KYMA_PASSWORD);
    const first = await call<{ items: { outcome: string }[] }>('cluster:push', {});
    expect(first.items.map((i) => i.outcome)).toEqual(['created', 'created']);
    const second = await call<{ items: { outcome: string }[] }>('cluster:push', {});
    expect(second.items.map((i) => i.outcome)).toEqual(['unchanged', 'unchanged']);
    const secret = api.store.get(api.registry.find('', 'v1', 'secrets')!, NS, 'erp-basic')!;
    expect(Buffer.from((secret.data as Record<string, string>).password!, 'base64').toString()).toBe(KYMA_PASSWORD);
    expect((secret.metadata as { labels: Record<string, string> }).labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gatehouse' });
  });

  it("resolves a secret the vault lacks from the connected cluster's Secret", async () => {
    await call('secrets:delete', { name: 'erp-basic', namespace: NS });
    expect(await call('workspace:save', workspace())).toMatchObject({ ok: true });
    const res = await call<{ status: number }>('tryit:send', { method: 'GET', path: '/commerce/erp/orders', headers: [] });
    expect(res.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`erp-user:${KYMA_PASSWORD}`).toString('base64')}`);
    expect(upstream.requests.at(-1)!.url).toBe('/orders');
  });

  it('exports YAML without secret values unless asked', async () => {
    const { yaml } = await call<{ yaml: string }>('cluster:export', {});
    expect(yaml).not.toContain(Buffer.from(KYMA_PASSWORD).toString('base64'));
    const kinds = parseAllDocuments(yaml).map((d) => (d.toJS() as { kind?: string } | null)?.kind).filter(Boolean);
    // The Secret is left out (its values are not exported), with the line that creates it in the header.
    expect(kinds).toEqual(['Application']);
    expect(yaml).toContain('#   kubectl create secret generic erp-basic');
  });

  it('a push that stops midway says what it had already done, with the cause', async () => {
    await call('secrets:set', { name: 'erp-basic', namespace: NS, data: { username: 'erp-user', password: KYMA_PASSWORD } });
    expect(await call('workspace:save', workspace())).toMatchObject({ ok: true });
    // The Secret goes first and is applied; then the token is refused, before the Application.
    const stop = api.intercept((req, path) => (req.method === 'PATCH' && path.includes('/applications/') && !req.url!.includes('dryRun') ? statuses.unauthorized() : undefined));
    try {
      const failure = (await call('cluster:push', {}).catch((error: unknown) => error)) as { code: string; message: string };
      expect(failure.code).toMatch(/^GATEHOUSE_CLUSTER/);
      expect(failure.message).toMatch(new RegExp(`\\. The push stopped after Secret ${NS}/erp-basic \\((created|updated|unchanged)\\)$`));
    } finally {
      stop();
      await call('secrets:delete', { name: 'erp-basic', namespace: NS });
    }
  });

  it("pushes an OAuth secret's token-request headers and query parameters when it has them, as Kyma reads them", async () => {
    const headers = JSON.stringify({ 'X-Tenant': ['acme'] });
    const queryParameters = JSON.stringify({ audience: ['erp'] });
    await call('secrets:set', { name: 'erp-oauth', namespace: NS, data: { clientId: 'erp-client', clientSecret: KYMA_PASSWORD, headers, queryParameters } });
    await call('secrets:set', { name: 'crm-oauth', namespace: NS, data: { clientId: 'crm-client', clientSecret: KYMA_PASSWORD } });
    const oauth = (secretName: string) => ({ targetUrl: upstream.url, credentials: { type: 'OAuth', secretName, authenticationUrl: `${upstream.url}/token` } });
    expect(await call('workspace:save', {
      applications: [{
        name: 'commerce', namespace: NS,
        services: [
          { id: 'c1', name: 'erp', displayName: 'ERP', entries: [oauth('erp-oauth')] },
          { id: 'c2', name: 'crm', displayName: 'CRM', entries: [oauth('crm-oauth')] },
        ],
      }],
    })).toMatchObject({ ok: true });
    try {
      await call('cluster:push', {});
      const secrets = api.registry.find('', 'v1', 'secrets')!;
      const decoded = (name: string) => Object.fromEntries(Object.entries(api.store.get(secrets, NS, name)!.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      expect(decoded('erp-oauth')).toEqual({ clientId: 'erp-client', clientSecret: KYMA_PASSWORD, headers, queryParameters });
      expect(decoded('crm-oauth')).toEqual({ clientId: 'crm-client', clientSecret: KYMA_PASSWORD });
    } finally {
      await call('secrets:delete', { name: 'erp-oauth', namespace: NS });
      await call('secrets:delete', { name: 'crm-oauth', namespace: NS });
    }
  });

  it.skipIf(!HAVE_KUBECTL && !process.env.CI)('CLI export of a workspace file passes kubectl apply --dry-run=server', async () => {
    const wsPath = join(dataDir, 'workspace.json');
    const out = join(dataDir, 'export.yaml');
    await promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main/cli/main.ts', 'export', '--workspace', wsPath, '--namespace', NS, '-o', out], { cwd: REPO_ROOT });
    const applied = await kubectl(kubeconfig, ['apply', '--server-side', '--field-manager=gatehouse', '--dry-run=server', '-f', out]);
    expect(applied.code, applied.stderr).toBe(0);
  });

  it("says which consumer's id and customId an ApisixConsumer cannot carry, and pushes it without them", async () => {
    api.installCrd('apisix');
    await call('secrets:set', { name: 'consumer-login', data: { alex: 'alex-Pa55', sam: 'sam-Pa55', kim: 'kim-Pa55' } });
    const login = (key: string) => ({ password: { secret: 'consumer-login', key } });
    expect(await call('workspace:save', {
      consumers: [
        { username: 'alex', id: 'c-1', customId: 'crm-1207', basicAuth: login('alex') },
        { username: 'sam', customId: 'crm-9', basicAuth: login('sam') },
        { username: 'kim', basicAuth: login('kim') },
        { username: 'guest', id: 'anon-0' },
      ],
    })).toMatchObject({ ok: true });
    try {
      const plan = await call<{ workspaceItems: { kind: string; name: string; status: string; reason?: string }[] }>('cluster:plan');
      expect(plan.workspaceItems.map(({ name, status, reason }) => [name, status, reason])).toEqual([
        ['alex', 'pushed', 'its id (X-Consumer-ID) and customId (X-Consumer-Custom-ID) are not pushed: an ApisixConsumer carries only credentials (spec.authParameter)'],
        ['sam', 'pushed', 'its customId (X-Consumer-Custom-ID) is not pushed: an ApisixConsumer carries only credentials (spec.authParameter)'],
        ['kim', 'pushed', undefined],
        ['guest', 'not-applicable', 'no basic-auth credentials: nothing for an APISIX consumer to hold'],
      ]);
      const pushed = await call<{ ok: boolean; workspaceItems: { name: string; reason?: string }[] }>('cluster:push', {});
      expect(pushed.ok).toBe(true);
      expect(pushed.workspaceItems.map((i) => i.reason)).toEqual(plan.workspaceItems.map((i) => i.reason));
      const consumer = api.store.get(api.registry.find('apisix.apache.org', 'v2', 'apisixconsumers')!, NS, 'alex')!;
      expect(consumer.spec).toEqual({ authParameter: { basicAuth: { secretRef: { name: 'gatehouse-consumer-alex' } } } });

      // With only the route CRD left, the consumers are not served, and the reason names the CRD that is missing.
      api.uninstallCrd('apisix.apache.org', 'apisixconsumers');
      const partial = await call<{ items: { label: string; action: string; message?: string }[] }>('cluster:plan');
      expect(partial.items.find((i) => i.label === `ApisixConsumer ${NS}/alex`)).toMatchObject({
        action: 'unsupported',
        message: 'this cluster does not serve APISIX consumers and routes (no ApisixConsumer CRD in apisix.apache.org/v2)',
      });
      api.installCrd('apisix');
    } finally {
      await call('secrets:delete', { name: 'consumer-login' });
      api.uninstallCrd('apisix.apache.org', 'apisixroutes');
      api.uninstallCrd('apisix.apache.org', 'apisixconsumers');
    }
  });
});
