import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, basic, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, bearerProtected, type OAuthTokenServer } from '../../support/oauth-token-server';
import { freePort } from '../../support/loopback-ports';

let target: RecordingUpstream;
let failing: RecordingUpstream;
let idp: OAuthTokenServer;
let sandboxApi: RecordingUpstream;
let gateway: TestGateway;
/** A port nothing listens on: the target of a service whose calls fail. */
let closedPort: number;

beforeAll(async () => {
  target = await startRecordingUpstream();
  failing = await startRecordingUpstream((_req, res) => {
    // A target that sends its own Target-System-Status: the gateway's report must be the only one the client gets.
    res.writeHead(503, { 'content-type': 'text/plain', 'target-system-status': 'upstream-says' });
    res.end('down for maintenance');
  });
  // Reads the Basic header only: the workspace sandbox sends only that, a Kyma application sends it beside the form.
  idp = await startOAuthTokenServer({ clients: { 'sandbox-client': 'sandbox-secret' }, reads: 'basic' });
  sandboxApi = await startRecordingUpstream(bearerProtected(idp));
  closedPort = await freePort();
  gateway = await startTestGateway(
    {
      services: [
        {
          name: 'orders', pathPrefix: '/orders', upstream: { url: `${target.url}/prod` },
          endpointSecurity: { type: 'basic', secret: 'prod-creds' },
          sandbox: { upstream: { url: `${sandboxApi.url}/sbx` }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'sandbox-oauth' } },
        },
        { name: 'sandboxed', pathPrefix: '/sbx-only', upstream: { url: target.url }, sandbox: { upstream: { url: `${target.url}/sandbox` } }, defaultEnvironment: 'sandbox' },
      ],
      applications: [
        {
          name: 'commerce',
          services: [
            {
              id: '721da9cc-616e-4558-b4dc-4b58554ce7ee', name: 'my-basic-auth-service', displayName: 'My Basic Auth Service',
              entries: [{ type: 'API', targetUrl: `${target.url}/api/v1?client=gatehouse`, credentials: { type: 'Basic', secretName: 'kyma-basic' } }],
            },
            { id: 'b', name: 'flaky', displayName: 'Flaky', entries: [{ targetUrl: failing.url }] },
            { id: 'f', name: 'gone', displayName: 'Gone', entries: [{ targetUrl: `http://127.0.0.1:${closedPort}/api` }] },
          ],
        },
        {
          name: 'mapped', targetErrors: 'kyma',
          services: [
            { id: 'c', name: 'flaky', displayName: 'Flaky', entries: [{ targetUrl: failing.url }] },
            { id: 'd', name: 'gone', displayName: 'Gone', entries: [{ targetUrl: `http://127.0.0.1:${closedPort}/api` }] },
            { id: 'e', name: 'refused', displayName: 'Refused', entries: [{ targetUrl: target.url, credentials: { type: 'OAuth', secretName: 'kyma-oauth', authenticationUrl: idp.tokenUrl } }] },
          ],
        },
      ],
    },
    {
      'prod-creds': { username: 'prod-user', password: 'prod-pw' },
      'sandbox-oauth': { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
      'kyma-integration/kyma-basic': { username: 'kyma-user', password: 'kyma-pw' },
      // A client the token server does not know: the token request is refused.
      'kyma-integration/kyma-oauth': { clientId: 'unknown-client', clientSecret: 'nope' },
    },
  );
});

afterAll(async () => {
  await gateway.close();
  await target.close();
  await failing.close();
  await idp.close();
  await sandboxApi.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gateway.url}${path}`, { headers });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('production and sandbox endpoints', () => {
  it('uses production by default, with its own security', async () => {
    const before = target.requests.length;
    expect((await get('/orders/42')).status).toBe(200);
    const seen = target.requests[before]!;
    expect(seen.url).toBe('/prod/42');
    expect(seen.headers.authorization).toBe(basic('prod-user', 'prod-pw'));
  });

  it('switches to the sandbox per request with X-Gatehouse-Environment, which the backend never sees', async () => {
    const res = await get('/orders/42', { 'x-gatehouse-environment': 'sandbox' });
    expect(res.status).toBe(200);
    const seen = sandboxApi.requests.at(-1)!;
    expect(seen.url).toBe('/sbx/42');
    expect(seen.headers.authorization).toMatch(/^Bearer /);
    expect(seen.headers['x-gatehouse-environment']).toBeUndefined();
    expect(idp.requests).toHaveLength(1);
  });

  it('honours a service whose default is the sandbox, and refuses bad choices with 400', async () => {
    await get('/sbx-only/x');
    expect(target.requests.at(-1)!.url).toBe('/sandbox/x');
    await get('/sbx-only/x', { 'x-gatehouse-environment': 'Production' });
    expect(target.requests.at(-1)!.url).toBe('/x');
    expect(await get('/orders/1', { 'x-gatehouse-environment': 'staging' })).toMatchObject({ status: 400, text: '{"message":"x-gatehouse-environment must be \\"production\\" or \\"sandbox\\""}' });
  });
});

describe('Kyma application services', () => {
  it('serves /{application}/{service}/... with the target path and query first, Basic replacing the caller credentials', async () => {
    const before = target.requests.length;
    const res = await get('/commerce/my-basic-auth-service/orders/7?expand=items', { authorization: basic('caller', 'x') });
    expect(res.status).toBe(200);
    const seen = target.requests[before]!;
    expect(seen.url).toBe('/api/v1/orders/7?client=gatehouse&expand=items');
    expect(seen.headers.authorization).toBe(basic('kyma-user', 'kyma-pw'));
  });

  it("passes a target's 5xx through by default", async () => {
    expect(await get('/commerce/flaky/x')).toMatchObject({ status: 503, text: 'down for maintenance' });
  });

  it("maps a target's 5xx to 502 with Target-System-Status when asked to", async () => {
    const res = await get('/mapped/flaky/x');
    expect(res.status).toBe(502);
    // One value, the gateway's: a second (the target's own) would make this an array.
    expect(res.headers['target-system-status']).toBe('503');
  });

  it("answers its own failures in Kyma's error shape when asked to, and in the gateway's otherwise", async () => {
    const gone = await get('/mapped/gone/x');
    expect(gone.status).toBe(502);
    const body = JSON.parse(gone.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'error']);
    expect(body.code).toBe(502);
    expect(body.error).toContain(`127.0.0.1:${closedPort}`);
    const refused = await get('/mapped/refused/x');
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.text)).toEqual({ code: 502, error: expect.stringContaining(idp.tokenUrl) });
    // The same failure on a service that passes target errors through keeps the gateway's own shape.
    const passedThrough = await get('/commerce/gone/x');
    expect(passedThrough.status).toBe(502);
    expect(Object.keys(JSON.parse(passedThrough.text) as object)).toEqual(['message']);
  });
});
