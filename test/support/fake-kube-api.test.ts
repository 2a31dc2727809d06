// The fake API server checked with the real kubectl: if kubectl behaves against it as against a cluster,
// the product tests that use it test something real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { startFakeKubeApi, type FakeKubeApi } from './fake-kube-api/index';
import { FakeClusterPki } from './fake-kube-api/pki';
import { HAVE_KUBECTL, kubectl } from './fake-kube-api/kubectl';

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: backend-creds
  namespace: apps
  labels: { app.kubernetes.io/managed-by: gatehouse, tier: backend }
stringData:
  username: admin
  password: s3cret
`;

const APPLICATION = `apiVersion: applicationconnector.kyma-project.io/v1alpha1
kind: Application
metadata:
  name: orders
spec:
  skipVerify: false
  services:
    - id: 721da9cc-616e-4558-b4dc-4b58554ce7ee
      name: orders-api
      displayName: Orders API
      description: Orders
      providerDisplayName: ACME
      entries:
        - type: API
          targetUrl: https://orders.example.com
          credentials: { type: Basic, secretName: backend-creds }
`;

async function raw(api: FakeKubeApi, token: string, method: string, path: string, body?: unknown, contentType = 'application/json') {
  return new Promise<{ status: number; body: any; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, ca: api.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  });
}

describe.skipIf(!HAVE_KUBECTL && !process.env.CI)('fake kube-apiserver, checked with the real kubectl', () => {
  let api: FakeKubeApi;
  let admin: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startFakeKubeApi({ namespaces: ['default', 'kube-system', 'apps'], crds: ['kyma'] });
    adminToken = api.addUser('admin');
    admin = await api.writeKubeconfig({ credentials: { token: adminToken }, namespace: 'apps' });
  });
  afterAll(() => api?.close());

  it('serves version and discovery as kubectl expects', async () => {
    const version = await kubectl(admin, ['version', '-o', 'json']);
    expect(version.code, version.stderr).toBe(0);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.32.4');
    const resources = await kubectl(admin, ['api-resources', '--no-headers']);
    expect(resources.code, resources.stderr).toBe(0);
    expect(resources.stdout).toMatch(/^secrets\s+v1\s+true\s+Secret$/m);
    expect(resources.stdout).toMatch(/^applications\s+app\s+applicationconnector\.kyma-project\.io\/v1alpha1\s+false\s+Application$/m);
  });

  it('kubectl apply --server-side creates, a second apply changes nothing, get -o json returns the object', async () => {
    const first = await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: SECRET });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('secret/backend-creds serverside-applied');
    const got = JSON.parse((await kubectl(admin, ['get', 'secret', 'backend-creds', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(got.type).toBe('Opaque');
    expect(got.data).toEqual({ username: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cret').toString('base64') });
    expect(got.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:password': {}, 'f:username': {} }, 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {}, 'f:tier': {} } } } }),
    ]);
    const again = await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: SECRET });
    expect(again.code, again.stderr).toBe(0);
    const after = JSON.parse((await kubectl(admin, ['get', 'secret', 'backend-creds', '-o', 'json'])).stdout);
    expect(after.metadata.resourceVersion).toBe(got.metadata.resourceVersion);
  });

  it('lists with a label selector, and prints a table without -o', async () => {
    const selected = await kubectl(admin, ['get', 'secrets', '-l', 'tier=backend', '-o', 'name']);
    expect(selected.stdout.trim()).toBe('secret/backend-creds');
    expect((await kubectl(admin, ['get', 'secrets', '-l', 'tier!=backend', '-o', 'name'])).stdout.trim()).toBe('');
    const table = await kubectl(admin, ['get', 'secrets']);
    expect(table.stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\nbackend-creds\s+Opaque\s+2\s+\d+s/);
  });

  it('refuses a field another manager owns with a different value, naming the manager, until --force-conflicts', async () => {
    const other = SECRET.replace('username: admin', 'username: root');
    const refused = await kubectl(admin, ['apply', '--server-side', '--field-manager=ops-team', '-f', '-'], { stdin: other });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.username');
    const forced = await kubectl(admin, ['apply', '--server-side', '--field-manager=ops-team', '--force-conflicts', '-f', '-'], { stdin: other });
    expect(forced.code, forced.stderr).toBe(0);
    const got = JSON.parse((await kubectl(admin, ['get', 'secret', 'backend-creds', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(Buffer.from(got.data.username, 'base64').toString()).toBe('root');
    const byManager = Object.fromEntries(got.metadata.managedFields.map((m: any) => [m.manager, m.fieldsV1]));
    expect(byManager['ops-team']['f:data']).toHaveProperty('f:username');
    expect(byManager.kubectl['f:data']).not.toHaveProperty('f:username');
    expect(byManager.kubectl['f:data']).toHaveProperty('f:password');
  });

  it('--dry-run=server validates and answers without storing', async () => {
    const dry = await kubectl(admin, ['apply', '--server-side', '--dry-run=server', '-f', '-'], { stdin: APPLICATION });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(server dry run)');
    const missing = await kubectl(admin, ['get', 'application', 'orders']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('applications.applicationconnector.kyma-project.io "orders" not found');
  });

  it('validates Applications against the CRD schema: 422 with every cause, defaults applied, unknown fields refused', async () => {
    const bad = APPLICATION.replace('type: API', 'type: Foo').replace('skipVerify: false', 'skipVerify: "no"').replace('      name: orders-api\n', '');
    const refused = await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: bad });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('The Application "orders" is invalid');
    expect(refused.stderr).toContain('spec.services[0].entries[0].type: Unsupported value: "Foo": supported values: "API", "Events"');
    expect(refused.stderr).toContain('spec.skipVerify: Invalid value: "string": spec.skipVerify in body must be of type boolean: "string"');
    expect(refused.stderr).toContain('spec.services[0].name: Required value');
    const unknown = await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: APPLICATION.replace('  skipVerify: false', '  skipVerify: false\n  colour: red') });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown field "spec.colour"');
    const ok = await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: APPLICATION });
    expect(ok.code, ok.stderr).toBe(0);
    const got = JSON.parse((await kubectl(admin, ['get', 'app', 'orders', '-o', 'json'])).stdout);
    expect(got.spec.encodeUrl).toBe(true);
    expect(got.metadata.generation).toBe(1);
    expect(got.metadata.namespace).toBeUndefined();
  });

  it('kubectl delete removes the object; get then reports NotFound', async () => {
    const deleted = await kubectl(admin, ['delete', 'application', 'orders']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('application.applicationconnector.kyma-project.io "orders" deleted');
    const gone = await kubectl(admin, ['get', 'app', 'orders']);
    expect(gone.stderr).toContain('Error from server (NotFound)');
  });

  it('kubectl replace with a stale resourceVersion gets 409 Conflict', async () => {
    const current = JSON.parse((await kubectl(admin, ['get', 'secret', 'backend-creds', '-o', 'json'])).stdout);
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    const replaced = await kubectl(admin, ['replace', '-f', '-'], { stdin: JSON.stringify(stale) });
    expect(replaced.code).not.toBe(0);
    expect(replaced.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });

  it('answers the protocol details directly: 404 namespace, 422 Status details, create conflict, SelfSubjectAccessReview', async () => {
    const noNs = await raw(api, adminToken, 'POST', '/api/v1/namespaces/nowhere/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
    expect(noNs.status).toBe(404);
    expect(noNs.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'namespaces "nowhere" not found', details: { name: 'nowhere', kind: 'namespaces' } });
    const invalid = await raw(api, adminToken, 'POST', '/api/v1/namespaces/apps/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'Bad_Name' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    const exists = await raw(api, adminToken, 'POST', '/api/v1/namespaces/apps/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'backend-creds' } });
    expect(exists.status).toBe(409);
    expect(exists.body).toMatchObject({ reason: 'AlreadyExists', message: 'secrets "backend-creds" already exists' });
    const review = await raw(api, adminToken, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'patch', resource: 'secrets', namespace: 'apps' } },
    });
    expect(review.status).toBe(201);
    expect(review.body.status.allowed).toBe(true);
    const noManager = await raw(api, adminToken, 'PATCH', '/api/v1/namespaces/apps/secrets/backend-creds', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'backend-creds' } }, 'application/apply-patch+yaml');
    expect(noManager.status).toBe(400);
  });

  it('authenticates client certificates from the cluster CA and enforces each user’s permissions', async () => {
    const cert = await api.clientCertificate('dev', ['developers']);
    api.authorizer.setRules('dev', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'], namespaces: ['apps'] }]);
    const dev = await api.writeKubeconfig({ credentials: { cert }, namespace: 'apps', context: 'dev' });
    const list = await kubectl(dev, ['get', 'secrets', '-o', 'name']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('secret/backend-creds');
    const write = await kubectl(dev, ['apply', '--server-side', '-f', '-'], { stdin: SECRET });
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('secrets "backend-creds" is forbidden: User "dev" cannot patch resource "secrets" in API group "" in the namespace "apps"');
    const other = await kubectl(dev, ['get', 'secrets', '-n', 'default']);
    expect(other.stderr).toContain('User "dev" cannot list resource "secrets" in API group "" in the namespace "default"');
  });

  it('answers kubectl auth can-i (SelfSubjectAccessReview, sent as protobuf) from each user’s permission table', async () => {
    const reader = await api.writeKubeconfig({ credentials: { token: api.addUser('reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }]) }, context: 'reader' });
    expect((await kubectl(admin, ['auth', 'can-i', 'patch', 'applications.applicationconnector.kyma-project.io'])).stdout.trim()).toBe('yes');
    expect((await kubectl(reader, ['auth', 'can-i', 'list', 'secrets', '-n', 'apps'])).stdout.trim()).toBe('yes');
    const denied = await kubectl(reader, ['auth', 'can-i', 'create', 'secrets', '-n', 'apps']);
    expect(denied.stdout.trim()).toBe('no');
    expect(denied.code).toBe(1);
  });

  it('streams watch events: kubectl wait --for=delete returns when the object goes', async () => {
    await kubectl(admin, ['apply', '--server-side', '-f', '-'], { stdin: SECRET.replace('name: backend-creds', 'name: short-lived') });
    const waiting = kubectl(admin, ['wait', '--for=delete', 'secret/short-lived', '--timeout=20s']);
    // Delete only once kubectl's watch is subscribed, so the deletion reaches it as a watch event.
    await expect.poll(() => api.openWatches()).toBe(1);
    const deleted = await kubectl(admin, ['delete', 'secret', 'short-lived', '--wait=false']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const waited = await waiting;
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toContain('secret/short-lived condition met');
  });

  it('refuses unknown or expired credentials with 401, and kubectl distrusts a server outside its CA', async () => {
    const token = api.addUser('temp');
    api.authenticator.expireToken(token);
    const expired = await kubectl(await api.writeKubeconfig({ credentials: { token }, context: 'expired' }), ['get', 'secrets']);
    expect(expired.stderr).toMatch(/Unauthorized|You must be logged in/);
    const foreignCa = await FakeClusterPki.unrelatedCa();
    const distrust = await kubectl(await api.writeKubeconfig({ credentials: { token: adminToken }, caPem: foreignCa.cert, context: 'wrong-ca' }), ['get', 'secrets']);
    expect(distrust.code).not.toBe(0);
    expect(distrust.stderr).toContain('x509');
    const oldCert = await api.clientCertificate('dev', [], { expired: true });
    const expiredCert = await kubectl(await api.writeKubeconfig({ credentials: { cert: oldCert }, context: 'old-cert' }), ['get', 'secrets']);
    expect(expiredCert.stderr).toMatch(/Unauthorized|You must be logged in/);
  });
});
