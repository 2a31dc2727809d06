// Kyma's Access-Token (pkg/authorization/externaltokenstrategy.go and its test): a caller's `Access-Token` is sent
// as `Authorization`, the header itself is removed, and the service's own credentials are not applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, basic, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';

let idp: OAuthTokenServer;
let api: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  // As Kyma's own test token endpoint: the form's client_id and client_secret only.
  idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' }, reads: 'form' });
  api = await startRecordingUpstream();
  gateway = await startTestGateway(
    {
      services: [{ name: 'plain', pathPrefix: '/plain', upstream: { url: `${api.url}/plain` }, endpointSecurity: { type: 'basic', secret: 'plain-creds' } }],
      applications: [
        {
          name: 'erp',
          services: [
            { id: 'o', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: `${api.url}/orders`, credentials: { type: 'OAuth', secretName: 'erp-oauth', authenticationUrl: idp.tokenUrl } }] },
            { id: 'b', name: 'billing', displayName: 'Billing', entries: [{ targetUrl: `${api.url}/billing`, credentials: { type: 'Basic', secretName: 'erp-basic' } }] },
          ],
        },
      ],
    },
    {
      'plain-creds': { username: 'plain-user', password: 'plain-pw' },
      'kyma-integration/erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret' },
      'kyma-integration/erp-basic': { username: 'kyma-user', password: 'kyma-pw' },
    },
  );
});

afterAll(async () => {
  await gateway.close();
  await api.close();
  await idp.close();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const before = api.requests.length;
  const res = await request(`${gateway.url}${path}`, { headers });
  await res.body.dump();
  expect(res.statusCode).toBe(200);
  expect(api.requests).toHaveLength(before + 1);
  return api.requests.at(-1)!;
}

describe('Access-Token on a Kyma application service', () => {
  it('is sent as Authorization instead of the OAuth token, which is never fetched', async () => {
    const seen = await call('/erp/orders/items', { 'access-token': 'Bearer external' });
    expect(seen.url).toBe('/orders/items');
    expect(seen.headers.authorization).toBe('Bearer external');
    expect(seen.headers['access-token']).toBeUndefined();
    expect(idp.requests).toHaveLength(0);
  });

  it('replaces the Basic credentials too, and the caller\'s own Authorization', async () => {
    const seen = await call('/erp/billing/invoices', { 'access-token': 'Bearer external', authorization: 'Bearer caller-own' });
    expect(seen.headers.authorization).toBe('Bearer external');
    expect(seen.headers['access-token']).toBeUndefined();
  });

  it('leaves the service\'s own credentials in place when absent or empty', async () => {
    expect((await call('/erp/billing/invoices')).headers.authorization).toBe(basic('kyma-user', 'kyma-pw'));
    const empty = await call('/erp/orders/items', { 'access-token': '' });
    expect(empty.headers.authorization).toMatch(/^Bearer /);
    expect(idp.requests).toHaveLength(1);
  });
});

describe('Access-Token on a service that does not accept it', () => {
  it('passes through as any header, and the service\'s credentials apply', async () => {
    const seen = await call('/plain/x', { 'access-token': 'Bearer external' });
    expect(seen.headers.authorization).toBe(basic('plain-user', 'plain-pw'));
    expect(seen.headers['access-token']).toBe('Bearer external');
  });
});
