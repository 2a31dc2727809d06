import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Pool, request, type Dispatcher } from 'undici';
import { EndpointOptions, type EndpointOptionsInput } from '../../../gateway/config/endpoint-security-schema';
import { MemorySecretSource, MissingSecretError, SecretResolver, type SecretData } from '../../../gateway/secrets/secret-source';
import type { OutgoingHeaders } from '../../../gateway/proxy/forward-headers';
import { OAuthTokenCache } from '../../../gateway/security/oauth-token-cache';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import { CsrfTokenStore } from '../../../gateway/security/csrf-token-store';
import { ClientCertificateError } from '../../../gateway/security/client-certificate';
import { CaBundleError } from '../../../gateway/security/upstream-tls';
import { BasicCredentialsError } from '../../../gateway/security/basic-endpoint';
import { credentialRejection } from '../../../gateway/security/retry-policy';
import { applyOutboundSecurity, compileOutboundSecurity, invalidateRejected, type OutboundSecurity } from '../../../gateway/security/outbound-security';
import { startOAuthTokenServer, bearerProtected, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { basic } from '../../support/gateway';

const dispatchers = new Map<string, Agent>();
function dispatcherFor(origin: string, tls: { key: string; connect: object } | undefined): Dispatcher {
  const key = `${origin}|${tls?.key ?? ''}`;
  let agent = dispatchers.get(key);
  if (!agent) {
    agent = new Agent({ connect: tls?.connect ?? {} });
    dispatchers.set(key, agent);
  }
  return agent;
}

let tokens: OAuthTokenCache;
let csrfTokens: CsrfTokenStore;

function compile(options: EndpointOptionsInput, secrets: Record<string, SecretData>): Promise<OutboundSecurity> {
  const resolver = new SecretResolver([new MemorySecretSource('test', secrets)]);
  return compileOutboundSecurity(EndpointOptions.parse(options), { secrets: resolver, tokens, csrfTokens, dispatcherFor }, 'service "erp"');
}

/** Sends a request the way the gateway pipeline will: apply credentials, and one retry on a rejected credential. */
async function send(url: string, security: OutboundSecurity, init: { method: 'GET' | 'POST'; body?: string; headers?: OutgoingHeaders; dispatcher?: Dispatcher }) {
  const statuses: number[] = [];
  for (let attempt = 0; ; attempt++) {
    const headers: OutgoingHeaders = { ...init.headers };
    const applied = await applyOutboundSecurity(headers, security);
    const response = await request(url, { method: init.method, headers, body: init.body ?? null, dispatcher: init.dispatcher });
    const body = (await response.body.json()) as Record<string, unknown>;
    statuses.push(response.statusCode);
    const rejection = credentialRejection({ status: response.statusCode, attempt, usedOAuthToken: applied.oauthToken !== undefined, usedCsrfToken: applied.csrfToken !== undefined, bodyReplayable: true });
    if (rejection) invalidateRejected(security, applied, rejection);
    if (!rejection?.retry) return { statuses, body, headers };
  }
}

beforeAll(() => {
  tokens = new OAuthTokenCache();
  csrfTokens = new CsrfTokenStore();
});
afterAll(async () => {
  await Promise.all([...dispatchers.values()].map((a) => a.close()));
});

describe('basic credentials, CSRF and request parameters', () => {
  const AUTH = basic('erp-user', 'erp-password');
  let api: CsrfApiServer;
  beforeAll(async () => {
    api = await startCsrfApiServer({ authorization: AUTH });
  });
  afterAll(() => api.close());
  afterEach(() => {
    api.requests.length = 0;
  });

  const secrets = {
    'erp-basic': { username: 'erp-user', password: 'erp-password' },
    'erp-params': { headers: '{"X-Api-Key":["k-123"]}', queryParameters: '{"sap-client":["100"]}' },
  };

  it('fetches the CSRF token with the basic credentials and request parameters, then rides out a token rotation with one retry', async () => {
    const security = await compile(
      { endpointSecurity: { type: 'basic', secret: 'erp-basic' }, csrf: { tokenEndpointUrl: api.tokenUrl }, requestParametersSecret: { secret: 'erp-params' } },
      secrets,
    );
    const first = await send(`${api.url}/sap/opu/odata/sap/API/Orders`, security, { method: 'POST', body: '{"id":1}', headers: { cookie: 'theme=dark' } });
    expect(first.statuses).toEqual([200]);
    expect(first.body).toEqual({ ok: true, method: 'POST', bodyBytes: 8 });
    expect(api.requests[0]).toMatchObject({ method: 'GET', url: '/sap/opu/odata/sap/API/?sap-client=100', csrfToken: 'Fetch', authorization: AUTH });
    expect(first.headers).toMatchObject({ authorization: AUTH, 'x-api-key': 'k-123' });
    expect(String(first.headers.cookie)).toMatch(/^theme=dark; SAP_SESSIONID_GH1=[0-9a-f]+; sap-usercontext=sap-client=100$/);

    api.rotate();
    const fetchesBefore = api.fetches;
    const second = await send(`${api.url}/sap/opu/odata/sap/API/Orders`, security, { method: 'POST', body: '{"id":2}' });
    expect(second.statuses).toEqual([403, 200]);
    expect(api.fetches - fetchesBefore).toBe(1);
  });

  it('gives up after one retry when the backend keeps refusing, keeping the fresh token', async () => {
    let fetches = 0;
    const refusing = await startRecordingUpstream((req, res) => {
      if (req.headers['x-csrf-token'] === 'Fetch') {
        fetches += 1;
        res.writeHead(200, { 'x-csrf-token': `token-${fetches}`, 'content-type': 'application/json' });
      } else res.writeHead(403, { 'x-csrf-token': 'Required', 'content-type': 'application/json' });
      res.end('{}');
    });
    try {
      const security = await compile({ endpointSecurity: { type: 'basic', secret: 'erp-basic' }, csrf: { tokenEndpointUrl: `${refusing.url}/csrf` } }, secrets);
      expect((await send(`${refusing.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([403, 403]);
      expect(fetches).toBe(2);
      expect((await security.csrf!.token()).value).toBe('token-2');
    } finally {
      await refusing.close();
    }
  });

  it('refuses a request-parameters secret with a bad header at compile time, naming service, secret and key', async () => {
    const error = await compile({ requestParametersSecret: { secret: 'bad-params' } }, { 'bad-params': { headers: '{"X-Api-Key":["a\\r\\nb"]}' } }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('service "erp": secret "bad-params" key headers["X-Api-Key"][0]: contains a line break or NUL');
  });

  it('refuses Basic credentials RFC 7617 cannot carry, naming service, secret and key, never the value', async () => {
    const refusal = async (username: string, password: string) => {
      const error = await compile({ endpointSecurity: { type: 'basic', secret: 'odd-basic', namespace: 'erp' } }, { 'erp/odd-basic': { username, password } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BasicCredentialsError);
      expect(error).toMatchObject({ code: 'GATEHOUSE_BASIC_CREDENTIALS', secret: 'odd-basic' });
      for (const value of [username, password].filter((v) => v.length > 3)) expect((error as Error).message).not.toContain(value);
      return [(error as BasicCredentialsError).key, (error as Error).message];
    };
    expect(await refusal('tenant:user', 'secret-pw')).toEqual(['username', 'service "erp": secret "erp/odd-basic" key "username" contains ":", which ends a Basic user-id (RFC 7617)']);
    expect(await refusal('user\tname', 'secret-pw')).toEqual(['username', 'service "erp": secret "erp/odd-basic" key "username" contains control characters (RFC 7617)']);
    expect(await refusal('user', 'secret-pw\n')).toEqual(['password', 'service "erp": secret "erp/odd-basic" key "password" contains control characters (RFC 7617)']);
    expect(await refusal('user', 'secret\x7fpw')).toEqual(['password', 'service "erp": secret "erp/odd-basic" key "password" contains control characters (RFC 7617)']);
    expect(await refusal('', '')).toEqual(['username', 'service "erp": secret "erp/odd-basic" key "username" and key "password" are both empty']);
  });

  it('accepts Basic credentials RFC 7617 can carry: a colon in the password, one of the two empty', async () => {
    for (const [username, password] of [['user', 'pa:ss'], ['api-key-as-user', ''], ['', 'token'], ['jöhn', 'pässwörd 東京']] as const) {
      const security = await compile({ endpointSecurity: { type: 'basic', secret: 'ok-basic' } }, { 'ok-basic': { username, password } });
      expect(security.authorization).toBe(basic(username, password));
    }
  });

  it('reports a missing credential key as a MissingSecretError', async () => {
    await expect(compile({ endpointSecurity: { type: 'basic', secret: 'erp-basic', passwordKey: 'pass' } }, secrets)).rejects.toBeInstanceOf(MissingSecretError);
  });
});

describe('OAuth client credentials', () => {
  let idp: OAuthTokenServer;
  let api: RecordingUpstream;
  beforeAll(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-client-secret' } });
    api = await startRecordingUpstream(bearerProtected(idp));
  });
  afterAll(async () => {
    await idp.close();
    await api.close();
  });

  const secrets = { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-client-secret' } };

  it('sends a bearer token, and after the backend stops accepting it, retries once with a new one', async () => {
    const security = await compile({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } }, secrets);
    expect((await send(`${api.url}/orders`, security, { method: 'GET' })).statuses).toEqual([200]);
    expect((await send(`${api.url}/orders`, security, { method: 'GET' })).statuses).toEqual([200]);
    expect(idp.requests).toHaveLength(1);
    idp.revokeAll();
    expect((await send(`${api.url}/orders`, security, { method: 'POST', body: 'x' })).statuses).toEqual([401, 200]);
    expect(idp.requests).toHaveLength(2);
  });

  it('fetches the CSRF token with the current bearer token', async () => {
    const csrfApi = await startCsrfApiServer({ authorization: (value) => idp.isValid(/^Bearer (.+)$/.exec(value ?? '')?.[1] ?? '') });
    try {
      const security = await compile({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', scope: 'erp' }, csrf: { tokenEndpointUrl: csrfApi.tokenUrl } }, secrets);
      expect((await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([200]);
      idp.revokeAll();
      // The backend refuses the revoked bearer token; the retry brings a new token and a CSRF session opened with it.
      const fetchesBefore = csrfApi.fetches;
      expect((await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([401, 200]);
      expect(csrfApi.fetches - fetchesBefore).toBe(1);
    } finally {
      await csrfApi.close();
    }
  });

  it('on a 403 drops both the bearer token and the CSRF session opened with it, and fetches both again', async () => {
    const csrfApi = await startCsrfApiServer({ authorization: (value) => idp.isValid(/^Bearer (.+)$/.exec(value ?? '')?.[1] ?? '') });
    try {
      const security = await compile({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', scope: 'csrf-403' }, csrf: { tokenEndpointUrl: csrfApi.tokenUrl } }, secrets);
      expect((await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([200]);
      const tokensBefore = idp.requests.length;
      const fetchesBefore = csrfApi.fetches;
      csrfApi.rotate();
      expect((await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([403, 200]);
      expect(idp.requests.length - tokensBefore).toBe(1);
      expect(csrfApi.fetches - fetchesBefore).toBe(1);
    } finally {
      await csrfApi.close();
    }
  });

  describe('a CSRF token fetched with a bearer token the backend no longer accepts', () => {
    // Its own store, on a clock the test moves: the cached CSRF token expires while the bearer token is still cached.
    let clock = Date.now();
    const expiringCsrf = new CsrfTokenStore({ tokenLifetimeSeconds: 60, now: () => clock });
    const compileWithExpiringCsrf = (options: EndpointOptionsInput) =>
      compileOutboundSecurity(EndpointOptions.parse(options), { secrets: new SecretResolver([new MemorySecretSource('test', secrets)]), tokens, csrfTokens: expiringCsrf, dispatcherFor }, 'service "erp"');

    it('drops the bearer token, fetches a new one and then the CSRF token with it: the request goes through', async () => {
      const csrfApi = await startCsrfApiServer({ authorization: (value) => idp.isValid(/^Bearer (.+)$/.exec(value ?? '')?.[1] ?? '') });
      try {
        const security = await compileWithExpiringCsrf({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', scope: 'csrf-expiry' }, csrf: { tokenEndpointUrl: csrfApi.tokenUrl } });
        expect((await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' })).statuses).toEqual([200]);
        idp.revokeAll();
        clock += 61_000; // the CSRF session is over; the bearer token is cached for an hour yet
        const tokensBefore = idp.requests.length;
        const fetchesBefore = csrfApi.fetches;
        const { statuses, headers } = await send(`${csrfApi.url}/orders`, security, { method: 'POST', body: '{}' });
        expect(statuses).toEqual([200]);
        expect(idp.requests.length - tokensBefore).toBe(1);
        expect(csrfApi.fetches - fetchesBefore).toBe(1);
        // The token fetch refused (401), then the one with the new bearer token, which the request carries too.
        const fetchAuthorizations = csrfApi.requests.filter((r) => r.csrfToken === 'Fetch').slice(-2).map((r) => [r.status, r.authorization]);
        expect(fetchAuthorizations[0]![0]).toBe(401);
        expect(fetchAuthorizations[1]).toEqual([200, headers.authorization]);
        expect(fetchAuthorizations[0]![1]).not.toBe(headers.authorization);
      } finally {
        await csrfApi.close();
      }
    });

    it('tries once: a CSRF token endpoint that refuses the new bearer token too is a 502, after one more token', async () => {
      const csrfApi = await startCsrfApiServer({ authorization: () => false });
      try {
        const security = await compileWithExpiringCsrf({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', scope: 'csrf-refused' }, csrf: { tokenEndpointUrl: csrfApi.tokenUrl } });
        const tokensBefore = idp.requests.length;
        const error = await applyOutboundSecurity({}, security).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CredentialEndpointError);
        expect((error as CredentialEndpointError).message).toMatch(/CSRF token endpoint .* answered HTTP 401/);
        expect(idp.requests.length - tokensBefore).toBe(2);
        expect(csrfApi.requests.map((r) => r.status)).toEqual([401, 401]);
      } finally {
        await csrfApi.close();
      }
    });
  });

  it('passes a token endpoint failure on as a 502 error', async () => {
    const security = await compile({ endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', scope: 'other' } }, secrets);
    idp.failWith(500);
    try {
      const error = await applyOutboundSecurity({}, security).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialEndpointError);
      expect((error as CredentialEndpointError).status).toBe(502);
    } finally {
      idp.failWith(undefined);
    }
  });
});

describe('OAuth client credentials over TLS the endpoint does not verify', () => {
  let pki: TestPki;
  let idp: OAuthTokenServer;
  beforeAll(async () => {
    pki = await createTestPki();
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-client-secret' }, tls: pki.selfSignedServer });
  });
  afterAll(() => idp.close());

  it('never hands a token fetched with skipVerify to an endpoint that verifies the same token URL', async () => {
    const secrets = { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-client-secret' } };
    const endpointSecurity = { type: 'oauth2-client-credentials' as const, tokenUrl: idp.tokenUrl, secret: 'erp-oauth' };
    const unverified = await compile({ endpointSecurity, tls: { skipVerify: true } }, secrets);
    const verifying = await compile({ endpointSecurity }, secrets);
    expect(verifying.oauth!.key).not.toBe(unverified.oauth!.key);

    const headers: OutgoingHeaders = {};
    await applyOutboundSecurity(headers, unverified);
    expect(idp.isValid(String(headers.authorization).slice('Bearer '.length))).toBe(true);
    // The same client, token URL and scope: only the trust differs, and the self-signed endpoint fails it.
    const error = await applyOutboundSecurity({}, verifying).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialEndpointError);
    expect(idp.requests).toHaveLength(1);
  });
});

describe('a CSRF token fetched without verifying the endpoint', () => {
  it('never serves an endpoint that verifies the same CSRF URL with the same credentials: its session could be planted', async () => {
    const pki = await createTestPki();
    // A self-signed CSRF endpoint: whoever answers there hands out a token and a session cookie.
    const csrf = await startTlsServer({
      ...pki.selfSignedServer,
      handler: (_req, res) => {
        res.writeHead(200, { 'x-csrf-token': 'planted-token', 'set-cookie': 'SESSION=planted-session; Path=/' });
        res.end();
      },
    });
    try {
      const secrets = { 'erp-basic': { username: 'erp-user', password: 'erp-password' } };
      const options = { endpointSecurity: { type: 'basic' as const, secret: 'erp-basic' }, csrf: { tokenEndpointUrl: `${csrf.url}/csrf` } };
      const unverified = await compile({ ...options, tls: { skipVerify: true } }, secrets);
      const verifying = await compile(options, secrets);

      const headers: OutgoingHeaders = {};
      await applyOutboundSecurity(headers, unverified);
      expect(headers['x-csrf-token']).toBe('planted-token');
      // The same URL and credentials: only the trust differs, and the self-signed endpoint fails it.
      const error = await applyOutboundSecurity({}, verifying).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialEndpointError);
      expect((error as CredentialEndpointError).message).toContain(`CSRF token endpoint ${csrf.url}/csrf presented a TLS certificate the gateway does not accept`);
      expect(csrf.requests).toHaveLength(1);
    } finally {
      await csrf.close();
    }
  });
});

describe('client certificate', () => {
  let pki: TestPki;
  let mtls: TestTlsServer;
  beforeAll(async () => {
    pki = await createTestPki();
    mtls = await startTlsServer({ ...pki.server, clientCa: pki.ca.cert });
  });
  afterAll(() => mtls.close());

  it('builds the TLS profile from the secret, CA included, and reaches an mTLS backend', async () => {
    const security = await compile({ endpointSecurity: { type: 'client-certificate', secret: 'erp-mtls', caKey: 'ca.crt' } }, { 'erp-mtls': { crt: pki.client.cert, key: pki.client.key, 'ca.crt': pki.ca.cert } });
    expect(security.tls?.key).toMatch(/^tls-/);
    const pool = new Pool(mtls.url, { connect: security.tls!.connect });
    try {
      const response = await pool.request({ path: '/', method: 'GET' });
      expect(await response.body.json()).toMatchObject({ clientCommonName: 'gatehouse-client' });
    } finally {
      await pool.close();
    }
  });

  it('refuses a key that does not match, naming service, secret and keys', async () => {
    const error = await compile({ endpointSecurity: { type: 'client-certificate', secret: 'erp-mtls' } }, { 'erp-mtls': { crt: pki.client.cert, key: pki.strayKey } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientCertificateError);
    expect((error as Error).message).toBe('service "erp": secret "erp-mtls" key "key" does not belong to secret "erp-mtls" key "crt" (subject CN=gatehouse-client)');
    expect((error as ClientCertificateError).problem).toBe('key-mismatch');
  });

  it('refuses an unreadable CA bundle from tls.caSecret', async () => {
    const error = await compile({ tls: { caSecret: { secret: 'erp-ca' } } }, { 'erp-ca': { 'ca.crt': 'not pem' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaBundleError);
    expect((error as Error).message).toBe('service "erp": secret "erp-ca" key "ca.crt" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")');
  });
});
