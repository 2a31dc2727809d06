// Query parameters a secret adds are percent-encoded as UTF-8 when a URL is built with them. A lone UTF-16
// surrogate is valid in JSON ("\ud800") but has no UTF-8 form, so encoding it throws (URIError): per request (a 500),
// at start for a CSRF service (the gateway exited saying only "URI malformed"), and on the token request (a 502
// calling a reachable endpoint unreachable). Such a secret is refused when the config is applied, naming the
// service, the secret and the key, never the value, as a header value it could not send is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startGateway } from '../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver, type SecretData } from '../../../gateway/secrets/secret-source';
import type { WorkspaceInput } from '../../../gateway/config/schema';

const SURROGATE_RULE = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form and cannot be put in a URL';
/** The secret's own text, as JSON: a value and a name with an unpaired surrogate, beside a word to look for in messages. */
const BAD_VALUE = '{"k":["\\ud800s3cr3t"]}';
const BAD_NAME = '{"sap-client":["100"],"\\udc00s3cr3t":["v"]}';

let api: RecordingUpstream;
let idp: OAuthTokenServer;
beforeAll(async () => {
  api = await startRecordingUpstream();
  idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' } });
});
afterAll(async () => {
  await api.close();
  await idp.close();
});

/** The error starting a gateway with this workspace and these secrets fails with (the test fails if it starts). */
async function refusal(workspace: WorkspaceInput, secrets: Record<string, SecretData>): Promise<Error> {
  const started = await startTestGateway(workspace, secrets).then(
    async (gateway) => {
      await gateway.close();
      return undefined;
    },
    (error: unknown) => error as Error,
  );
  expect(started).toBeInstanceOf(Error);
  expect(started!.message).not.toContain('s3cr3t');
  return started!;
}

type ServiceInput = NonNullable<WorkspaceInput['services']>[number];

const paramsService = (extra: Partial<ServiceInput> = {}): ServiceInput => ({
  name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, requestParametersSecret: { secret: 'erp-params' }, ...extra,
});

describe('a request-parameters secret whose query parameter has a lone surrogate', () => {
  it('refuses the config, naming service, secret, key and the parameter (by position when its name is the problem)', async () => {
    expect((await refusal({ services: [paramsService()] }, { 'erp-params': { queryParameters: BAD_VALUE } })).message)
      .toContain(`service "erp": secret "erp-params" key queryParameters["k"][0]: ${SURROGATE_RULE}`);
    expect((await refusal({ services: [paramsService()] }, { 'erp-params': { queryParameters: BAD_NAME } })).message)
      .toContain(`service "erp": secret "erp-params" key queryParameters[#2]: the name ${SURROGATE_RULE}`);
  });

  it('refuses it for a CSRF service too, whose token URL is built when the config is applied', async () => {
    const error = await refusal(
      { services: [paramsService({ csrf: { tokenEndpointUrl: `${api.url}/csrf` } })] },
      { 'erp-params': { queryParameters: BAD_VALUE } },
    );
    expect(error.message).toContain(`service "erp": secret "erp-params" key queryParameters["k"][0]: ${SURROGATE_RULE}`);
  });

  it('leaves the service out in the app, and serves the others', async () => {
    const gateway = await startGateway({
      workspace: { services: [paramsService(), { name: 'fine', pathPrefix: '/fine', upstream: { url: api.url } }] },
      secrets: new SecretResolver([new MemorySecretSource('test', { 'erp-params': { queryParameters: BAD_VALUE } })]),
      port: 0,
      leaveOutBrokenItems: true,
    });
    try {
      expect(gateway.leftOut.map((item) => [item.name, item.message])).toEqual([
        ['erp', `service "erp": secret "erp-params" key queryParameters["k"][0]: ${SURROGATE_RULE}`],
      ]);
      const refused = await request(`${gateway.url}/erp/x`);
      expect(refused.statusCode).toBe(503);
      expect(await refused.body.text()).not.toContain('s3cr3t');
      const served = await request(`${gateway.url}/fine/x`);
      await served.body.dump();
      expect(served.statusCode).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('a reload whose request-parameters secret has a lone surrogate', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ services: [paramsService()] }, { 'erp-params': { queryParameters: '{"sap-client":["100"]}' } });
  });
  afterAll(() => gateway.close());

  it('is refused, and the running config keeps serving with its parameters', async () => {
    gateway.secrets.set({ name: 'erp-params' }, { queryParameters: BAD_VALUE });
    const result = await gateway.reload({ services: [paramsService()] });
    expect(result).toEqual({ ok: false, errors: [{ path: '(secrets)', message: `service "erp": secret "erp-params" key queryParameters["k"][0]: ${SURROGATE_RULE}` }] });
    const served = await request(`${gateway.url}/erp/orders`);
    await served.body.dump();
    expect(served.statusCode).toBe(200);
    expect(api.requests.at(-1)?.url).toBe('/orders?sap-client=100');
  });
});

describe('an OAuth secret whose token request query parameter has a lone surrogate', () => {
  it('refuses the config for a service naming the key, instead of a 502 calling the token endpoint unreachable', async () => {
    const error = await refusal(
      {
        services: [{
          name: 'erp', pathPrefix: '/erp', upstream: { url: api.url },
          endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', tokenRequestQueryParametersKey: 'tokenQuery' },
        }],
      },
      { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret', tokenQuery: BAD_VALUE } },
    );
    expect(error.message).toContain(`service "erp": secret "erp-oauth" key "tokenQuery"["k"][0]: ${SURROGATE_RULE}`);
  });

  it('refuses it for a Kyma Application, whose OAuth secret’s queryParameters go on the token request', async () => {
    const error = await refusal(
      {
        applications: [{
          name: 'erp',
          services: [{ id: 'o', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: `${api.url}/api`, credentials: { type: 'OAuth', secretName: 'erp-oauth', authenticationUrl: idp.tokenUrl } }] }],
        }],
      },
      { 'kyma-integration/erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret', queryParameters: BAD_VALUE } },
    );
    expect(error.message).toContain(`secret "kyma-integration/erp-oauth" key "queryParameters"["k"][0]: ${SURROGATE_RULE}`);
    expect(error.message).toContain('erp/orders');
    expect(idp.requests).toHaveLength(0);
  });
});
