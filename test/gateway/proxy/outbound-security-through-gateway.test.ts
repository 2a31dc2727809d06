import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, basic, type TestGateway } from '../../support/gateway';
import { startOAuthTokenServer, bearerProtected, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { startGateway } from '../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../../../gateway/secrets/secret-source';

async function call(gateway: TestGateway, path: string, init: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const response = await request(`${gateway.url}${path}`, { method: init.method ?? 'GET', body: init.body ?? null });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('outbound OAuth client credentials through the gateway', () => {
  let idp: OAuthTokenServer;
  let api: RecordingUpstream;
  let gateway: TestGateway;
  /** Tokens the backend answers 403 (e.g. insufficient_scope) instead of serving; `every` refuses all tokens so. */
  const forbidden = { tokens: new Set<string>(), every: false };
  beforeAll(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' }, delayMs: 20 });
    const valid = bearerProtected(idp);
    api = await startRecordingUpstream((req, res, recorded) => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!forbidden.every && !forbidden.tokens.has(token)) return valid(req, res, recorded);
      res.writeHead(403, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="insufficient_scope"' });
      res.end('{"error":"insufficient_scope"}');
    });
    gateway = await startTestGateway(
      {
        services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } }],
      },
      { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret' } },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await api.close();
    await idp.close();
  });
  afterEach(() => {
    forbidden.tokens.clear();
    forbidden.every = false;
  });

  it('fetches one token for 500 concurrent requests on a cold cache', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, () => call(gateway, "/erp/orders")));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(idp.requests).toHaveLength(1);
  });

  it('retries once with a new token when the backend stops accepting the cached one, body included', async () => {
    idp.revokeAll();
    const result = await call(gateway, '/erp/orders', { method: 'POST', body: 'x'.repeat(1000) });
    expect(result).toEqual({ status: 200, body: { ok: true, method: 'POST', url: '/orders', bodyBytes: 1000 } });
    expect(api.requests.slice(-2).map((r) => r.bodyBytes)).toEqual([1000, 1000]);
  });

  it('retries a request without a body once with a new token when the backend stops accepting the cached one', async () => {
    // A cached token and no body: the first attempt takes the gateway's promise-free path, its retry the general one.
    expect((await call(gateway, '/erp/orders')).status).toBe(200);
    const fetched = idp.requests.length;
    idp.revokeAll();
    const result = await call(gateway, '/erp/orders');
    expect(result).toEqual({ status: 200, body: { ok: true, method: 'GET', url: '/orders', bodyBytes: 0 } });
    expect(idp.requests).toHaveLength(fetched + 1);
    expect(api.requests.slice(-2).map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('retries once with a new token when the backend answers 403 to the cached one, with and without a body', async () => {
    expect((await call(gateway, '/erp/orders')).status).toBe(200);
    for (const init of [{}, { method: 'POST', body: 'y'.repeat(700) }] as const) {
      const fetched = idp.requests.length;
      for (const token of idp.issued()) forbidden.tokens.add(token);
      const result = await call(gateway, '/erp/orders', init);
      expect(result).toMatchObject({ status: 200, body: { ok: true, url: '/orders' } });
      expect(idp.requests).toHaveLength(fetched + 1);
      const [refused, retried] = api.requests.slice(-2).map((r) => /^Bearer (\S+)$/.exec(r.headers.authorization ?? '')?.[1] ?? '');
      expect(forbidden.tokens.has(refused!)).toBe(true);
      expect(retried).toBe(idp.issued().at(-1));
      expect(api.requests.slice(-2).map((r) => r.bodyBytes)).toEqual(init.body ? [700, 700] : [0, 0]);
    }
  });

  it('passes a second 403 through: one retry at most', async () => {
    expect((await call(gateway, '/erp/orders')).status).toBe(200);
    const fetched = idp.requests.length;
    const sent = api.requests.length;
    forbidden.every = true;
    expect(await call(gateway, '/erp/orders')).toEqual({ status: 403, body: { error: 'insufficient_scope' } });
    expect(idp.requests).toHaveLength(fetched + 1);
    expect(api.requests).toHaveLength(sent + 2);
  });

  it('answers 502 naming the token endpoint and its status when it fails', async () => {
    idp.revokeAll();
    idp.failWith(500, '{"error":"server_error","error_description":"erp-secret"}');
    try {
      const result = await call(gateway, '/erp/orders');
      expect(result).toEqual({ status: 502, body: { message: `token endpoint ${idp.tokenUrl} answered HTTP 500` } });
      expect(gateway.logs.at(-1)?.error).toBe('GATEHOUSE_TOKEN_ENDPOINT');
    } finally {
      idp.failWith(undefined);
    }
  });
});

describe('a token endpoint answering expires_in 0', () => {
  let idp: OAuthTokenServer;
  let closing: { close(): Promise<unknown> }[] = [];
  beforeEach(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' }, expiresIn: 0 });
  });
  afterEach(async () => {
    for (const running of closing.reverse()) await running.close();
    closing = [];
    await idp.close();
  });

  /** A gateway whose service `erp` calls `upstreamUrl` with tokens from `idp`, and a CSRF token when `csrfUrl` is given. */
  async function oauthGateway(upstreamUrl: string, csrfUrl?: string): Promise<TestGateway> {
    const gateway = await startTestGateway(
      {
        services: [{
          name: 'erp', pathPrefix: '/erp', upstream: { url: upstreamUrl },
          endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' },
          ...(csrfUrl === undefined ? {} : { csrf: { tokenEndpointUrl: csrfUrl } }),
        }],
      },
      { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret' } },
    );
    closing.push(gateway);
    return gateway;
  }

  it('serves each request with a token fetched for it, instead of answering 502', async () => {
    const api = await startRecordingUpstream();
    closing.push(api);
    const gateway = await oauthGateway(api.url);
    for (let i = 0; i < 2; i++) expect((await call(gateway, '/erp/orders')).status).toBe(200);
    expect(idp.requests).toHaveLength(2);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(idp.issued().map((token) => `Bearer ${token}`));
  });

  it('fetches one token for one request on a service with CSRF: the CSRF token endpoint and the backend see the same one', async () => {
    const api = await startCsrfApiServer({ authorization: (value) => /^Bearer \S+$/.test(value ?? '') });
    closing.push(api);
    const gateway = await oauthGateway(api.url, api.tokenUrl);
    expect((await call(gateway, '/erp/orders', { method: 'POST', body: '{}' })).status).toBe(200);
    expect(idp.requests).toHaveLength(1);
    const bearer = `Bearer ${idp.issued()[0]}`;
    expect(api.requests.map((r) => [r.method, r.csrfToken === 'Fetch', r.authorization])).toEqual([['GET', true, bearer], ['POST', false, bearer]]);
  });
});

describe('CSRF session cookies a strict cookie grammar refuses, through the gateway', () => {
  it('sends a session value holding a space quoted, as Kyma’s gateway (Go) does, and the backend takes the token', async () => {
    const api = await startCsrfApiServer({ sessionValue: (id) => `${id} x` });
    const gateway = await startTestGateway({ services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, csrf: { tokenEndpointUrl: api.tokenUrl } }] });
    try {
      expect((await call(gateway, '/erp/orders', { method: 'POST', body: '{}' })).status).toBe(200);
      expect(api.fetches).toBe(1);
      expect(api.requests.at(-1)!.cookie).toBe(`SAP_SESSIONID_GH1="${api.issuedTokens()[1]} x"; sap-usercontext=sap-client=100`);
    } finally {
      await gateway.close();
      await api.close();
    }
  });

  it('says, in a process warning naming endpoint and cookie but not the value, a cookie that no Cookie header can carry', async () => {
    const api = await startRecordingUpstream((req, res) => {
      if (req.headers['x-csrf-token'] === 'Fetch') res.writeHead(200, { 'x-csrf-token': 'T', 'set-cookie': 'SESSION=sess\t7; Path=/' });
      else res.writeHead(403, { 'x-csrf-token': 'Required', 'content-type': 'application/json' });
      res.end('{}');
    });
    const gateway = await startTestGateway({ services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, csrf: { tokenEndpointUrl: `${api.url}/csrf` } }] });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      expect((await call(gateway, '/erp/orders', { method: 'POST', body: '{}' })).status).toBe(403);
      const said = `gatehouse: CSRF token endpoint ${api.url}/csrf set cookie "SESSION" that no Cookie header can carry (its value holds a control character); the token is sent without it`;
      // One fetch, and the one after the backend's 403.
      expect(warnings).toEqual([said, said]);
    } finally {
      process.off('warning', onWarning);
      await gateway.close();
      await api.close();
    }
  });
});

describe('CSRF and request parameters through the gateway', () => {
  const AUTH = basic('erp-user', 'erp-password');
  let api: CsrfApiServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    api = await startCsrfApiServer({ authorization: AUTH });
    gateway = await startTestGateway(
      {
        services: [{
          name: 'erp', pathPrefix: '/erp', upstream: { url: api.url },
          endpointSecurity: { type: 'basic', secret: 'erp-basic' },
          csrf: { tokenEndpointUrl: api.tokenUrl },
          requestParametersSecret: { secret: 'erp-params' },
        }],
      },
      { 'erp-basic': { username: 'erp-user', password: 'erp-password' }, 'erp-params': { queryParameters: '{"sap-client":["100"]}' } },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await api.close();
  });

  it('sends the token with its session, rides out a rotation with one retry, and adds the query', async () => {
    expect((await call(gateway, '/erp/orders', { method: 'POST', body: '{}' })).status).toBe(200);
    api.rotate();
    expect((await call(gateway, '/erp/orders?x=1', { method: 'POST', body: '{}' })).status).toBe(200);
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, r.url])).toEqual([[200, '/orders?sap-client=100'], [403, '/orders?sap-client=100&x=1'], [200, '/orders?sap-client=100&x=1']]);
    expect(api.fetches).toBe(2);
  });
});

describe('client certificate through the gateway', () => {
  let pki: TestPki;
  let mtls: TestTlsServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    pki = await createTestPki();
    mtls = await startTlsServer({ ...pki.server, clientCa: pki.ca.cert });
    gateway = await startTestGateway(
      { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: mtls.url }, endpointSecurity: { type: 'client-certificate', secret: 'erp-mtls', caKey: 'ca.crt' } }] },
      { 'erp-mtls': { crt: pki.client.cert, key: pki.client.key, 'ca.crt': pki.ca.cert } },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await mtls.close();
  });

  it('presents the certificate', async () => {
    expect(await call(gateway, '/erp/orders')).toEqual({ status: 200, body: { method: 'GET', url: '/orders', clientCommonName: 'gatehouse-client' } });
  });

  it('refuses a reload whose key does not match its certificate, keeping the running config', async () => {
    gateway.secrets.set({ name: 'erp-bad' }, { crt: pki.client.cert, key: pki.strayKey });
    const result = await gateway.reload({ services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: mtls.url }, endpointSecurity: { type: 'client-certificate', secret: 'erp-bad' } }] });
    expect(result).toEqual({ ok: false, errors: [{ path: '(secrets)', message: 'service "erp": secret "erp-bad" key "key" does not belong to secret "erp-bad" key "crt" (subject CN=gatehouse-client)' }] });
    expect((await call(gateway, '/erp/orders')).status).toBe(200);
  });
});

describe('Basic credentials that cannot be sent', () => {
  let api: RecordingUpstream;
  beforeAll(async () => {
    api = await startRecordingUpstream();
  });
  afterAll(() => api.close());

  const workspace = () => ({
    services: [
      { name: 'colon', pathPrefix: '/colon', upstream: { url: api.url }, endpointSecurity: { type: 'basic' as const, secret: 'colon-basic' } },
      { name: 'missing', pathPrefix: '/missing', upstream: { url: api.url }, endpointSecurity: { type: 'basic' as const, secret: 'missing-basic' } },
      { name: 'fine', pathPrefix: '/fine', upstream: { url: api.url }, endpointSecurity: { type: 'basic' as const, secret: 'fine-basic' } },
    ],
  });
  const secrets = {
    'colon-basic': { username: 'tenant:hidden-user', password: 'hidden-password' },
    'missing-basic': { username: 'user' },
    'fine-basic': { username: 'user', password: 'password' },
  };
  const COLON = 'service "colon": secret "colon-basic" key "username" contains ":", which ends a Basic user-id (RFC 7617)';

  it('refuses the config, naming service, secret and key', async () => {
    await expect(startTestGateway(workspace(), secrets)).rejects.toThrow(COLON);
  });

  it('leaves the service out, as it does for a missing key, and keeps serving the others', async () => {
    const gateway = await startGateway({ workspace: workspace(), secrets: new SecretResolver([new MemorySecretSource('test', secrets)]), port: 0, leaveOutBrokenItems: true });
    try {
      expect(gateway.leftOut).toEqual([
        { kind: 'service', path: 'services[0]', name: 'colon', message: COLON, secret: { name: 'colon-basic', key: 'username', invalid: COLON.replace('service "colon": ', '') } },
        { kind: 'service', path: 'services[1]', name: 'missing', message: 'service "missing": secret "missing-basic" has no key "password" (looked in: test)', secret: { name: 'missing-basic', key: 'password' } },
      ]);
      const refused = await request(`${gateway.url}/colon/x`);
      const text = await refused.body.text();
      expect(refused.statusCode).toBe(503);
      expect(JSON.parse(text)).toEqual({ message: `Service colon is not served: ${COLON}` });
      expect(text).not.toContain('hidden');
      const served = await request(`${gateway.url}/fine/x`);
      expect(served.statusCode).toBe(200);
      expect(((await served.body.json()) as { headers: Record<string, string> }).headers.authorization).toBe(basic('user', 'password'));
      expect(api.requests.map((r) => r.url)).toEqual(['/x']);
    } finally {
      await gateway.close();
    }
  });
});
