import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { gatewayLocation, redirectMapping, rewriteLocationFields } from '../../../gateway/proxy/redirect-location';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';

describe('gatewayLocation', () => {
  // Kyma's TestURLRewriter cases (internal/proxy/reverseproxy_test.go): gateway at /app/service, target https://httpbin.org/api/v1.
  const kyma = redirectMapping(new URL('https://httpbin.org/api/v1'), { pathPrefix: '/app/service', stripPrefix: true });

  it('maps a Location under the target to the gateway path, query and fragment kept', () => {
    expect(gatewayLocation('https://httpbin.org/api/v1/some/sub/path', kyma)).toBe('/app/service/some/sub/path');
    expect(gatewayLocation('https://httpbin.org/api/v1/items?page=2#top', kyma)).toBe('/app/service/items?page=2#top');
    expect(gatewayLocation('https://httpbin.org/api/v1', kyma)).toBe('/app/service');
  });

  it('leaves another host, another path and another scheme alone, a relative reference resolving outside the target included', () => {
    expect(gatewayLocation('/some/sub/path', kyma, '/api/v1/start')).toBeUndefined();
    expect(gatewayLocation('', kyma, '/api/v1/start')).toBeUndefined();
    expect(gatewayLocation('https://otherService.org/api/v1/some/sub/path', kyma)).toBeUndefined();
    expect(gatewayLocation('https://httpbin.org/api/v2/some/sub/path', kyma)).toBeUndefined();
    expect(gatewayLocation('ftp://httpbin.org/api/v1/some/sub/path', kyma)).toBeUndefined();
  });

  it('resolves a relative reference against the URL the request went to, as Kyma does (resp.Request.URL.Parse), then maps it', () => {
    // Kyma's e2e "redirects/unsecured": the mock's http.RedirectHandler answers /v1/api/redirect/ok with a path.
    const redirects = redirectMapping(new URL('http://mock:8080/v1/api/redirect/ok'), { pathPrefix: '/redirects/unsecured', stripPrefix: true });
    expect(gatewayLocation('/v1/api/redirect/ok/target', redirects, '/v1/api/redirect/ok')).toBe('/redirects/unsecured/target');
    expect(gatewayLocation('target?x=1', redirects, '/v1/api/redirect/ok/')).toBe('/redirects/unsecured/target?x=1');
    expect(gatewayLocation('../elsewhere', redirects, '/v1/api/redirect/ok/a')).toBeUndefined();
    expect(gatewayLocation('//other.example/v1/api/redirect/ok/x', redirects, '/v1/api/redirect/ok')).toBeUndefined();
  });

  it('matches the target path on a segment boundary (Kyma compares strings: /api/v10 would pass there)', () => {
    expect(gatewayLocation('https://httpbin.org/api/v10/x', kyma)).toBeUndefined();
  });

  it('matches the host name case-insensitively and ignores the port and scheme, as Kyma does', () => {
    expect(gatewayLocation('http://HTTPBIN.org:8443/api/v1/x', kyma)).toBe('/app/service/x');
  });

  it('matches only the port a backend URL names: another service on the same host keeps its Location', () => {
    const local = redirectMapping(new URL('http://127.0.0.1:8081/'), { pathPrefix: '/app', stripPrefix: true });
    expect(gatewayLocation('http://127.0.0.1:8081/login', local)).toBe('/app/login');
    // The developer's Keycloak beside the backend: until 1 Dec this became /app/realms/dev/... on the gateway.
    expect(gatewayLocation('http://127.0.0.1:8180/realms/dev/protocol/openid-connect/auth?client_id=app', local)).toBeUndefined();
    expect(gatewayLocation('https://127.0.0.1:8443/login', local)).toBeUndefined();
    expect(gatewayLocation('http://127.0.0.1/login', local)).toBeUndefined();
  });

  it('keeps the service prefix out when the service forwards it (stripPrefix false)', () => {
    const kept = redirectMapping(new URL('http://127.0.0.1:8080/'), { pathPrefix: '/v1', stripPrefix: false });
    expect(gatewayLocation('http://127.0.0.1:8080/v1/orders/7', kept)).toBe('/v1/orders/7');
    const rootService = redirectMapping(new URL('http://127.0.0.1:8080/base/'), { pathPrefix: '/', stripPrefix: true });
    expect(gatewayLocation('http://127.0.0.1:8080/base/orders/7', rootService)).toBe('/orders/7');
    expect(gatewayLocation('http://127.0.0.1:8080/base', rootService)).toBe('/');
  });

  it('never maps a Location to a network-path reference, which would send the client to another host', () => {
    // A backend adding a trailing slash to whatever it was asked for: GET //evil.example/x on a root service.
    const rootService = redirectMapping(new URL('http://127.0.0.1:8080/'), { pathPrefix: '/', stripPrefix: true });
    for (const location of ['http://127.0.0.1:8080//evil.example/x/', 'http://127.0.0.1:8080/\\evil.example/']) {
      const mapped = gatewayLocation(location, rootService)!;
      expect(mapped.startsWith('//')).toBe(false);
      // Resolved as a browser resolves it: the gateway's own origin, the path the backend named.
      const resolved = new URL(mapped, 'http://gateway.test:9080/start');
      expect(resolved.origin).toBe('http://gateway.test:9080');
      expect(resolved.pathname).toBe(new URL(location).pathname);
    }
    const kept = redirectMapping(new URL('http://127.0.0.1:8080/'), { pathPrefix: '/v1', stripPrefix: false });
    expect(new URL(gatewayLocation('http://127.0.0.1:8080//evil.example', kept)!, 'http://gateway.test/').host).toBe('gateway.test');
  });

  it('leaves a Location that is not a URL alone', () => {
    expect(gatewayLocation('http://[::1', kyma)).toBeUndefined();
  });

  it('rewrites every Location field of a flat header list and nothing else', () => {
    const flat = ['content-type', 'text/plain', 'location', 'https://httpbin.org/api/v1/a', 'content-location', 'https://httpbin.org/api/v1/b'];
    rewriteLocationFields(flat, kyma, '/api/v1/');
    expect(flat).toEqual(['content-type', 'text/plain', 'location', '/app/service/a', 'content-location', 'https://httpbin.org/api/v1/b']);
  });
});

describe('Location through the gateway', () => {
  let backend: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    backend = await startRecordingUpstream((req, res) => {
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? '302');
      const location = req.headers['x-test-location'] as string;
      res.writeHead(status, { location, 'content-length': '0' });
      res.end();
    });
    gateway = await startTestGateway({
      services: [{ name: 'orders', pathPrefix: '/orders', upstream: { url: `${backend.url}/api/v1` } }],
      applications: [
        { name: 'commerce', services: [{ id: 'a', name: 'shop', displayName: 'Shop', entries: [{ targetUrl: `${backend.url}/shop` }] }] },
      ],
    }, {});
  });

  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  async function locationFor(path: string, location: string): Promise<{ status: number; location: unknown }> {
    const res = await request(`${gateway.url}${path}`, { headers: { 'x-test-location': location } });
    await res.body.dump();
    return { status: res.statusCode, location: res.headers.location };
  }

  it('maps a redirect to the backend onto the gateway path of the service', async () => {
    expect(await locationFor('/orders/start?status=302', `${backend.url}/api/v1/orders/7?view=full`)).toEqual({ status: 302, location: '/orders/orders/7?view=full' });
    expect(await locationFor('/orders/start?status=307', `${backend.url}/api/v1/next`)).toEqual({ status: 307, location: '/orders/next' });
  });

  it('maps the Location of a 201 Created', async () => {
    expect(await locationFor('/orders/items?status=201', `${backend.url}/api/v1/items/42`)).toEqual({ status: 201, location: '/orders/items/42' });
  });

  it('maps a relative Location that resolves into the backend: it is relative to the URL the backend was asked', async () => {
    expect(await locationFor('/orders/x?status=302', '/api/v1/relative')).toEqual({ status: 302, location: '/orders/relative' });
    expect(await locationFor('/orders/dir/x?status=303', 'y?page=2')).toEqual({ status: 303, location: '/orders/dir/y?page=2' });
  });

  it('leaves the Location of other statuses, other hosts and relative references outside the backend as the backend sent it', async () => {
    expect(await locationFor('/orders/x?status=200', `${backend.url}/api/v1/items/42`)).toEqual({ status: 200, location: `${backend.url}/api/v1/items/42` });
    expect(await locationFor('/orders/x?status=302', 'https://login.example.com/api/v1/sso')).toEqual({ status: 302, location: 'https://login.example.com/api/v1/sso' });
    expect(await locationFor('/orders/x?status=302', '/login')).toEqual({ status: 302, location: '/login' });
  });

  it('maps a Kyma application service to its /application/service path, as Kyma does', async () => {
    expect(await locationFor('/commerce/shop/cart?status=303', `${backend.url}/shop/cart/done`)).toEqual({ status: 303, location: '/commerce/shop/cart/done' });
  });
});
