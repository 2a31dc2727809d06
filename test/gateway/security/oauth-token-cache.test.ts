import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { OAuthTokenCache, DEFAULT_TOKEN_LIFETIME_SECONDS, parseTokenResponse, tokenCacheKey, type ClientCredentialsGrant } from '../../../gateway/security/oauth-token-cache';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import { parseRequestParameters } from '../../../gateway/security/request-parameters';
import { upstreamTlsProfile } from '../../../gateway/security/upstream-tls';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { createTestPki, type TestPki } from '../../support/test-certificates';

const CLIENT_ID = 'gatehouse client:1';
const CLIENT_SECRET = 'p@ss wörd+/=&%s3cr3t';

let server: OAuthTokenServer;

function grant(overrides: Partial<ClientCredentialsGrant> = {}): ClientCredentialsGrant {
  return { tokenUrl: server.tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, clientAuth: 'client_secret_basic', ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<CredentialEndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialEndpointError);
  return error as CredentialEndpointError;
}

beforeAll(async () => {
  server = await startOAuthTokenServer({ clients: { [CLIENT_ID]: CLIENT_SECRET, other: 'other-secret' } });
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.failWith(undefined);
  server.answerWith(undefined);
  Object.assign(server.settings, { expiresIn: 3600, tokenType: 'Bearer', delayMs: 0 });
});

describe('token request (RFC 6749 §4.4)', () => {
  it('authenticates with client_secret_basic, form-urlencoding id and secret before base64 (§2.3.1)', async () => {
    const token = await new OAuthTokenCache().source(grant()).token();
    expect(server.isValid(token.value)).toBe(true);
    expect(token.authorization).toBe(`Bearer ${token.value}`);
    expect(server.requests).toEqual([
      { clientAuth: 'client_secret_basic', clientId: CLIENT_ID, grantType: 'client_credentials', scope: undefined, contentType: 'application/x-www-form-urlencoded', url: '/oauth/token', headers: expect.any(Object) as unknown, body: 'grant_type=client_credentials', accepted: true },
    ]);
  });

  it('sends the grant\'s extra headers and query parameters on the token request, still with one client authentication', async () => {
    const requestParameters = parseRequestParameters({
      headers: '{"X-Tenant": ["acme"], "X-Api-Key": ["k-1", "k-2"], "Accept": ["application/json, */*"]}',
      queryParameters: '{"audience": ["erp api"], "tenant": ["acme"]}',
    });
    const token = await new OAuthTokenCache().source(grant({ tokenUrl: `${server.tokenUrl}?realm=r1`, requestParameters })).token();
    expect(server.isValid(token.value)).toBe(true);
    const [seen] = server.requests;
    // Basic only: no client_id / client_secret in the body beside it (RFC 6749 §2.3.1).
    expect(seen).toMatchObject({ clientAuth: 'client_secret_basic', contentType: 'application/x-www-form-urlencoded', url: '/oauth/token?realm=r1&audience=erp%20api&tenant=acme', accepted: true });
    expect(seen!.headers).toMatchObject({ 'x-tenant': 'acme', 'x-api-key': 'k-1, k-2', accept: 'application/json, */*' });
  });

  it('keeps token request parameters apart in the cache, without their values in the key', async () => {
    const cache = new OAuthTokenCache();
    const tenant = (name: string) => parseRequestParameters({ headers: JSON.stringify({ 'X-Tenant': [name] }) });
    const a = await cache.source(grant({ requestParameters: tenant('tenant-a-secret') })).token();
    const b = await cache.source(grant({ requestParameters: tenant('tenant-b-secret') })).token();
    expect(a.value).not.toBe(b.value);
    expect(server.requests.map((r) => r.headers['x-tenant'])).toEqual(['tenant-a-secret', 'tenant-b-secret']);
    expect(tokenCacheKey(grant({ requestParameters: tenant('tenant-a-secret') }))).not.toContain('tenant-a-secret');
    // No parameters at all is the same client as before parameters existed.
    expect(tokenCacheKey(grant({ requestParameters: parseRequestParameters({}) }))).toBe(tokenCacheKey(grant()));
  });

  it('authenticates with client_secret_post when configured, and sends the scope', async () => {
    const token = await new OAuthTokenCache().source(grant({ clientAuth: 'client_secret_post', scope: 'read:orders write:orders' })).token();
    expect(server.isValid(token.value)).toBe(true);
    expect(server.requests[0]).toMatchObject({ clientAuth: 'client_secret_post', clientId: CLIENT_ID, scope: 'read:orders write:orders', accepted: true });
  });

  it('serves later calls from the cache', async () => {
    const source = new OAuthTokenCache().source(grant());
    const first = await source.token();
    const second = await source.token();
    expect(second).toBe(first);
    expect(server.requests).toHaveLength(1);
  });

  it('sends one token request for 500 concurrent callers on a cold cache', async () => {
    server.settings.delayMs = 50;
    const source = new OAuthTokenCache().source(grant());
    const tokens = await Promise.all(Array.from({ length: 500 }, () => source.token()));
    expect(server.requests).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
  });

  it('shares one failure among concurrent callers and does not cache it', async () => {
    server.settings.delayMs = 30;
    server.failWith(503);
    const source = new OAuthTokenCache().source(grant());
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => source.token()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.requests).toHaveLength(1);
    server.failWith(undefined);
    expect(server.isValid((await source.token()).value)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps clients apart: another client id, secret or scope is another cache entry', async () => {
    const cache = new OAuthTokenCache();
    const a = await cache.source(grant()).token();
    const b = await cache.source(grant({ clientId: 'other', clientSecret: 'other-secret' })).token();
    const c = await cache.source(grant({ scope: 'read' })).token();
    expect(new Set([a.value, b.value, c.value]).size).toBe(3);
    expect(cache.size).toBe(3);
    expect(tokenCacheKey(grant())).not.toBe(tokenCacheKey(grant({ clientSecret: 'changed' })));
    expect(tokenCacheKey(grant())).not.toContain(CLIENT_SECRET);
  });

  it('keeps client authentication methods apart: a fetch made one way neither serves nor fails the other', async () => {
    const cache = new OAuthTokenCache();
    server.settings.delayMs = 30;
    // Sent at once: one fetch each, not one shared in flight. Kyma's way (both methods) this server refuses.
    const [basic, post, kyma] = await Promise.allSettled(['client_secret_basic', 'client_secret_post', 'kyma'].map((clientAuth) => cache.source(grant({ clientAuth: clientAuth as ClientCredentialsGrant['clientAuth'] })).token()));
    expect([basic!.status, post!.status, kyma!.status]).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(server.requests.map((r) => r.clientAuth).sort()).toEqual(['both', 'client_secret_basic', 'client_secret_post']);
    expect(new Set([tokenCacheKey(grant()), tokenCacheKey(grant({ clientAuth: 'client_secret_post' })), tokenCacheKey(grant({ clientAuth: 'kyma' }))]).size).toBe(3);
    // Later calls: the cached tokens serve their own method only; Kyma's way still fetches (and is refused).
    await cache.source(grant()).token();
    await failure(cache.source(grant({ clientAuth: 'kyma' })).token());
    expect(server.requests).toHaveLength(4);
  });

  it('bounds the number of cached clients', async () => {
    const cache = new OAuthTokenCache({ maxEntries: 2 });
    for (const scope of ['a', 'b', 'c']) await cache.source(grant({ scope })).token();
    expect(cache.size).toBe(2);
  });
});

describe('expiry', () => {
  it('refetches once the token is within the refresh skew of its expiry', async () => {
    let now = 1_000_000;
    server.settings.expiresIn = 120;
    const source = new OAuthTokenCache({ refreshSkewSeconds: 30, now: () => now }).source(grant());
    const first = await source.token();
    expect(first.expiresAt).toBe(1_000_000 + 120_000);
    expect(first.refreshAt).toBe(1_000_000 + 90_000);
    now += 89_000;
    expect(await source.token()).toBe(first);
    now += 2_000;
    const second = await source.token();
    expect(second.value).not.toBe(first.value);
    expect(server.requests).toHaveLength(2);
  });

  it('offers the cached token at once only while it needs no refresh, and never fetches for it', async () => {
    let now = 1_000_000;
    server.settings.expiresIn = 120;
    const source = new OAuthTokenCache({ refreshSkewSeconds: 30, now: () => now }).source(grant());
    expect(source.fresh()).toBeUndefined();
    expect(server.requests).toHaveLength(0);
    const token = await source.token();
    expect(source.fresh()).toBe(token);
    now += 90_000; // at refreshAt: token() would fetch, so there is nothing to offer at once
    expect(source.fresh()).toBeUndefined();
    source.invalidate(token);
    now -= 90_000;
    expect(source.fresh()).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('refreshes short-lived tokens at half their lifetime rather than never caching them', async () => {
    let now = 0;
    server.settings.expiresIn = 10;
    const source = new OAuthTokenCache({ refreshSkewSeconds: 30, now: () => now }).source(grant());
    const first = await source.token();
    expect(first.refreshAt).toBe(5_000);
    now = 4_999;
    expect(await source.token()).toBe(first);
    expect(server.requests).toHaveLength(1);
  });

  it('refetches a really expired token (real clock)', async () => {
    server.settings.expiresIn = 1;
    const source = new OAuthTokenCache().source(grant());
    const first = await source.token();
    await new Promise((r) => setTimeout(r, 600));
    const second = await source.token();
    expect(second.value).not.toBe(first.value);
    expect(server.requests).toHaveLength(2);
  });

  it(`assumes ${DEFAULT_TOKEN_LIFETIME_SECONDS}s when expires_in is missing, or the configured default`, async () => {
    server.settings.expiresIn = null;
    const now = 5_000;
    const token = await new OAuthTokenCache({ now: () => now }).source(grant()).token();
    expect(token.expiresAt).toBe(now + DEFAULT_TOKEN_LIFETIME_SECONDS * 1000);
    const custom = await new OAuthTokenCache({ now: () => now, defaultLifetimeSeconds: 60 }).source(grant()).token();
    expect(custom.expiresAt).toBe(now + 60_000);
  });

  it('uses a token with expires_in 0 for the callers waiting for its fetch, and caches it for nobody else', async () => {
    const now = 7_000;
    server.settings.expiresIn = 0;
    const source = new OAuthTokenCache({ now: () => now }).source(grant());
    const together = await Promise.all([source.token(), source.token(), source.token()]);
    expect(server.requests).toHaveLength(1);
    expect(new Set(together).size).toBe(1);
    expect(together[0]).toMatchObject({ expiresAt: now, singleUse: true });
    expect(source.fresh()).toBeUndefined();
    expect(source.peek()).toBeUndefined();
    const later = await source.token();
    expect(later.value).not.toBe(together[0]!.value);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps using the old token inside the refresh window while the token endpoint fails, not after expiry', async () => {
    let now = 0;
    server.settings.expiresIn = 100;
    const source = new OAuthTokenCache({ refreshSkewSeconds: 30, now: () => now }).source(grant());
    const first = await source.token();
    server.failWith(500);
    now = 80_000;
    expect(await source.token()).toBe(first);
    now = 100_001;
    await failure(source.token());
  });
});

describe('invalidate (upstream 401)', () => {
  it('drops the rejected token so the next call fetches a new one', async () => {
    const source = new OAuthTokenCache().source(grant());
    const first = await source.token();
    source.invalidate(first);
    const second = await source.token();
    expect(second.value).not.toBe(first.value);
    expect(server.requests).toHaveLength(2);
  });

  it('ignores a late invalidation of a token that was already replaced', async () => {
    const source = new OAuthTokenCache().source(grant());
    const first = await source.token();
    source.invalidate(first);
    const second = await source.token();
    source.invalidate(first);
    expect(await source.token()).toBe(second);
    expect(server.requests).toHaveLength(2);
  });
});

describe('token endpoint failures', () => {
  it('names the token URL and the HTTP status, never the secret or the body', async () => {
    server.failWith(500, JSON.stringify({ error: 'server_error', error_description: `client_secret=${CLIENT_SECRET} was rejected` }));
    const error = await failure(new OAuthTokenCache().source(grant()).token());
    expect(error.status).toBe(502);
    expect(error.code).toBe('GATEHOUSE_TOKEN_ENDPOINT');
    expect(error.upstreamStatus).toBe(500);
    expect(error.failure).toBe('http-status');
    expect(error.message).toBe(`token endpoint ${server.tokenUrl} answered HTTP 500`);
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(error.message).not.toContain('rejected');
  });

  it('repeats a registered OAuth error code (RFC 6749 §5.2) but not its description', async () => {
    const error = await failure(new OAuthTokenCache().source(grant({ clientSecret: 'wrong-secret' })).token());
    expect(error.message).toBe(`token endpoint ${server.tokenUrl} answered HTTP 401 (invalid_client)`);
    expect(error.message).not.toContain('wrong-secret');
    expect(error.message).not.toContain(CLIENT_ID);
  });

  it('leaves the token URL query out of messages', async () => {
    server.failWith(500);
    const error = await failure(new OAuthTokenCache().source(grant({ tokenUrl: `${server.tokenUrl}?tenant=acme&key=abc123` })).token());
    expect(error.message).toBe(`token endpoint ${server.tokenUrl} answered HTTP 500`);
  });

  it('reports an unreachable endpoint with its error code', async () => {
    const closed = await startOAuthTokenServer({ clients: {} });
    await closed.close();
    const error = await failure(new OAuthTokenCache().source(grant({ tokenUrl: closed.tokenUrl })).token());
    expect(error.failure).toBe('unreachable');
    expect(error.message).toBe(`token endpoint ${closed.tokenUrl} unreachable (ECONNREFUSED)`);
  });

  it('times out a token endpoint that does not answer', async () => {
    // The server stays silent a hundred times the 100 ms timeout: the call's deadline or undici's headers timeout
    // ends it (undici's timers tick about once a second, so usually the deadline), and either is a timeout.
    server.settings.delayMs = 10_000;
    const error = await failure(new OAuthTokenCache({ requestTimeoutMs: 100 }).source(grant()).token());
    expect(error.failure).toBe('timeout');
    expect(error.message).toMatch(/ (timed out \(UND_ERR_HEADERS_TIMEOUT\)|did not answer in full within 0\.1 s \(GATEHOUSE_CALL_DEADLINE\))$/);
  });

  it.each([
    ['a non-JSON body', '<html>oops</html>', 'the body is not JSON'],
    ['a JSON array', '[]', 'the body is not a JSON object'],
    ['no access_token', '{"token_type":"Bearer","expires_in":60}', 'access_token is missing or not a non-empty string'],
    ['an empty access_token', '{"access_token":"","token_type":"Bearer"}', 'access_token is missing or not a non-empty string'],
    ['an access_token with a line break', '{"access_token":"abc\\r\\nX-Evil: 1","token_type":"Bearer"}', 'access_token has characters a bearer token cannot have (RFC 6750 §2.1)'],
    ['no token_type', '{"access_token":"abc"}', 'token_type is missing (RFC 6749 §5.1 requires it; only Bearer is supported)'],
    ['a numeric token_type', '{"access_token":"abc","token_type":1}', 'token_type is not a string'],
    ['a MAC token_type', '{"access_token":"abc","token_type":"mac"}', 'token_type "mac" is not supported (only Bearer)'],
    ['a negative expires_in', '{"access_token":"abc","token_type":"Bearer","expires_in":-5}', 'expires_in is negative or not finite'],
    ['an expires_in beyond double range', '{"access_token":"abc","token_type":"Bearer","expires_in":1e400}', 'expires_in is negative or not finite'],
    ['a non-numeric expires_in', '{"access_token":"abc","token_type":"Bearer","expires_in":"soon"}', 'expires_in is not a number'],
  ])('refuses a 200 response with %s', async (_case, body, problem) => {
    server.answerWith(body);
    const error = await failure(new OAuthTokenCache().source(grant()).token());
    expect(error.failure).toBe('invalid-response');
    expect(error.message).toBe(`token endpoint ${server.tokenUrl} answered HTTP 200 with an unusable token response: ${problem}`);
  });

  it('refuses an oversized token response', async () => {
    server.answerWith(JSON.stringify({ access_token: 'a'.repeat(2000), token_type: 'Bearer' }));
    const error = await failure(new OAuthTokenCache({ maxResponseBytes: 1000 }).source(grant()).token());
    expect(error.message).toMatch(/larger than 1000 bytes$/);
  });
});

describe('parseTokenResponse', () => {
  it('accepts an expires_in of 0, as a number or quoted', () => {
    expect(parseTokenResponse({ access_token: 'abc', token_type: 'Bearer', expires_in: 0 })).toEqual({ ok: true, value: 'abc', lifetimeSeconds: 0 });
    expect(parseTokenResponse({ access_token: 'abc', token_type: 'Bearer', expires_in: '0' })).toEqual({ ok: true, value: 'abc', lifetimeSeconds: 0 });
  });

  it('accepts bearer in any case and a quoted expires_in', () => {
    expect(parseTokenResponse({ access_token: 'eyJ.a-b_c~d+e/f==', token_type: 'bEaReR', expires_in: '3599' })).toEqual({ ok: true, value: 'eyJ.a-b_c~d+e/f==', lifetimeSeconds: 3599 });
  });

  it('does not quote an odd token_type', () => {
    const parsed = parseTokenResponse({ access_token: 'abc', token_type: 'secret value with spaces' });
    expect(parsed).toEqual({ ok: false, problem: 'token_type is not supported (only Bearer)' });
  });
});

describe('token endpoint behind TLS', () => {
  let pki: TestPki;
  let tlsServer: OAuthTokenServer;
  beforeAll(async () => {
    pki = await createTestPki();
    tlsServer = await startOAuthTokenServer({ clients: { [CLIENT_ID]: CLIENT_SECRET }, tls: pki.server });
  });
  afterAll(() => tlsServer.close());

  it('uses the injected dispatcher, e.g. one trusting a private CA', async () => {
    const agent = new Agent({ connect: upstreamTlsProfile({ ca: [pki.ca.cert] })!.connect });
    try {
      const token = await new OAuthTokenCache().source(grant({ tokenUrl: tlsServer.tokenUrl }), agent).token();
      expect(tlsServer.isValid(token.value)).toBe(true);
    } finally {
      await agent.close();
    }
  });

  it('fails verification without it', async () => {
    const error = await failure(new OAuthTokenCache().source(grant({ tokenUrl: tlsServer.tokenUrl })).token());
    // Reached, and not trusted: "unreachable" would send the developer to check connectivity.
    expect(error.failure).toBe('untrusted');
    expect(error.message).toBe(`token endpoint ${tlsServer.tokenUrl} presented a TLS certificate the gateway does not accept (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`);
  });
});
