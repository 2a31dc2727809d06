// The upstream request is a pure function of the admitted request and the compiled config: checked here without
// a socket (compiling creates connection pools but opens no connection).
import { afterAll, describe, expect, it } from 'vitest';
import { buildUpstreamRequest, type AdmittedRequest } from '../../../gateway/server/upstream-request';
import { compileConfig, effectiveBasicAuth, type CompiledConfig, type UpstreamPlan } from '../../../gateway/server/compile-config';
import { parseWorkspace } from '../../../gateway/config/validate';
import { UpstreamPools } from '../../../gateway/proxy/upstream-pools';
import { MemorySecretSource, SecretResolver } from '../../../gateway/secrets/secret-source';
import type { RouteTarget } from '../../../gateway/routing/router';

const pools = new UpstreamPools();
afterAll(() => pools.closeAll());

async function compiled(): Promise<CompiledConfig> {
  const workspace = parseWorkspace({
    services: [
      { name: 'api', pathPrefix: '/api', upstream: { url: 'http://backend.test:8080/base?fixed=1' }, plugins: { 'basic-auth': { hideCredentials: true } } },
      { name: 'keep', pathPrefix: '/keep', stripPrefix: false, upstream: { url: 'http://other.test' }, requestParametersSecret: { secret: 'params' } },
      { name: 'slash', pathPrefix: '/slash', upstream: { url: 'http://backend.test/base/' } },
      { name: 'root', pathPrefix: '/root', upstream: { url: 'http://backend.test' } },
      { name: 'rp', pathPrefix: '/rp', upstream: { url: 'http://h.test/rp?sap-client=100&x=1' }, requestParametersSecret: { secret: 'rp-params' } },
    ],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex', key: 'password' } } }],
  });
  const secrets = new SecretResolver([new MemorySecretSource('test', { alex: { password: 'pw' }, params: { queryParameters: JSON.stringify({ apikey: ['k1'] }), headers: JSON.stringify({ 'X-Api-Key': ['k2'] }) },
    'rp-params': { queryParameters: JSON.stringify({ 'sap-client': ['200'], x: ['2'], 'api key': ['v&1 é'] }) },
  })]);
  return compileConfig(workspace, secrets, pools);
}

function target(config: CompiledConfig, path: string): { target: RouteTarget; plan: UpstreamPlan } {
  const match = config.router.match('GET', path, 'gateway.test');
  if (match.kind !== 'matched') throw new Error(`no route for ${path}`);
  const plan = config.upstreams.get(match.target.service.name)!.production;
  if (plan.kind !== 'http') throw new Error('unavailable');
  return { target: match.target, plan };
}

const admitted = (path: string, query = ''): AdmittedRequest => ({ method: 'GET', path, query, client: '192.0.2.7', localPort: 8000, host: 'gateway.test:8000', httpVersion: '1.1' });

describe('buildUpstreamRequest', () => {
  it('strips the prefix, joins the upstream base path and puts the upstream query first', async () => {
    const config = await compiled();
    const { target: t, plan } = target(config, '/api/items/1');
    const request = buildUpstreamRequest({ host: 'gateway.test:8000' }, admitted('/api/items/1', '?page=2'), t, effectiveBasicAuth(t), { username: 'alex', credentialId: 'alex' }, config.identities, plan);
    expect(request.path).toBe('/base/items/1?fixed=1&page=2');
    expect(request.headers.host).toBe('backend.test:8080');
    expect(request.headers['x-forwarded-for']).toBe('192.0.2.7');
    expect(request.headers['x-forwarded-host']).toBe('gateway.test:8000');
    expect(request.headers['x-forwarded-port']).toBe('8000');
  });

  it('hides the client credentials, sets the identity headers and drops spoofed ones', async () => {
    const config = await compiled();
    const { target: t, plan } = target(config, '/api');
    const request = buildUpstreamRequest(
      { host: 'gateway.test', authorization: 'Basic YWxleDpwdw==', 'x-consumer-username': 'admin', 'x-anonymous-consumer': 'true', connection: 'x-drop', 'x-drop': '1' },
      admitted('/api'), t, effectiveBasicAuth(t), { username: 'alex', credentialId: 'alex' }, config.identities, plan,
    );
    expect(request.path).toBe('/base?fixed=1');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-consumer-username']).toBe('alex');
    expect(request.headers['x-credential-identifier']).toBe('alex');
    expect(request.headers['x-anonymous-consumer']).toBeUndefined();
    expect(request.headers['x-drop']).toBeUndefined();
  });

  it('sends a request for the prefix itself to the upstream URL as written, and one with a slash more with it', async () => {
    // Kyma's e2e cases call /{application}/{service} for targets such as .../v1/api/basic/ok (Kong does the same).
    const config = await compiled();
    const sent = (path: string) => {
      const { target: t, plan } = target(config, path);
      return buildUpstreamRequest({ host: 'gateway.test' }, admitted(path), t, undefined, undefined, config.identities, plan).path;
    };
    expect([sent('/api'), sent('/api/')]).toEqual(['/base?fixed=1', '/base/?fixed=1']);
    expect([sent('/slash'), sent('/slash/'), sent('/slash/x')]).toEqual(['/base/', '/base/', '/base/x']);
    expect([sent('/root'), sent('/root/'), sent('/root/x')]).toEqual(['/', '/', '/x']);
  });

  it('marks the anonymous consumer, keeps the prefix when told to and merges the request-parameters query', async () => {
    const config = await compiled();
    const { target: t, plan } = target(config, '/keep/x');
    const request = buildUpstreamRequest({ host: 'gateway.test', 'x-forwarded-for': '10.0.0.1' }, admitted('/keep/x', '?a=1'), t, undefined, { username: 'guest' }, config.identities, plan);
    expect(request.path).toBe('/keep/x?apikey=k1&a=1');
    expect(request.headers['x-anonymous-consumer']).toBe('true');
    expect(request.headers['x-forwarded-for']).toBe('10.0.0.1, 192.0.2.7');
    // Request-parameter headers are credentials: the forward stage adds them per attempt, not this one.
    expect(request.headers['x-api-key']).toBeUndefined();
  });

  it('adds no request parameter the upstream URL already names: each name reaches the backend once', async () => {
    const config = await compiled();
    const { target: t, plan } = target(config, '/rp/items');
    expect(buildUpstreamRequest({ host: 'gateway.test' }, admitted('/rp/items'), t, undefined, undefined, config.identities, plan).path)
      .toBe('/rp/items?sap-client=100&x=1&api%20key=v%261%20%C3%A9');
    expect(buildUpstreamRequest({ host: 'gateway.test' }, admitted('/rp/items', '?x=3&q=1'), t, undefined, undefined, config.identities, plan).path)
      .toBe('/rp/items?sap-client=100&x=1&api%20key=v%261%20%C3%A9&x=3&q=1');
  });
});
