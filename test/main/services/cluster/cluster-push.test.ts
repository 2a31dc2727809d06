// Preview, push, prune, export, import and secretRef reads with the real @kubernetes/client-node against the
// fake API server (and the real kubectl for the export round trip).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKubeApi, statuses, type FakeKubeApi } from '../../../support/fake-kube-api/index';
import { HAVE_KUBECTL, kubectl } from '../../../support/fake-kube-api/kubectl';
import { MemorySecretSource, SecretResolver } from '../../../../gateway/secrets/secret-source';
import {
  ClusterConnection,
  ClusterSecretSource,
  NotConfirmedError,
  buildDesiredObjects,
  exportYaml,
  findPruneCandidates,
  formatChanges,
  importKymaApplication,
  loadKubeconfig,
  planPush,
  pruneObjects,
  pushObjects,
  type ClusterPushInput,
  type DesiredObject,
} from '../../../../main/services/cluster/index';

const NS = 'kyma-system';

function input(overrides: Partial<ClusterPushInput> = {}): ClusterPushInput {
  return {
    workspace: 'team-a',
    namespace: NS,
    // The Kyma applications' Secrets, in the applications' namespace (as the workspace's push input has them).
    secrets: [
      { name: 'orders-basic', namespace: NS, data: { username: 'admin', password: 'first-password' } },
      { name: 'billing-oauth', namespace: NS, data: { clientId: 'billing', clientSecret: 'client-secret-1' } },
    ],
    kymaApplications: [
      {
        name: 'orders',
        skipVerify: false,
        services: [
          {
            displayName: 'Orders API',
            description: 'Orders',
            providerDisplayName: 'ACME',
            entries: [{ targetUrl: 'https://orders.example.com', credentials: { type: 'Basic', secretName: 'orders-basic', csrfInfo: { tokenEndpointURL: 'https://orders.example.com/csrf' } } }],
          },
        ],
      },
      {
        name: 'billing',
        skipVerify: true,
        services: [
          {
            displayName: 'Billing',
            description: 'Billing API',
            providerDisplayName: 'ACME',
            entries: [{ targetUrl: 'https://billing.example.com', credentials: { type: 'OAuth', secretName: 'billing-oauth', authenticationUrl: 'https://login.example.com/token' } }],
          },
        ],
      },
    ],
    ...overrides,
  };
}

let api: FakeKubeApi;
let adminToken: string;
let kubeconfig: string;
let connection: ClusterConnection;

beforeAll(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
  adminToken = api.addUser('admin');
  kubeconfig = await api.writeKubeconfig({ credentials: { token: adminToken }, namespace: NS });
  connection = ClusterConnection.open(loadKubeconfig({ files: [kubeconfig] }));
});
afterAll(() => api?.close());

describe('preview and push', () => {
  it('previews everything as new, pushes it (created), and a second push and preview report unchanged', async () => {
    const desired = buildDesiredObjects(input());
    const plan = await planPush(connection, desired);
    expect(plan.items.map((i) => [i.label, i.action])).toEqual([
      ['Secret kyma-system/orders-basic', 'create'],
      ['Secret kyma-system/billing-oauth', 'create'],
      ['Application orders', 'create'],
      ['Application billing', 'create'],
    ]);
    expect(api.store.list(api.registry.find('', 'v1', 'secrets')!, NS)).toHaveLength(0);
    const secretChanges = formatChanges(plan.items[0]!.changes);
    expect(secretChanges).toContain('+ data.password (value hidden)');
    expect(secretChanges.join('\n')).not.toContain('first-password');
    expect(secretChanges.join('\n')).not.toContain(Buffer.from('first-password').toString('base64'));
    expect(formatChanges(plan.items[2]!.changes)).toContain('+ spec.encodeUrl: true');

    const first = await pushObjects(connection, desired);
    expect(first.ok).toBe(true);
    expect(first.items.map((i) => i.outcome)).toEqual(['created', 'created', 'created', 'created']);
    const stored = api.store.get(api.registry.find('applicationconnector.kyma-project.io', 'v1alpha1', 'applications')!, undefined, 'orders')!;
    expect((stored.metadata as any).managedFields).toEqual([expect.objectContaining({ manager: 'gatehouse', operation: 'Apply' })]);

    const second = await pushObjects(connection, buildDesiredObjects(input()));
    expect(second.items.map((i) => i.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(second.counts).toMatchObject({ unchanged: 4 });
    const again = await planPush(connection, buildDesiredObjects(input()));
    expect(again.upToDate).toBe(true);
    const applyRequests = api.requests.filter((r) => r.method === 'PATCH' && r.contentType === 'application/apply-patch+yaml');
    expect(applyRequests.every((r) => r.path.includes('fieldManager=gatehouse'))).toBe(true);
    expect(applyRequests.filter((r) => r.path.includes('dryRun=All')).length).toBeGreaterThanOrEqual(8);
  });

  it('previews as an update an object another manager set to the same values, as push then writes it', async () => {
    // In its own namespace and workspace, out of the other tests' way.
    const desired = buildDesiredObjects({ workspace: 'ownership', namespace: 'default', secrets: [{ name: 'owned-elsewhere', data: { username: 'u', password: 'p' } }] });
    const applied = await fetchAs(adminToken, 'PATCH', '/api/v1/namespaces/default/secrets/owned-elsewhere?fieldManager=ops', desired[0]!.object, 'application/apply-patch+yaml');
    expect(applied.status, applied.body).toBe(201);
    const plan = await planPush(connection, desired);
    // Until 1 Dec: "unchanged" and up to date, and the push that followed said "updated".
    expect(plan.items[0]).toMatchObject({ action: 'update', changes: [{ path: 'metadata.managedFields', change: 'changed', before: 'ops', after: 'ops, gatehouse' }] });
    expect(plan.upToDate).toBe(false);
    expect((await pushObjects(connection, desired)).items[0]!.outcome).toBe('updated');
    expect((await planPush(connection, desired)).items[0]!.action).toBe('unchanged');
  });

  it('shows a readable diff for a change, with Secret values hidden, then updates', async () => {
    const changed = input();
    changed.secrets[0] = { name: 'orders-basic', namespace: NS, data: { username: 'admin', password: 'second-password' } };
    changed.kymaApplications![0]!.services[0]!.description = 'Orders, v2';
    const plan = await planPush(connection, buildDesiredObjects(changed));
    const byLabel = Object.fromEntries(plan.items.map((i) => [i.label, i]));
    expect(byLabel['Secret kyma-system/orders-basic']!.action).toBe('update');
    expect(formatChanges(byLabel['Secret kyma-system/orders-basic']!.changes)).toEqual(['~ data.password (value changed, hidden)']);
    expect(formatChanges(byLabel['Application orders']!.changes)).toEqual(['~ spec.services[0].description: "Orders" -> "Orders, v2"']);
    expect(byLabel['Application billing']!.action).toBe('unchanged');
    const pushed = await pushObjects(connection, buildDesiredObjects(changed));
    expect(pushed.items.map((i) => [i.label, i.outcome])).toEqual([
      ['Secret kyma-system/orders-basic', 'updated'],
      ['Secret kyma-system/billing-oauth', 'unchanged'],
      ['Application orders', 'updated'],
      ['Application billing', 'unchanged'],
    ]);
    await pushObjects(connection, buildDesiredObjects(input()));
  });

  it('reports a field owned by another manager with its name, and takes it over only when forced', async () => {
    const apps = api.registry.find('applicationconnector.kyma-project.io', 'v1alpha1', 'applications')!;
    // Another tool (kubectl edit) changed skipVerify: it now owns that field.
    const res = await fetchAs(adminToken, 'PATCH', '/apis/applicationconnector.kyma-project.io/v1alpha1/applications/orders?fieldManager=kubectl-edit', { spec: { skipVerify: true } }, 'application/merge-patch+json');
    expect(res.status).toBe(200);
    const plan = await planPush(connection, buildDesiredObjects(input()));
    const item = plan.items.find((i) => i.label === 'Application orders')!;
    expect(item.action).toBe('conflict');
    expect(item.conflicts).toEqual([{ manager: 'kubectl-edit', field: '.spec.skipVerify' }]);
    expect(formatChanges(item.changes)).toEqual(['~ spec.skipVerify: true -> false']);

    const refused = await pushObjects(connection, buildDesiredObjects(input()));
    const result = refused.items.find((i) => i.label === 'Application orders')!;
    expect(result).toMatchObject({ outcome: 'conflict', status: 409, conflicts: [{ manager: 'kubectl-edit', field: '.spec.skipVerify' }] });
    expect(result.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using applicationconnector.kyma-project.io/v1alpha1: .spec.skipVerify');
    expect(refused.ok).toBe(false);

    const forced = await pushObjects(connection, buildDesiredObjects(input()), { force: [result.ref] });
    expect(forced.items.find((i) => i.label === 'Application orders')!.outcome).toBe('updated');
    const after = api.store.get(apps, undefined, 'orders')!;
    expect((after.spec as any).skipVerify).toBe(false);
    const managers = ((after.metadata as any).managedFields as { manager: string; fieldsV1: any }[]).map((m) => m.manager);
    expect(managers).not.toContain('kubectl-edit');
  });

  it('reports partial failure per object: a rejected Secret keeps back the Application that uses it', async () => {
    const stop = api.intercept((req, path) =>
      req.method === 'PATCH' && path.endsWith('/secrets/billing-oauth') && !req.url!.includes('dryRun')
        ? statuses.invalid('Secret', '', 'billing-oauth', [{ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: denied by policy require-sealed-secrets' }])
        : undefined,
    );
    try {
      const changed = input();
      changed.secrets[1] = { name: 'billing-oauth', namespace: NS, data: { clientId: 'billing', clientSecret: 'rotated' } };
      changed.kymaApplications![1]!.services[0]!.description = 'Billing API v2';
      const report = await pushObjects(connection, buildDesiredObjects(changed));
      expect(report.items.map((i) => [i.label, i.outcome])).toEqual([
        ['Secret kyma-system/orders-basic', 'unchanged'],
        ['Secret kyma-system/billing-oauth', 'failed'],
        ['Application orders', 'unchanged'],
        ['Application billing', 'skipped'],
      ]);
      expect(report.items[1]).toMatchObject({ status: 422, message: 'Secret "billing-oauth" is invalid: data: Forbidden: denied by policy require-sealed-secrets' });
      expect(report.items[3]!.message).toBe('not pushed because Secret kyma-system/billing-oauth failed');
      expect(report.counts).toMatchObject({ failed: 1, skipped: 1, unchanged: 2 });
    } finally {
      stop();
    }
  });

  // An admission webhook's denial quoting the value: as a 422's cause, and as controller-runtime's admission.Denied
  // (Gatekeeper, Kyverno) answers it, a 403, with the value in quotes as Go's %q spells it.
  const plainValue = 'S3CR3T-quoted-by-a-webhook';
  const quotedValue = 'S3CR3T-"quoted"-\\and-escaped';
  const base64 = (value: string) => Buffer.from(value).toString('base64');
  const escaped = (value: string) => JSON.stringify(value).slice(1, -1);
  it.each([
    {
      refusal: 'a 422',
      password: plainValue,
      status: statuses.invalid('Secret', '', 'billing-oauth', [{ reason: 'FieldValueInvalid', field: 'data.clientSecret', message: `Invalid value: "${base64(plainValue)}": denied by policy (clientSecret=${plainValue})` }]),
      shown: 'Secret "billing-oauth" is invalid: data.clientSecret: Invalid value: "(hidden)": denied by policy (clientSecret=(hidden))',
    },
    {
      refusal: 'a webhook’s 403, the value escaped in quotes',
      password: quotedValue,
      status: statuses.webhookDenied('validation.gatekeeper.sh', `[weak-password] data.clientSecret="${escaped(quotedValue)}" (${base64(quotedValue)}) is too weak`),
      shown: 'Forbidden: admission webhook "validation.gatekeeper.sh" denied the request: [weak-password] data.clientSecret="(hidden)" ((hidden)) is too weak',
    },
  ])('hides the Secret’s values when the API server’s refusal quotes them ($refusal), in the plan and the push', async ({ password, status, shown }) => {
    const stop = api.intercept((req, path) => (req.method === 'PATCH' && path.endsWith('/secrets/billing-oauth') ? status : undefined));
    try {
      const changed = input();
      changed.secrets[1] = { name: 'billing-oauth', namespace: NS, data: { clientId: 'billing', clientSecret: password } };
      const desired = buildDesiredObjects(changed);
      const plan = await planPush(connection, desired);
      const report = await pushObjects(connection, desired);
      const messages = [plan.items.find((i) => i.label.endsWith('billing-oauth'))!.message, report.items.find((i) => i.label.endsWith('billing-oauth'))!.message];
      expect(messages).toEqual([shown, shown]);
      for (const value of [password, escaped(password), base64(password), 'S3CR3T']) expect(JSON.stringify([plan, report])).not.toContain(value);
    } finally {
      stop();
    }
  });

  // A webhook's denial of one Secret that quotes another's value (a reused password, a policy listing what it saw):
  // only the refused Secret's own values were hidden until 3 Dec.
  it('hides the values of every Secret of the push, not only the refused one’s, in the plan and the push', async () => {
    const otherPassword = 'orders-password-quoted-elsewhere';
    const status = statuses.webhookDenied('kyverno.svc', `password reuse: data.clientSecret matches the password of orders-basic ("${otherPassword}")`);
    const stop = api.intercept((req, path) => (req.method === 'PATCH' && path.endsWith('/secrets/billing-oauth') ? status : undefined));
    try {
      const changed = input();
      changed.secrets[0] = { name: 'orders-basic', namespace: NS, data: { username: 'admin', password: otherPassword } };
      const desired = buildDesiredObjects(changed);
      const plan = await planPush(connection, desired);
      const report = await pushObjects(connection, desired);
      const shown = 'Forbidden: admission webhook "kyverno.svc" denied the request: password reuse: data.clientSecret matches the password of orders-basic ("(hidden)")';
      expect(plan.items.find((i) => i.label.endsWith('billing-oauth'))!.message).toBe(shown);
      expect(report.items.find((i) => i.label.endsWith('billing-oauth'))!.message).toBe(shown);
      expect(JSON.stringify([plan, report])).not.toContain(otherPassword);
    } finally {
      stop();
      await pushObjects(connection, buildDesiredObjects(input()));
    }
  });

  it('an Application the CRD schema refuses fails with the API server’s 422 message; the others go through', async () => {
    const desired: DesiredObject[] = buildDesiredObjects(input());
    const bad = structuredClone(desired[2]!);
    bad.object.metadata.name = 'broken';
    (bad.object.spec as any).services[0].entries[0].type = 'Webhook';
    const report = await pushObjects(connection, [...desired, bad]);
    const failed = report.items.find((i) => i.label === 'Application broken')!;
    expect(failed.outcome).toBe('failed');
    expect(failed.status).toBe(422);
    expect(failed.message).toBe('Application.applicationconnector.kyma-project.io "broken" is invalid: spec.services[0].entries[0].type: Unsupported value: "Webhook": supported values: "API", "Events"');
    expect(report.items.filter((i) => i.label !== 'Application broken').every((i) => i.outcome === 'unchanged')).toBe(true);
    const plan = await planPush(connection, [bad]);
    expect(plan.items[0]).toMatchObject({ action: 'invalid', message: failed.message });
  });
});

describe('a user without write permission', () => {
  it('gets each refused object as failed with the API server’s 403 message, and its dependants skipped', async () => {
    const token = api.addUser('viewer', [{ verbs: ['get', 'list'], apiGroups: ['*'], resources: ['*'] }]);
    const viewer = ClusterConnection.open(loadKubeconfig({ files: [await api.writeKubeconfig({ credentials: { token }, namespace: NS, context: 'viewer' })] }));
    const changed = input();
    changed.secrets[0] = { name: 'orders-basic', namespace: NS, data: { username: 'admin', password: 'viewer-try' } };
    const report = await pushObjects(viewer, buildDesiredObjects(changed));
    expect(report.items[0]).toMatchObject({ outcome: 'failed', status: 403 });
    expect(report.items[0]!.message).toContain('secrets "orders-basic" is forbidden: User "viewer" cannot patch resource "secrets" in API group "" in the namespace "kyma-system"');
    expect(report.items.find((i) => i.label === 'Application orders')).toMatchObject({ outcome: 'skipped', message: 'not pushed because Secret kyma-system/orders-basic failed' });
    expect(report.items.find((i) => i.label === 'Application billing')!.outcome).toBe('skipped');
    expect(report.counts).toMatchObject({ failed: 2, skipped: 2 });
  });
});

describe('prune', () => {
  it('lists this workspace’s objects no longer in it, deletes them only on confirmation, and leaves others alone', async () => {
    await pushObjects(connection, buildDesiredObjects({ ...input(), workspace: 'team-b', secrets: [{ name: 'team-b-creds', data: { username: 'b', password: 'b' } }], kymaApplications: [] }));
    const reduced = input({ kymaApplications: [input().kymaApplications![0]!], secrets: [input().secrets[0]!] });
    const desired = buildDesiredObjects(reduced);
    const candidates = await findPruneCandidates(connection, desired, { workspace: 'team-a', pushNamespace: NS, namespaces: [NS] });
    expect(candidates.map((c) => c.label).sort()).toEqual(['Application billing', 'Secret kyma-system/billing-oauth']);
    await expect(pruneObjects(connection, candidates, { confirm: false })).rejects.toBeInstanceOf(NotConfirmedError);
    expect(api.store.get(api.registry.find('', 'v1', 'secrets')!, NS, 'billing-oauth')).toBeDefined();
    const results = await pruneObjects(connection, candidates, { confirm: true });
    expect(results.map((r) => [r.label, r.outcome])).toEqual([
      ['Application billing', 'deleted'],
      ['Secret kyma-system/billing-oauth', 'deleted'],
    ]);
    expect(api.store.get(api.registry.find('', 'v1', 'secrets')!, NS, 'team-b-creds')).toBeDefined();
    expect(await findPruneCandidates(connection, desired, { workspace: 'team-a', pushNamespace: NS, namespaces: [NS] })).toEqual([]);
    await pushObjects(connection, buildDesiredObjects(input()));
  });

  it('does not delete an object changed since it was listed', async () => {
    const candidates = await findPruneCandidates(connection, [], { workspace: 'team-b', pushNamespace: NS, namespaces: [NS] });
    expect(candidates.map((c) => c.label)).toEqual(['Secret kyma-system/team-b-creds']);
    await fetchAs(adminToken, 'PATCH', `/api/v1/namespaces/${NS}/secrets/team-b-creds?fieldManager=someone`, { metadata: { annotations: { touched: 'yes' } } }, 'application/merge-patch+json');
    const results = await pruneObjects(connection, candidates, { confirm: true });
    expect(results[0]).toMatchObject({ outcome: 'failed', message: 'changed since it was listed; list again before pruning' });
  });
});

describe.skipIf(!HAVE_KUBECTL && !process.env.CI)('export round trip through kubectl', () => {
  it('an export with values, applied by kubectl as field manager gatehouse, leaves nothing to push', async () => {
    const fresh = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
    try {
      const token = fresh.addUser('admin');
      const file = await fresh.writeKubeconfig({ credentials: { token }, namespace: NS });
      const dir = await mkdtemp(join(tmpdir(), 'export-'));
      const desired = buildDesiredObjects(input());
      const withValues = join(dir, 'with-values.yaml');
      await writeFile(withValues, exportYaml(desired, { includeSecretValues: true }));
      const applied = await kubectl(file, ['apply', '--server-side', '--field-manager=gatehouse', '-f', withValues]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout.trim().split('\n')).toHaveLength(4);
      const own = ClusterConnection.open(loadKubeconfig({ files: [file] }));
      const plan = await planPush(own, desired);
      expect(plan.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
      const secret = await new ClusterSecretSource(own).read({ name: 'orders-basic' });
      expect(secret).toEqual({ username: 'admin', password: 'first-password' });

      const redacted = join(dir, 'redacted.yaml');
      await writeFile(redacted, exportYaml(desired));
      const dry = await kubectl(file, ['apply', '--dry-run=server', '-f', redacted]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('application.applicationconnector.kyma-project.io/orders');
      expect(dry.stdout).toContain('(server dry run)');
    } finally {
      await fresh.close();
    }
  });

  it('a redacted export applied as its header says keeps the values a push set; the header’s lines create the Secrets as push would', async () => {
    const fresh = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
    try {
      const token = fresh.addUser('admin');
      const file = await fresh.writeKubeconfig({ credentials: { token }, namespace: NS });
      const own = ClusterConnection.open(loadKubeconfig({ files: [file] }));
      const desired = buildDesiredObjects(input());
      await pushObjects(own, desired);
      const redacted = join(await mkdtemp(join(tmpdir(), 'export-')), 'redacted.yaml');
      const yaml = exportYaml(desired);
      await writeFile(redacted, yaml);
      const applied = await kubectl(file, ['apply', '--server-side', '--field-manager=gatehouse', '-f', redacted]);
      expect(applied.code, applied.stderr).toBe(0);
      // Until 1 Dec the file held the Secrets without data, and this apply removed the values the push had set.
      expect(await new ClusterSecretSource(own).read({ name: 'orders-basic' })).toEqual({ username: 'admin', password: 'first-password' });

      expect((await kubectl(file, ['delete', 'secret', 'orders-basic', 'billing-oauth', '-n', NS])).code).toBe(0);
      const values: Record<string, string> = { username: 'admin', password: 'first-password', clientId: 'billing', clientSecret: 'client-secret-1' };
      for (const line of yaml.split('\n').filter((l) => l.startsWith('#   kubectl create secret'))) {
        const command = line.slice(1).trim().replace(/--from-literal=(\w+)=\.\.\./g, (_, key: string) => `--from-literal=${key}=${values[key]}`);
        const created = await runShell(command, file);
        expect(created.code, created.stderr).toBe(0);
      }
      expect((await planPush(own, desired)).items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    } finally {
      await fresh.close();
    }
  });
});

describe('reading from the cluster', () => {
  it('resolves a secretRef the local vault lacks from the cluster Secret in the API’s namespace', async () => {
    const vault = new MemorySecretSource('OS keychain', { local: { password: 'local' } });
    const resolver = new SecretResolver([vault, new ClusterSecretSource(connection, NS)]);
    expect(await resolver.readKey({ name: 'local' }, 'password', 'consumer alex')).toBe('local');
    expect(await resolver.readSecret({ name: 'orders-basic' }, 'service orders')).toEqual({ username: 'admin', password: 'first-password' });
    await expect(resolver.readSecret({ name: 'nope' }, 'service x')).rejects.toThrow('secret "nope" not found (looked in: OS keychain, cluster fake)');
  });

  it('imports an Application and its Secrets into the input model, which pushes back unchanged', async () => {
    const imported = await importKymaApplication(connection, 'orders', { secretNamespace: NS });
    expect(imported.missingSecrets).toEqual([]);
    expect(imported.secrets).toEqual([{ name: 'orders-basic', namespace: NS, data: { username: 'admin', password: 'first-password' } }]);
    expect(imported.application.services[0]).toMatchObject({ name: 'orders-api', displayName: 'Orders API', entries: [{ credentials: { type: 'Basic', secretName: 'orders-basic' } }] });
    const plan = await planPush(connection, buildDesiredObjects({ workspace: 'team-a', namespace: NS, secrets: imported.secrets, kymaApplications: [imported.application] }));
    expect(plan.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged']);
  });
});

/** A shell line (the export header's pipelines) with kubectl talking to `kubeconfig`. */
function runShell(command: string, kubeconfig: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { env: { ...process.env, KUBECONFIG: kubeconfig } }, (error, _stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stderr });
    });
  });
}

async function fetchAs(token: string, method: string, path: string, body: unknown, contentType: string) {
  const { request } = await import('node:https');
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, ca: api.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('other targets: WSO2 APK and APISIX, offered when the cluster serves their CRDs', () => {
  it('detects the CRDs, pushes Backend, ApisixConsumer and ApisixRoute, and reports a missing CRD per object', async () => {
    const { detectTargets } = await import('../../../../main/services/cluster/index');
    const multi = await startFakeKubeApi({ namespaces: ['default', 'apps'], crds: ['kyma', 'apk', 'apisix'] });
    try {
      const file = await multi.writeKubeconfig({ credentials: { token: multi.addUser('admin') }, namespace: 'apps' });
      const conn = ClusterConnection.open(loadKubeconfig({ files: [file] }));
      expect(await detectTargets(conn)).toEqual({ kymaApplications: true, apkBackends: true, apisix: true, missing: {} });
      const desired = buildDesiredObjects({
        workspace: 'team-a',
        namespace: 'apps',
        secrets: [{ name: 'backend-creds', data: { username: 'admin', password: 'admin' } }],
        apkBackends: [{ name: 'httpbin', host: 'httpbin.apps.svc', port: 80, protocol: 'http', basicAuth: { secretName: 'backend-creds' } }],
        apisixConsumers: [{ name: 'alex', secretName: 'backend-creds' }],
        apisixRoutes: [{ name: 'basic-auth-app', routes: [{ name: 'json', paths: ['/v1/json'], methods: ['GET'], backend: { serviceName: 'httpbin', servicePort: 80 }, basicAuth: true }] }],
      });
      const report = await pushObjects(conn, desired);
      expect(report.items.map((i) => [i.label, i.outcome])).toEqual([
        ['Secret apps/backend-creds', 'created'],
        ['Backend apps/httpbin', 'created'],
        ['ApisixConsumer apps/alex', 'created'],
        ['ApisixRoute apps/basic-auth-app', 'created'],
      ]);
      expect((await pushObjects(conn, desired)).counts.unchanged).toBe(4);

      multi.uninstallCrd('apisix.apache.org', 'apisixroutes');
      multi.uninstallCrd('apisix.apache.org', 'apisixconsumers');
      const fresh = ClusterConnection.open(loadKubeconfig({ files: [file] }));
      expect((await detectTargets(fresh)).apisix).toBe(false);
      const plan = await planPush(fresh, desired);
      expect(plan.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unsupported', 'unsupported']);
      expect(plan.items[2]!.message).toBe('The cluster does not serve ApisixConsumer (apisix.apache.org/v2): its CustomResourceDefinition is not installed');
      const pushed = await pushObjects(fresh, desired);
      expect(pushed.items.slice(2).map((i) => i.outcome)).toEqual(['failed', 'failed']);
    } finally {
      await multi.close();
    }
  });
});
