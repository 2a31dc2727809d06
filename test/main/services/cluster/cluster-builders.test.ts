// The objects Gatehouse builds, checked against the published Kyma CRD schema (and the APK/APISIX fixtures)
// with the fake API server's validator, plus the export file.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { KNOWN_CRDS } from '../../../support/fake-kube-api/index';
import { typesFromCrd } from '../../../support/fake-kube-api/resource-types';
import { applyDefaults, validateSchema, type JsonSchema } from '../../../support/fake-kube-api/validation';
import {
  InvalidClusterSpecError,
  buildDesiredObjects,
  clusterInputProblems,
  exportYaml,
  kymaServiceName,
  stableServiceId,
  workspaceLabelValue,
  type ClusterPushInput,
  type KubeObject,
} from '../../../../main/services/cluster/index';

function schemaOf(crd: 'kyma' | 'apk' | 'apisix', kind: string): JsonSchema {
  const types = parseAllDocuments(KNOWN_CRDS[crd]()).flatMap((d) => typesFromCrd(d.toJS()));
  return types.find((t) => t.kind === kind)!.schema!;
}

function causes(object: KubeObject, schema: JsonSchema) {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = structuredClone(object);
  applyDefaults(rest, schema);
  const out: { field?: string; message: string }[] = [];
  validateSchema(rest, schema, '', out as never);
  return out;
}

const INPUT: ClusterPushInput = {
  workspace: 'team-a',
  namespace: 'kyma-system',
  secrets: [
    { name: 'orders-basic', data: { username: 'admin', password: 'p@ss:word' } },
    { name: 'orders-oauth', data: { clientId: 'client', clientSecret: 'shh' } },
    { name: 'orders-params', data: { headers: JSON.stringify({ 'X-Tenant': ['acme'] }), queryParameters: JSON.stringify({ lang: ['en', 'de'] }) } },
  ],
  kymaApplications: [
    {
      name: 'orders',
      skipVerify: false,
      description: 'Orders backend',
      services: [
        {
          displayName: 'Orders API',
          description: 'Orders, Basic + CSRF',
          providerDisplayName: 'ACME',
          entries: [{ targetUrl: 'https://orders.example.com/api', credentials: { type: 'Basic', secretName: 'orders-basic', csrfInfo: { tokenEndpointURL: 'https://orders.example.com/csrf' } }, requestParametersSecretName: 'orders-params' }],
        },
        {
          displayName: 'Orders Admin (OAuth)',
          description: 'Admin',
          providerDisplayName: 'ACME',
          entries: [{ targetUrl: 'https://orders.example.com/admin', credentials: { type: 'OAuth', secretName: 'orders-oauth', authenticationUrl: 'https://login.example.com/oauth/token' } }],
        },
      ],
    },
  ],
};

describe('cluster object builders', () => {
  it('Secrets carry exactly the keys Kyma and APK read, base64 encoded, with the ownership labels', () => {
    const [secret] = buildDesiredObjects(INPUT);
    expect(secret!.object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-basic', namespace: 'kyma-system', labels: { 'app.kubernetes.io/managed-by': 'gatehouse', 'gatehouse.dev/workspace': 'team-a', 'gatehouse.dev/push-namespace': 'kyma-system' } },
      type: 'Opaque',
      data: { password: Buffer.from('p@ss:word').toString('base64'), username: Buffer.from('admin').toString('base64') },
    });
  });

  it('the Kyma Application is valid against the published CRD schema, with stable ids and valid service names', () => {
    const objects = buildDesiredObjects(INPUT);
    const app = objects.find((o) => o.object.kind === 'Application')!;
    expect(causes(app.object, schemaOf('kyma', 'Application'))).toEqual([]);
    // Cluster-wide: the same object whichever namespace is pushed to, so every push namespace shares it.
    expect(app.object.metadata).toEqual({ name: 'orders', labels: { 'app.kubernetes.io/managed-by': 'gatehouse', 'gatehouse.dev/workspace': 'team-a', 'gatehouse.dev/push-namespace': '' } });
    const spec = app.object.spec as { services: { id: string; name: string; entries: unknown[] }[] };
    expect(spec.services.map((s) => s.name)).toEqual(['orders-api', 'orders-admin-oauth']);
    expect(spec.services[0]!.id).toBe(stableServiceId('orders', 'orders-api'));
    expect(spec.services[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(buildDesiredObjects(INPUT).find((o) => o.object.kind === 'Application')!.object).toEqual(app.object);
    expect(spec.services[0]!.entries).toEqual([
      {
        type: 'API',
        targetUrl: 'https://orders.example.com/api',
        credentials: { type: 'Basic', secretName: 'orders-basic', csrfInfo: { tokenEndpointURL: 'https://orders.example.com/csrf' } },
        requestParametersSecretName: 'orders-params',
      },
    ]);
    expect(spec.services[1]!.entries).toEqual([
      { type: 'API', targetUrl: 'https://orders.example.com/admin', credentials: { type: 'OAuth', secretName: 'orders-oauth', authenticationUrl: 'https://login.example.com/oauth/token' } },
    ]);
    expect(app.dependsOn.map((d) => `${d.namespace}/${d.name}`)).toEqual(['kyma-system/orders-basic', 'kyma-system/orders-oauth', 'kyma-system/orders-params']);
  });

  it('derives Kyma service names as lowercase letters, digits and hyphens, and refuses what Kubernetes would', () => {
    expect(kymaServiceName('Café Orders — v2!')).toBe('cafe-orders-v2');
    expect(kymaServiceName('***')).toBe('service');
    const bad: ClusterPushInput = {
      workspace: 'w',
      namespace: 'Kyma_System',
      secrets: [{ name: 'Bad_Secret', data: { 'bad key': 'x' } }],
      kymaApplications: [
        {
          name: 'a',
          skipVerify: true,
          services: [
            { displayName: 'S', description: '', providerDisplayName: '', name: 'Not_Valid', entries: [{ targetUrl: 'https://x', credentials: { type: 'OAuth', secretName: 's' } }] },
            { displayName: 'S', description: '', providerDisplayName: '', entries: [] },
          ],
        },
      ],
    };
    let error: unknown;
    try {
      buildDesiredObjects(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidClusterSpecError);
    const problems = (error as InvalidClusterSpecError).problems.join('\n');
    expect(problems).toContain('The namespace, "Kyma_System", is not a valid namespace name: at most 63 lowercase letters, digits and "-"');
    expect(problems).toContain('secret "Bad_Secret" is not a valid Kubernetes name');
    expect(problems).toContain('key "bad key" may contain only');
    expect(problems).toContain('service name "Not_Valid" is not a valid Kubernetes name: at most 63 lowercase letters, digits and "-"');
    expect(problems).toContain('two services are displayed as "S"');
    expect(problems).toContain('OAuth credentials need an authenticationUrl');
  });

  it('refuses a dotted namespace, which the API server refuses too (a namespace is a DNS-1123 label, not a subdomain)', () => {
    const problems = clusterInputProblems({ workspace: 'w', namespace: 'team.a', secrets: [] });
    expect(problems).toEqual(['The namespace, "team.a", is not a valid namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit']);
    expect(clusterInputProblems({ workspace: 'w', namespace: 'team-a', secrets: [] })).toEqual([]);
  });

  it('APK Backend and APISIX consumer/route match their CRD schemas', () => {
    const objects = buildDesiredObjects({
      workspace: 'Team A / Payments',
      namespace: 'apps',
      secrets: [{ name: 'backend-creds', data: { username: 'admin', password: 'admin' } }],
      apkBackends: [{ name: 'httpbin', host: 'httpbin.apps.svc', port: 8080, protocol: 'http', basePath: '/v1', basicAuth: { secretName: 'backend-creds' } }],
      apisixConsumers: [{ name: 'alex', secretName: 'backend-creds' }],
      apisixRoutes: [{ name: 'basic-auth-app', routes: [{ name: 'json', paths: ['/v1/json'], methods: ['GET'], backend: { serviceName: 'httpbin', servicePort: 80 }, basicAuth: true }] }],
    });
    const backend = objects.find((o) => o.object.kind === 'Backend')!;
    expect(causes(backend.object, schemaOf('apk', 'Backend'))).toEqual([]);
    expect(backend.object.spec).toEqual({
      services: [{ host: 'httpbin.apps.svc', port: 8080 }],
      protocol: 'http',
      basePath: '/v1',
      security: { basic: { secretRef: { name: 'backend-creds', usernameKey: 'username', passwordKey: 'password' } } },
    });
    expect(backend.dependsOn).toEqual([{ apiVersion: 'v1', kind: 'Secret', name: 'backend-creds', namespace: 'apps' }]);
    const consumer = objects.find((o) => o.object.kind === 'ApisixConsumer')!;
    expect(causes(consumer.object, schemaOf('apisix', 'ApisixConsumer'))).toEqual([]);
    const route = objects.find((o) => o.object.kind === 'ApisixRoute')!;
    expect(causes(route.object, schemaOf('apisix', 'ApisixRoute'))).toEqual([]);
    expect((route.object.spec as { http: unknown[] }).http[0]).toMatchObject({ authentication: { enable: true, type: 'basicAuth' } });
    expect(backend.object.metadata.labels!['gatehouse.dev/workspace']).toBe(workspaceLabelValue('Team A / Payments'));
    expect(workspaceLabelValue('Team A / Payments')).toMatch(/^Team-A-Payments-[0-9a-f]{10}$/);
  });

  it('exports one kubectl-ready YAML file, without Secret values unless asked', () => {
    const objects = buildDesiredObjects(INPUT);
    const redacted = exportYaml(objects);
    expect(redacted).not.toContain(Buffer.from('p@ss:word').toString('base64'));
    expect(redacted).not.toContain('p@ss:word');
    // Without values the Secrets are left out (applied without data by push's field manager, they would remove the
    // values a push set); the header gives the command that creates each as push would.
    expect(redacted).toContain('#   kubectl create secret generic orders-basic -n kyma-system --type=Opaque --from-literal=password=... --from-literal=username=... --dry-run=client -o yaml | kubectl label --local -f - -o yaml app.kubernetes.io/managed-by=gatehouse gatehouse.dev/workspace=');
    const docs = parseAllDocuments(redacted).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Application/orders']);
    const full = parseAllDocuments(exportYaml(objects, { includeSecretValues: true })).map((d) => d.toJS());
    expect(Buffer.from(full[0].data.password, 'base64').toString()).toBe('p@ss:word');
    expect(parse(exportYaml(objects).split('---\n').at(-1)!)).toEqual(objects.at(-1)!.object);
  });
});
