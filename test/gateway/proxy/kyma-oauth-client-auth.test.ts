// An Application's OAuth token request is made as Kyma's Application Gateway makes it (pkg/authorization/oauth/
// oauthclient.go requestToken): `client_id` and `client_secret` in the form and a Basic header of the id and secret.
// Kyma's own e2e cases, "positive-authorisation/oauth" and "csrf-oauth", run against a token endpoint that reads
// only the form (tests/internal/testkit/test-api/oauth.go, 403 otherwise): served as Kyma serves them, they get 200.
// A token endpoint that reads only Basic takes it too; one that holds to RFC 6749 §2.3.1 (one method) refuses it,
// as it refuses Kyma. A workspace service keeps its own `clientAuth` and never shares the Application's token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';

const CLIENT = { clientId: 'kyma-client', clientSecret: 'kyma-secret' };
const clients = { [CLIENT.clientId]: CLIENT.clientSecret };

let formOnly: OAuthTokenServer;
let basicOnly: OAuthTokenServer;
let oneMethod: OAuthTokenServer;
let api: RecordingUpstream;
let csrfApi: CsrfApiServer;
let gateway: TestGateway;

const validBearer = (value: string | undefined) => {
  const token = /^Bearer (\S+)$/.exec(value ?? '')?.[1];
  return token !== undefined && [formOnly, basicOnly, oneMethod].some((idp) => idp.isValid(token));
};

beforeAll(async () => {
  formOnly = await startOAuthTokenServer({ clients, reads: 'form' });
  basicOnly = await startOAuthTokenServer({ clients, reads: 'basic' });
  oneMethod = await startOAuthTokenServer({ clients });
  api = await startRecordingUpstream((req, res) => {
    res.writeHead(validBearer(req.headers.authorization) ? 200 : 401, { 'content-type': 'application/json' });
    res.end('{}');
  });
  csrfApi = await startCsrfApiServer({ authorization: validBearer });
  const oauth = (targetUrl: string, authenticationUrl: string, csrf?: string) => ({
    targetUrl, credentials: { type: 'OAuth' as const, secretName: 'kyma-oauth', authenticationUrl, ...(csrf ? { csrfInfo: { tokenEndpointURL: csrf } } : {}) },
  });
  gateway = await startTestGateway(
    {
      services: [
        // The same client and token endpoint as the Application's, with a workspace service's own choice.
        { name: 'workspace-oauth', pathPrefix: '/workspace', upstream: { url: api.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: formOnly.tokenUrl, secret: 'workspace-oauth', clientAuth: 'client_secret_basic' } },
      ],
      applications: [
        {
          name: 'positive-authorisation',
          services: [{ id: 'o', name: 'oauth', displayName: 'oauth', entries: [oauth(`${api.url}/target`, formOnly.tokenUrl)] }],
        },
        {
          name: 'kyma-cases',
          services: [
            { id: 'c', name: 'csrf-oauth', displayName: 'csrf-oauth', entries: [oauth(`${csrfApi.url}/api`, formOnly.tokenUrl, csrfApi.tokenUrl)] },
            { id: 'b', name: 'basic-reading', displayName: 'basic-reading', entries: [oauth(`${api.url}/target`, basicOnly.tokenUrl)] },
            { id: 'r', name: 'one-method', displayName: 'one-method', entries: [oauth(`${api.url}/target`, oneMethod.tokenUrl)] },
          ],
        },
      ],
    },
    { 'kyma-integration/kyma-oauth': CLIENT, 'workspace-oauth': CLIENT },
  );
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([api.close(), csrfApi.close(), formOnly.close(), basicOnly.close(), oneMethod.close()]);
});

async function call(path: string, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; text: string }> {
  const res = await request(`${gateway.url}${path}`, { method, body: method === 'POST' ? '{}' : null });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('an Application’s OAuth token request', () => {
  it('positive-authorisation/oauth: 200 against a token endpoint that reads only the form, which got both, as Kyma sends them', async () => {
    expect(await call('/positive-authorisation/oauth/status')).toMatchObject({ status: 200 });
    expect(formOnly.requests).toHaveLength(1);
    const [sent] = formOnly.requests;
    expect(sent).toMatchObject({ clientAuth: 'both', clientId: CLIENT.clientId, grantType: 'client_credentials', contentType: 'application/x-www-form-urlencoded', accepted: true });
    expect(Object.fromEntries(new URLSearchParams(sent!.body))).toEqual({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(sent!.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`);
  });

  it('csrf-oauth: the CSRF token fetched with the token, then the call, 200', async () => {
    expect(await call('/kyma-cases/csrf-oauth/orders', 'POST')).toMatchObject({ status: 200 });
    expect(csrfApi.fetches).toBe(1);
    expect(csrfApi.requests.map((r) => [r.method, r.status])).toEqual([['GET', 200], ['POST', 200]]);
  });

  it('is taken by a token endpoint that reads only the Basic header', async () => {
    expect(await call('/kyma-cases/basic-reading/status')).toMatchObject({ status: 200 });
    expect(basicOnly.requests.map((r) => [r.clientAuth, r.accepted])).toEqual([['both', true]]);
  });

  it('is refused, as Kyma’s is, by a token endpoint that takes one method only (RFC 6749 §2.3.1)', async () => {
    const { status, text } = await call('/kyma-cases/one-method/status');
    expect(status).toBe(502);
    expect(text).toContain(`token endpoint ${oneMethod.tokenUrl} answered HTTP 400 (invalid_request)`);
  });

  it('leaves a workspace service with the same client to its own clientAuth and its own token', async () => {
    // The Application's token for this client is cached by now; the workspace service fetches its own, with Basic
    // only, which this token endpoint refuses.
    const before = formOnly.requests.length;
    const { status, text } = await call('/workspace/status');
    expect(status).toBe(502);
    expect(text).toContain(`token endpoint ${formOnly.tokenUrl} answered HTTP 403`);
    expect(formOnly.requests.slice(before).map((r) => r.clientAuth)).toEqual(['client_secret_basic']);
    expect(await call('/positive-authorisation/oauth/status')).toMatchObject({ status: 200 });
  });
});
