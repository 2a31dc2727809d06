// A Kyma OAuth secret's `headers` and `queryParameters` go on the token request, as Kyma's Application Gateway
// sends them (pkg/authorization/oauth/oauthclient.go requestToken), and not to the backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, bearerProtected, type OAuthTokenServer } from '../../support/oauth-token-server';
import type { WorkspaceInput } from '../../../gateway/config/schema';

let idp: OAuthTokenServer;
let api: RecordingUpstream;
let gateway: TestGateway;

const CLIENT = { clientId: 'kyma-client', clientSecret: 'kyma-secret' };

function workspace(): WorkspaceInput {
  return {
    applications: [
      {
        name: 'erp',
        services: [{ id: 'o', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: `${api.url}/api`, credentials: { type: 'OAuth', secretName: 'erp-oauth', authenticationUrl: `${idp.tokenUrl}?realm=r1` } }] }],
      },
    ],
  };
}

beforeAll(async () => {
  // As Kyma's own test token endpoint: the form's client_id and client_secret only.
  idp = await startOAuthTokenServer({ clients: { [CLIENT.clientId]: CLIENT.clientSecret }, reads: 'form' });
  api = await startRecordingUpstream(bearerProtected(idp));
  gateway = await startTestGateway(workspace(), {
    'kyma-integration/erp-oauth': { ...CLIENT, headers: '{"X-Tenant": ["acme"], "X-Api-Key": ["token-endpoint-key"]}', queryParameters: '{"audience": ["erp"]}' },
  });
});

afterAll(async () => {
  await gateway.close();
  await api.close();
  await idp.close();
});

describe('a Kyma OAuth service whose secret has headers and queryParameters', () => {
  it('sends them on the token request, authenticating as Kyma does (form and Basic), and not to the backend', async () => {
    const res = await request(`${gateway.url}/erp/orders/items`);
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(idp.requests).toHaveLength(1);
    const [token] = idp.requests;
    expect(token).toMatchObject({ url: '/oauth/token?realm=r1&audience=erp', clientAuth: 'both', clientId: CLIENT.clientId, accepted: true });
    expect(token!.headers).toMatchObject({ 'x-tenant': 'acme', 'x-api-key': 'token-endpoint-key' });
    const [seen] = api.requests;
    expect(seen!.url).toBe('/api/items');
    expect(seen!.headers['x-tenant']).toBeUndefined();
    expect(seen!.headers['x-api-key']).toBeUndefined();
  });

  it('refuses a secret whose headers are not JSON, naming the service, secret and key but not the value', async () => {
    const error = await startTestGateway(workspace(), {
      'kyma-integration/erp-oauth': { ...CLIENT, headers: '{"X-Api-Key": "unclosed-secret-value' },
    }).then(
      async (g) => {
        await g.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('secret "kyma-integration/erp-oauth" key "headers": not valid JSON');
    expect(error?.message).toContain('erp/orders');
    expect(error?.message).not.toContain('unclosed-secret-value');
  });
});
