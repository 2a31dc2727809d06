// The workspace as cluster objects, without a cluster: which Secrets a push sends and with which keys, and which
// workspaces cannot be pushed as they are (two items becoming one object).
import { describe, expect, it } from 'vitest';
import { clusterInputFromWorkspace, MissingClusterSecretError, type SecretLookup } from '../../../main/app/cluster-input';
import { parseWorkspace } from '../../../gateway/config/validate';
import { InvalidClusterSpecError, buildDesiredObjects } from '../../../main/services/cluster/index';
import type { SecretData } from '../../../gateway/secrets/secret-source';

const NS = 'team';
/** A vault holding `name` or `namespace/name` entries, looked up as the app's vault is. */
const vault = (secrets: Record<string, SecretData>): SecretLookup => async (ref) => secrets[ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name];
const options = { workspaceName: 'ws', namespace: NS, withValues: true };

describe('the Secrets a push sends', () => {
  it('carries every key any reader of a shared secret reads, not only the first reader\'s', async () => {
    const workspace = parseWorkspace({
      services: [{ name: 'legacy', upstream: { url: 'https://legacy.example.com' }, endpointSecurity: { type: 'basic', secret: 'shared', usernameKey: 'user', passwordKey: 'pass' } }],
      applications: [{
        name: 'commerce', namespace: NS,
        services: [
          { id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com', credentials: { type: 'Basic', secretName: 'shared' } }] },
          { id: 'c2b7e1b5-7b42-4d5c-8d66-6a1f4d9f9e22', name: 'crm', displayName: 'CRM', description: 'CRM API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://crm.example.com', credentials: { type: 'OAuth', secretName: 'shared', authenticationUrl: 'https://idp.example.com/token' } }] },
        ],
      }],
    });
    const shared = { username: 'u', password: 'p', clientId: 'c', clientSecret: 's', user: 'lu', pass: 'lp', unrelated: 'x' };
    const { input } = await clusterInputFromWorkspace(workspace, vault({ shared }), options);
    // Read by a Kyma application too, it lies in the application's namespace whichever namespace is pushed to: shared.
    expect(input.secrets).toEqual([{ name: 'shared', namespace: NS, placedByPush: false, data: { username: 'u', password: 'p', clientId: 'c', clientSecret: 's', user: 'lu', pass: 'lp' } }]);
  });

  it('names each key a later reader misses', async () => {
    const workspace = parseWorkspace({
      applications: [{
        name: 'commerce', namespace: NS,
        services: [
          { id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com', credentials: { type: 'Basic', secretName: 'shared' } }] },
          { id: 'c2b7e1b5-7b42-4d5c-8d66-6a1f4d9f9e22', name: 'crm', displayName: 'CRM', description: 'CRM API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://crm.example.com', credentials: { type: 'OAuth', secretName: 'shared', authenticationUrl: 'https://idp.example.com/token' } }] },
        ],
      }],
    });
    const error = await clusterInputFromWorkspace(workspace, vault({ shared: { username: 'u', password: 'p' } }), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingClusterSecretError);
    expect((error as Error).message).toContain('secret "shared" key "clientId", secret "shared" key "clientSecret"');
  });

  it('sends a request-parameters secret with the one of headers and queryParameters it has, as serving takes it', async () => {
    const workspace = parseWorkspace({
      applications: [{
        name: 'commerce', namespace: NS,
        services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com', requestParametersSecretName: 'erp-params' }] }],
      }],
    });
    const headersOnly = { headers: '{"X-Api-Key":["k"]}' };
    const { input } = await clusterInputFromWorkspace(workspace, vault({ 'erp-params': headersOnly }), options);
    expect(input.secrets).toEqual([{ name: 'erp-params', namespace: NS, placedByPush: false, data: headersOnly }]);
    const neither = await clusterInputFromWorkspace(workspace, vault({ 'erp-params': { other: 'x' } }), options).catch((e: unknown) => e);
    expect((neither as Error).message).toContain('secret "erp-params" key "headers" or "queryParameters"');
    // An export without values, for a secret the vault lacks: both keys, as placeholders to fill in.
    const placeholders = await clusterInputFromWorkspace(workspace, vault({}), { ...options, withValues: false });
    expect(placeholders.input.secrets[0]!.data).toEqual({ headers: '', queryParameters: '' });
  });
});

describe('two workspace items that would become one object', () => {
  it.each([
    ['services Orders and orders: one APK Backend', {
      services: [
        { name: 'Orders', pathPrefix: '/a', upstream: { url: 'https://a.example.com' }, endpointSecurity: { type: 'basic', secret: 'a-creds' } },
        { name: 'orders', pathPrefix: '/b', upstream: { url: 'https://b.example.com' }, endpointSecurity: { type: 'basic', secret: 'b-creds' } },
      ],
    }, 'APK backend "team/orders" is listed twice'],
    ['consumers Alice and alice: one ApisixConsumer and one Secret', {
      consumers: [
        { username: 'Alice', basicAuth: { password: { secret: 'alice1', key: 'password' } } },
        { username: 'alice', basicAuth: { password: { secret: 'alice2', key: 'password' } } },
      ],
    }, 'APISIX consumer "team/alice" is listed twice'],
  ])('%s are refused, naming the object, before anything is sent', async (_name, input, message) => {
    const secrets = { 'a-creds': { username: 'a', password: 'a' }, 'b-creds': { username: 'b', password: 'b' }, alice1: { password: '1' }, alice2: { password: '2' } };
    const built = await clusterInputFromWorkspace(parseWorkspace(input), vault(secrets), options);
    let error: unknown;
    try {
      buildDesiredObjects(built.input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidClusterSpecError);
    expect((error as Error).message).toContain(message);
  });
});

describe('namespaces', () => {
  it('puts a Backend\'s Secret beside the Backend, whatever vault namespace its values are read from', async () => {
    const workspace = parseWorkspace({
      services: [{ name: 'nsd', upstream: { url: 'https://nsd.example.com' }, endpointSecurity: { type: 'basic', secret: 'nsd-creds', namespace: 'other' } }],
    });
    const lookups: string[] = [];
    const { input } = await clusterInputFromWorkspace(workspace, async (ref) => (lookups.push(`${ref.namespace ?? ''}/${ref.name}`), { username: 'u', password: 'p' }), options);
    // In the push namespace because the push is aimed there: pushed to another, it is another Secret.
    expect(input.secrets).toEqual([{ name: 'nsd-creds', namespace: NS, placedByPush: true, data: { username: 'u', password: 'p' } }]);
    expect(input.apkBackends).toMatchObject([{ name: 'nsd', basicAuth: { secretName: 'nsd-creds' } }]);
    expect(lookups[0]).toBe('other/nsd-creds');
  });

  it('says that a Backend does not carry its upstream URL\'s query, without repeating it', async () => {
    const workspace = parseWorkspace({
      services: [{ name: 'q', upstream: { url: 'https://q.example.com/api/?apikey=abc&v=2' }, endpointSecurity: { type: 'basic', secret: 'q-creds' } }],
    });
    const { input, workspaceItems } = await clusterInputFromWorkspace(workspace, vault({ 'q-creds': { username: 'u', password: 'p' } }), options);
    expect(input.apkBackends).toMatchObject([{ name: 'q', basePath: '/api/' }]);
    const item = workspaceItems.find((i) => i.kind === 'service' && i.name === 'q')!;
    expect(item).toMatchObject({ status: 'pushed', reason: expect.stringContaining("its upstream URL's query string is not pushed (an APK Backend has no field for one)") });
    expect(item.reason).not.toContain('apikey');
  });

  it('refuses two vault secrets of one name in different namespaces that would become one Secret', async () => {
    const workspace = parseWorkspace({
      services: [
        { name: 'a', pathPrefix: '/a', upstream: { url: 'https://a.example.com' }, endpointSecurity: { type: 'basic', secret: 'creds', namespace: 'ns-a' } },
        { name: 'b', pathPrefix: '/b', upstream: { url: 'https://b.example.com' }, endpointSecurity: { type: 'basic', secret: 'creds', namespace: 'ns-b' } },
      ],
    });
    const error = await clusterInputFromWorkspace(workspace, vault({ 'ns-a/creds': { username: 'a', password: 'a' }, 'ns-b/creds': { username: 'b', password: 'b' } }), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClusterSpecError);
    expect((error as Error).message).toContain('vault secrets "ns-a/creds" and "ns-b/creds" would both become Secret team/creds');
  });

  it('puts an ApisixRoute in its Service\'s namespace, where its backend can be named', async () => {
    const workspace = parseWorkspace({ services: [{ name: 'Shop', pathPrefix: '/shop', upstream: { serviceInfo: { name: 'httpbin', namespace: 'other', port: 8000 } } }] });
    const { input, workspaceItems } = await clusterInputFromWorkspace(workspace, vault({}), options);
    expect(input.apisixRoutes).toMatchObject([{ name: 'shop', namespace: 'other', routes: [{ backend: { serviceName: 'httpbin', servicePort: 8000 } }] }]);
    expect(workspaceItems.find((i) => i.name === 'Shop')!.objects).toContainEqual(expect.objectContaining({ kind: 'ApisixRoute', namespace: 'other' }));
  });
});

describe('an ApisixRoute does what the Gatehouse route does', () => {
  it('matches prefixes on segment boundaries, and takes off the prefix the service strips', async () => {
    const workspace = parseWorkspace({
      services: [
        { name: 'in', pathPrefix: '/in', upstream: { serviceInfo: { name: 'httpbin', namespace: NS } } },
        { name: 'kept', pathPrefix: '/kept', stripPrefix: false, upstream: { serviceInfo: { name: 'httpbin', namespace: NS } } },
      ],
      routes: [{ name: 'get', service: 'in', path: '/get' }, { name: 'exact', service: 'in', path: '/status', match: 'exact' }],
    });
    const { input } = await clusterInputFromWorkspace(workspace, vault({}), options);
    expect(input.apisixRoutes).toMatchObject([
      { name: 'in', routes: [{ name: 'get', paths: ['/in/get', '/in/get/*'], stripPrefix: '/in' }, { name: 'exact', paths: ['/in/status'], stripPrefix: '/in' }] },
      { name: 'kept', routes: [{ name: 'kept', paths: ['/kept', '/kept/*'] }] },
    ]);
    expect(input.apisixRoutes![1]!.routes[0]).not.toHaveProperty('stripPrefix');
    const route = buildDesiredObjects(input).find((d) => d.object.kind === 'ApisixRoute' && d.object.metadata.name === 'in')!.object as unknown as { spec: { http: { plugins?: { name: string; config: { regex_uri: string[] } }[] }[] } };
    const [pattern, replacement] = route.spec.http[0]!.plugins![0]!.config.regex_uri;
    // What APISIX's proxy-rewrite makes of the paths the route matches (PCRE and JavaScript agree on this pattern).
    for (const [path, upstream] of [['/in/get', '/get'], ['/in/get/x', '/get/x'], ['/in', '/']] as const) {
      expect(path.replace(new RegExp(pattern!), replacement!)).toBe(upstream);
    }
  });
});

describe('names Kubernetes would refuse', () => {
  it('stop the push only for kinds the cluster serves: a consumer named José does not keep a Kyma Application back', async () => {
    const workspace = parseWorkspace({
      consumers: [{ username: 'José', basicAuth: { password: { secret: 'jose', key: 'password' } } }],
      applications: [{
        name: 'commerce', namespace: NS,
        services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com', credentials: { type: 'Basic', secretName: 'erp' } }] }],
      }],
    });
    const { input } = await clusterInputFromWorkspace(workspace, vault({ jose: { password: 'p' }, erp: { username: 'u', password: 'p' } }), options);
    const kymaOnly = { kymaApplications: true, apkBackends: false, apisix: false };
    expect(buildDesiredObjects(input, kymaOnly).map((d) => `${d.object.kind} ${d.object.metadata.name}`)).toEqual(expect.arrayContaining(['Application commerce', 'Secret erp']));
    let error: unknown;
    try {
      buildDesiredObjects(input, { ...kymaOnly, apisix: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidClusterSpecError);
    expect((error as Error).message).toMatch(/APISIX consumer "jos-"/);
  });
});
