// Kyma's Application Gateway end-to-end cases, run against Gatehouse: each row is an Application service from
// kyma-project/application-connector-manager tests/resources/charts/gateway-test/charts/test/templates/applications
// (the file and service named in `source`), served by a real Gatehouse gateway in front of a real port of Kyma's
// mock application (test/support/kyma-mock-app.ts), called as Kyma's runner calls it (tests/test/application-gateway/
// runner_test.go: a GET that follows redirects, the status compared with the one in the service's description).
// Only cases no other test file runs are here; the rest are listed in the report of this audit and cited in
// kyma-oauth-client-auth.test.ts, kyma-and-sandbox.test.ts, kyma-access-token.test.ts, redirect-location.test.ts.
// Where Gatehouse answers otherwise on purpose, `kyma` holds Kyma's status and `why` the reason (README, Kyma section).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startKymaMockApp, KYMA_MOCK, type KymaMockApp } from '../../support/kyma-mock-app';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import type { KymaApplicationInput } from '../../../gateway/config/kyma-application-schema';

type Entry = NonNullable<KymaApplicationInput['services']>[number]['entries'][number];

/** Kyma's mock application, and an upstream answering with the request target it got (proxy_test.go's test server). */
interface Servers {
  mock: KymaMockApp;
  echo: RecordingUpstream;
}

interface Case {
  /** Kyma's Application file and service name. */
  source: string;
  /** Gateway path: /{application}/{service}[...], or a path that names none. */
  path: string;
  /** The entry served at `path` (none for paths that name no service). */
  entry?: (servers: Servers) => Entry;
  /** The Application's `targetErrors` (Kyma's code rewriting). */
  targetErrors?: 'kyma';
  status: number;
  /** Part of the body the client gets. */
  body?: string;
  /** Kyma's status, where Gatehouse answers otherwise on purpose. */
  kyma?: number;
  why?: string;
}

const mockApi = (path: string) => (s: Servers) => `${s.mock.url}/v1/api${path}`;
const mtlsApi = (path: string) => (s: Servers) => `${s.mock.mtlsUrl!}/v1/api${path}`;
const csrfInfo = (path: string, s: Servers) => ({ tokenEndpointURL: `${s.mock.url}/v1/api/csrf${path}` });
const LEFT_OUT = 'a service Gatehouse cannot serve as configured answers 503 naming the secret, before any call is made';
const TOKEN_FAILURE = 'a token endpoint that fails is 502 naming it, as for OAuth (Kyma wraps OAuthWithCert failures as internal errors)';
const mtlsOAuth = (secretName: string, csrf?: string) => (s: Servers): Entry => ({
  targetUrl: mockApi(csrf ? '/csrf-oauth/ok' : '/oauth/ok')(s),
  credentials: { type: 'OAuthWithCert', secretName, authenticationUrl: mtlsApi('/mtls-oauth/token')(s), ...(csrf ? { csrfInfo: csrfInfo(csrf, s) } : {}) },
});

const cases: Case[] = [
  // positive-authorisation.yml
  { source: 'positive-authorisation.yml unsecure-always-ok', path: '/positive-authorisation/unsecure-always-ok', entry: (s) => ({ targetUrl: mockApi('/unsecure/ok')(s) }), status: 200 },
  { source: 'positive-authorisation.yml basic-auth-ok', path: '/positive-authorisation/basic-auth-ok', entry: (s) => ({ targetUrl: mockApi('/basic/ok')(s), credentials: { type: 'Basic', secretName: 'basic-test' } }), status: 200 },
  { source: 'positive-authorisation.yml mtls', path: '/positive-authorisation/mtls', entry: (s) => ({ targetUrl: mtlsApi('/mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-positive' } }), status: 200 },
  { source: 'positive-authorisation.yml mtls-oauth', path: '/positive-authorisation/mtls-oauth', entry: mtlsOAuth('mtls-oauth-positive'), status: 200 },
  { source: 'positive-authorisation.yml csrf-mtls-oauth', path: '/positive-authorisation/csrf-mtls-oauth', entry: mtlsOAuth('mtls-oauth-positive', '/token'), status: 200 },
  { source: 'positive-authorisation.yml csrf-basic', path: '/positive-authorisation/csrf-basic', entry: (s) => ({ targetUrl: mockApi('/csrf-basic/ok')(s), credentials: { type: 'Basic', secretName: 'basic-test', csrfInfo: csrfInfo('/token', s) } }), status: 200 },
  { source: 'positive-authorisation.yml csrf-mtls', path: '/positive-authorisation/csrf-mtls', entry: (s) => ({ targetUrl: mtlsApi('/csrf-mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-positive', csrfInfo: csrfInfo('/token', s) } }), status: 200 },
  {
    source: 'positive-authorisation.yml basic-auth-with-request-parameters (a header and a query parameter with two values each)',
    path: '/positive-authorisation/basic-auth-with-request-parameters',
    entry: (s) => ({ targetUrl: mockApi('/request-parameters-basic/ok')(s), requestParametersSecretName: 'request-parameters-test', credentials: { type: 'Basic', secretName: 'basic-test' } }),
    status: 200,
  },
  // negative-authorisation.yml
  { source: 'negative-authorisation.yml bad-oauth-token (a token the API refuses, again after one retry)', path: '/negative-authorisation/bad-oauth-token', entry: (s) => ({ targetUrl: mockApi('/oauth/ok')(s), credentials: { type: 'OAuth', secretName: 'oauth-test-negative-case', authenticationUrl: mockApi('/oauth/bad-token')(s) } }), status: 401 },
  { source: 'negative-authorisation.yml mtls-oauth-other-ca', path: '/negative-authorisation/mtls-oauth-other-ca', entry: mtlsOAuth('mtls-oauth-negative-other-ca'), status: 502, body: '/v1/api/mtls-oauth/token', kyma: 500, why: TOKEN_FAILURE },
  { source: 'negative-authorisation.yml mtls-oauth-incorrect-clientid', path: '/negative-authorisation/mtls-oauth-incorrect-clientid', entry: mtlsOAuth('mtls-oauth-negative-incorrect-clientid'), status: 502, body: 'answered HTTP 403', kyma: 500, why: TOKEN_FAILURE },
  { source: 'negative-authorisation.yml mtls-oauth-negative-expired-client-cert', path: '/negative-authorisation/mtls-oauth-negative-expired-client-cert', entry: mtlsOAuth('mtls-oauth-negative-expired-client-cert'), status: 503, body: 'expired on', kyma: 500, why: 'an expired client certificate is refused when the config is applied, naming secret and key' },
  { source: 'negative-authorisation.yml mtls-oauth-negative-expired-server-cert (its secret holds an expired client certificate)', path: '/negative-authorisation/mtls-oauth-negative-expired-server-cert', entry: mtlsOAuth('mtls-oauth-negative-expired-client-cert'), status: 503, body: 'expired on', kyma: 500, why: 'as above' },
  { source: 'negative-authorisation.yml bad-csrf-token-mtls-oauth', path: '/negative-authorisation/bad-csrf-token-mtls-oauth', entry: mtlsOAuth('mtls-oauth-negative-case', '/bad-token'), status: 403 },
  { source: 'negative-authorisation.yml bad-csrf-endpoint-mtls-oauth', path: '/negative-authorisation/bad-csrf-endpoint-mtls-oauth', entry: mtlsOAuth('mtls-oauth-negative-case', '/nonexistingpath'), status: 502, body: '/v1/api/csrf/nonexistingpath' },
  { source: 'negative-authorisation.yml mtls-negative-other-ca', path: '/negative-authorisation/mtls-negative-other-ca', entry: (s) => ({ targetUrl: mtlsApi('/mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-negative-other-ca' } }), status: 502 },
  {
    source: 'negative-authorisation.yml mtls-negative-expired-client-cert', path: '/negative-authorisation/mtls-negative-expired-client-cert',
    entry: (s) => ({ targetUrl: mtlsApi('/mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-negative-expired-client-cert' } }),
    status: 503, body: 'expired on', kyma: 502, why: 'an expired client certificate is refused when the config is applied, naming secret and key',
  },
  {
    source: 'negative-authorisation.yml mtls-negative-expired-server-cert (its secret holds the expired client certificate)', path: '/negative-authorisation/mtls-negative-expired-server-cert',
    entry: (s) => ({ targetUrl: mtlsApi('/mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-negative-expired-client-cert' } }),
    status: 503, body: 'expired on', kyma: 502, why: 'as above',
  },
  { source: 'negative-authorisation.yml bad-csrf-token-basic', path: '/negative-authorisation/bad-csrf-token-basic', entry: (s) => ({ targetUrl: mockApi('/csrf-basic/ok')(s), credentials: { type: 'Basic', secretName: 'basic-test-negative-case', csrfInfo: csrfInfo('/bad-token', s) } }), status: 403 },
  { source: 'negative-authorisation.yml bad-csrf-endpoint-basic', path: '/negative-authorisation/bad-csrf-endpoint-basic', entry: (s) => ({ targetUrl: mockApi('/csrf-basic/ok')(s), credentials: { type: 'Basic', secretName: 'basic-test-negative-case', csrfInfo: csrfInfo('/nonexistingpath', s) } }), status: 502, body: '/v1/api/csrf/nonexistingpath' },
  { source: 'negative-authorisation.yml bad-csrf-token-oauth', path: '/negative-authorisation/bad-csrf-token-oauth', entry: (s) => ({ targetUrl: mockApi('/csrf-oauth/ok')(s), credentials: { type: 'OAuth', secretName: 'oauth-test-negative-case', authenticationUrl: mockApi('/oauth/token')(s), csrfInfo: csrfInfo('/bad-token', s) } }), status: 403 },
  { source: 'negative-authorisation.yml bad-csrf-endpoint-oauth', path: '/negative-authorisation/bad-csrf-endpoint-oauth', entry: (s) => ({ targetUrl: mockApi('/csrf-oauth/ok')(s), credentials: { type: 'OAuth', secretName: 'oauth-test-negative-case', authenticationUrl: mockApi('/oauth/token')(s), csrfInfo: csrfInfo('/nonexistingpath', s) } }), status: 502, body: '/v1/api/csrf/nonexistingpath' },
  { source: 'negative-authorisation.yml bad-csrf-token-mtls', path: '/negative-authorisation/bad-csrf-token-mtls', entry: (s) => ({ targetUrl: mtlsApi('/csrf-mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-positive', csrfInfo: csrfInfo('/bad-token', s) } }), status: 403 },
  { source: 'negative-authorisation.yml bad-csrf-endpoint-mtls', path: '/negative-authorisation/bad-csrf-endpoint-mtls', entry: (s) => ({ targetUrl: mtlsApi('/csrf-mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'mtls-positive', csrfInfo: csrfInfo('/nonexistingpath', s) } }), status: 502, body: '/v1/api/csrf/nonexistingpath' },
  { source: 'negative-authorisation.yml basic-auth-with-wrong-request-parameters', path: '/negative-authorisation/basic-auth-with-wrong-request-parameters', entry: (s) => ({ targetUrl: mockApi('/request-parameters-basic/ok')(s), requestParametersSecretName: 'wrong-request-parameters-test', credentials: { type: 'Basic', secretName: 'basic-test' } }), status: 400 },
  // path-related-error-handling.yml: paths naming no application service. Gatehouse serves workspace services at
  // any prefix beside the Applications, so a path that names none is a route not found, not a malformed path.
  { source: 'path-related-error-handling.yml missing-srv-app', path: '/', status: 404, kyma: 400, why: 'a path no service is served at is 404 (no route)' },
  { source: 'path-related-error-handling.yml missing-srv', path: '/path-related-error-handling', status: 404, kyma: 400, why: 'as above' },
  // missing-resources-error-handling.yml
  { source: 'missing-resources-error-handling.yml application-doesnt-exist', path: '/where-is-app/idk', status: 404 },
  { source: 'missing-resources-error-handling.yml service-doesnt-exist', path: '/missing-resources-error-handling/where-is-service', status: 404 },
  {
    source: 'missing-resources-error-handling.yml missing-secret-oauth', path: '/missing-resources-error-handling/missing-secret-oauth',
    entry: (s) => ({ targetUrl: mockApi('/oauth/ok')(s), credentials: { type: 'OAuth', secretName: 'where-is-the-secret', authenticationUrl: mockApi('/oauth/token')(s) } }),
    status: 503, body: 'where-is-the-secret', kyma: 500, why: LEFT_OUT,
  },
  {
    source: 'missing-resources-error-handling.yml missing-secret-basic-auth', path: '/missing-resources-error-handling/missing-secret-basic-auth',
    entry: (s) => ({ targetUrl: mockApi('/basic/ok')(s), credentials: { type: 'Basic', secretName: 'where-is-the-secret' } }),
    status: 503, body: 'where-is-the-secret', kyma: 500, why: LEFT_OUT,
  },
  {
    source: 'missing-resources-error-handling.yml missing-secret-oauth-mtls', path: '/missing-resources-error-handling/missing-secret-oauth-mtls',
    entry: (s) => ({ targetUrl: mockApi('/basic/ok')(s), credentials: { type: 'OAuthWithCert', secretName: 'where-is-the-secret', authenticationUrl: mtlsApi('/mtls-oauth/token')(s) } }),
    status: 503, body: 'where-is-the-secret', kyma: 500, why: LEFT_OUT,
  },
  {
    source: 'missing-resources-error-handling.yml missing-secret-certgen-mtls', path: '/missing-resources-error-handling/missing-secret-certgen-mtls',
    entry: (s) => ({ targetUrl: mtlsApi('/mtls/ok')(s), credentials: { type: 'CertificateGen', secretName: 'where-is-the-secret' } }),
    status: 503, body: 'where-is-the-secret', kyma: 500, why: LEFT_OUT,
  },
  {
    source: 'missing-resources-error-handling.yml missing-request-parameters-header', path: '/missing-resources-error-handling/missing-request-parameters-header',
    entry: (s) => ({ targetUrl: mockApi('/basic/ok')(s), requestParametersSecretName: 'where-are-the-paramterers', credentials: { type: 'Basic', secretName: 'basic-test' } }),
    status: 503, body: 'where-are-the-paramterers', kyma: 500, why: LEFT_OUT,
  },
  // A name that never resolves (RFC 6761 .invalid), where Kyma uses bad.bad.svc.cluster.local.
  { source: 'missing-resources-error-handling.yml non-existing-target-url', path: '/missing-resources-error-handling/non-existing-target-url', entry: () => ({ targetUrl: 'http://bad.bad.invalid:8080/v1/api/unsecure/ok' }), status: 502 },
  // proxy-cases.yml: the target's status and body pass through (runner_test.go TestResponseBody).
  { source: 'proxy-cases.yml code 451', path: '/proxy-cases/code-451', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/451')(s) }), status: 451, body: '451' },
  { source: 'proxy-cases.yml code 307 (without a Location: nothing to follow)', path: '/proxy-cases/code-307', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/307')(s) }), status: 307, body: '307' },
  { source: 'proxy-cases.yml code 203', path: '/proxy-cases/code-203', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/203')(s) }), status: 203, body: '203' },
  // code-rewriting.yml: Kyma's 5xx rewriting is Gatehouse's `targetErrors: kyma` (its 503 row: kyma-and-sandbox.test.ts).
  { source: 'code-rewriting.yml code 500', path: '/code-rewriting/code-500', targetErrors: 'kyma', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/500')(s) }), status: 502, body: '500' },
  { source: 'code-rewriting.yml code 502', path: '/code-rewriting/code-502', targetErrors: 'kyma', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/502')(s) }), status: 502, body: '502' },
  { source: 'code-rewriting.yml code 123 (an informational answer, then 200)', path: '/code-rewriting/code-123', targetErrors: 'kyma', entry: (s) => ({ targetUrl: mockApi('/unsecure/code/123')(s) }), status: 200, body: '123' },
  // redirect.yml: the mock redirects with a path (http.RedirectHandler); the client follows it through the gateway.
  { source: 'redirect.yml unsecured', path: '/redirects/unsecured', entry: (s) => ({ targetUrl: mockApi('/redirect/ok')(s) }), status: 200 },
  { source: 'redirect.yml basic', path: '/redirects/basic', entry: (s) => ({ targetUrl: mockApi('/redirect/basic')(s), credentials: { type: 'Basic', secretName: 'redirect-basic' } }), status: 200 },
  { source: 'redirect.yml external (another host: followed there, around the gateway)', path: '/redirects/external', entry: (s) => ({ targetUrl: mockApi('/redirect/external')(s) }), status: 200, body: 'external health' },
  // manual.yml: a token URL with its own query, which the token endpoint reads (the renewal itself: oauth-token-cache.test.ts).
  { source: 'manual.yml oauth-expired-token-renewal (authenticationUrl ...?token_lifetime=5s)', path: '/complex-cases/oauth-expired-token-renewal', entry: (s) => ({ targetUrl: mockApi('/oauth/ok')(s), credentials: { type: 'OAuth', secretName: 'oauth-test', authenticationUrl: `${mockApi('/oauth/token')(s)}?token_lifetime=300s` } }), status: 200 },
  // internal/proxy/proxy_test.go TestProxyRequest: OData paths keep their characters, the caller's query follows.
  { source: 'proxy_test.go should proxy without escaping the URL path characters when target URL does not contain path', path: "/proxy-request/no-path/somepath/Xyz('123')", entry: (s) => ({ targetUrl: s.echo.url }), status: 200, body: `"url":"/somepath/Xyz('123')"` },
  { source: 'proxy_test.go should proxy without escaping the URL path characters when target URL contains path', path: "/proxy-request/some-path/Xyz('123')", entry: (s) => ({ targetUrl: `${s.echo.url}/somepath` }), status: 200, body: `"url":"/somepath/Xyz('123')"` },
  { source: 'proxy_test.go should proxy without escaping the URL path characters when target URL contains full path', path: '/proxy-request/full-path?$search=XXX', entry: (s) => ({ targetUrl: `${s.echo.url}/somepath/Xyz('123')` }), status: 200, body: `"url":"/somepath/Xyz('123')?$search=XXX"` },
];

function applications(servers: Servers): KymaApplicationInput[] {
  const byApp = new Map<string, KymaApplicationInput>();
  for (const row of cases) {
    if (!row.entry) continue;
    const [, app, service] = new URL(row.path, 'http://gw').pathname.split('/');
    const application = byApp.get(app!) ?? { name: app!, skipVerify: true, services: [], ...(row.targetErrors ? { targetErrors: row.targetErrors } : {}) };
    application.services!.push({ id: `${app}-${service}`, name: service!, displayName: service!, entries: [row.entry(servers)] });
    byApp.set(app!, application);
  }
  return [...byApp.values()];
}

let pki: TestPki;
let mock: KymaMockApp;
let external: RecordingUpstream;
let echo: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  pki = await createTestPki();
  external = await startRecordingUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('external health');
  });
  echo = await startRecordingUpstream();
  mock = await startKymaMockApp({ mtls: { server: pki.server, clientCa: pki.ca.cert }, externalRedirect: `${external.url}/v1/health` });
  const json = (value: unknown) => JSON.stringify(value);
  const basicTest = { username: KYMA_MOCK.basic.username, password: KYMA_MOCK.basic.password };
  gateway = await startTestGateway(
    { applications: applications({ mock, echo }) },
    {
      'kyma-integration/basic-test': basicTest,
      'kyma-integration/basic-test-negative-case': basicTest,
      'kyma-integration/redirect-basic': basicTest,
      'kyma-integration/oauth-test': KYMA_MOCK.oauth,
      'kyma-integration/oauth-test-negative-case': KYMA_MOCK.oauth,
      'kyma-integration/request-parameters-test': { headers: json(KYMA_MOCK.requestHeaders), queryParameters: json(KYMA_MOCK.requestQueryParameters) },
      'kyma-integration/wrong-request-parameters-test': { headers: '{"Hkey1":["Wrong-value"],"Wrong-key":["Hval22"]}', queryParameters: '{"Wrong-key":["Qval1"],"Qkey2":["Qval21","Qval22","Additional-value"]}' },
      'kyma-integration/mtls-positive': { crt: pki.client.cert, key: pki.client.key },
      'kyma-integration/mtls-negative-other-ca': { crt: pki.foreignClient.cert, key: pki.foreignClient.key },
      'kyma-integration/mtls-negative-expired-client-cert': { crt: pki.expiredClient.cert, key: pki.expiredClient.key },
      'kyma-integration/mtls-oauth-positive': { clientId: KYMA_MOCK.oauth.clientId, crt: pki.client.cert, key: pki.client.key },
      'kyma-integration/mtls-oauth-negative-case': { clientId: KYMA_MOCK.oauth.clientId, crt: pki.client.cert, key: pki.client.key },
      'kyma-integration/mtls-oauth-negative-other-ca': { clientId: KYMA_MOCK.oauth.clientId, crt: pki.foreignClient.cert, key: pki.foreignClient.key },
      'kyma-integration/mtls-oauth-negative-incorrect-clientid': { clientId: 'incorrect', crt: pki.client.cert, key: pki.client.key },
      'kyma-integration/mtls-oauth-negative-expired-client-cert': { clientId: KYMA_MOCK.oauth.clientId, crt: pki.expiredClient.cert, key: pki.expiredClient.key },
    },
    // As the app serves a workspace: a service that cannot be served is left out (503), the others keep serving,
    // as Kyma's gateway keeps serving every other service of an Application whose secret is missing.
    { leaveOutBrokenItems: true },
  );
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([mock.close(), external.close(), echo.close()]);
});

describe("Kyma's Application Gateway e2e cases through Gatehouse", () => {
  it.each(cases.map((row) => [row.source, row] as const))('%s', async (_source, row) => {
    // Node's fetch follows redirects as Go's http.Client in Kyma's runner does.
    const res = await fetch(`${gateway.url}${row.path}`);
    const body = await res.text();
    expect(res.status, row.kyma === undefined ? body : `Kyma answers ${row.kyma}; Gatehouse ${row.status}: ${row.why}`).toBe(row.status);
    if (row.body !== undefined) expect(body).toContain(row.body);
    if (row.targetErrors === 'kyma' && row.status === 502) expect(res.headers.get('target-system-status')).toBe(row.body);
  });

  it('makes the OAuthWithCert token request as Kyma does (requestTokenMTLS): client_id and the grant only, the certificate in the handshake', () => {
    const tokenRequests = mock.requests.filter((r) => r.url.startsWith('/v1/api/mtls-oauth/token'));
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const sent of tokenRequests) {
      expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'client_credentials', client_id: expect.any(String) });
      expect(sent.headerLines.get('authorization')).toBeUndefined();
    }
  });
});
