// A lone UTF-16 surrogate is valid in a secret's JSON or YAML ("\ud800") but is no character and has no UTF-8 form.
// Query parameters a secret adds are percent-encoded as UTF-8 when a URL is built with them, so encoding one threw
// (URIError): per request (a 500), at start for a CSRF service (the gateway exited saying only "URI malformed"), and
// on the token request (a 502 calling a reachable endpoint unreachable). Credentials were encoded for a Basic header
// or a token request with U+FFFD in its place: the gateway sent the backend or the token endpoint a credential nobody
// typed, and every request failed with a 401 that said nothing of why. Such a secret is refused when the config is
// applied, naming the service, the secret and the key, never the value, as a header value it could not send is; a
// consumer's password, which no client could present, likewise; a reload that brings one leaves the running config
// serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startGateway } from '../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver, type SecretData } from '../../../gateway/secrets/secret-source';
import type { WorkspaceInput } from '../../../gateway/config/schema';
import type { LeftOutItem } from '../../../gateway/config/left-out-item';

const SURROGATE_RULE = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form and cannot be put in a URL';
/** The secret's own text, as JSON: a value and a name with an unpaired surrogate, beside a word to look for in messages. */
const BAD_VALUE = '{"k":["\\ud800s3cr3t"]}';
const BAD_NAME = '{"sap-client":["100"],"\\udc00s3cr3t":["v"]}';

/** The rule for credentials (SURROGATE_RULE, a query parameter's, adds that it cannot be put in a URL). */
const RULE = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form';
/** Each value carries a word the messages must not contain. */
const LONE_HIGH = 's3cr3t\uD800';
const LONE_LOW = '\uDC00s3cr3t';

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

/**
 * The items an app's gateway (leaveOutBrokenItems) leaves out when `erp` holds such a secret beside a `fine` service:
 * erp answers 503 without quoting the secret, fine serves.
 */
async function leftOutBesideFine(erp: ServiceInput, secrets: Record<string, SecretData>): Promise<LeftOutItem[]> {
  const gateway = await startGateway({
    workspace: { services: [erp, { name: 'fine', pathPrefix: '/fine', upstream: { url: api.url } }] },
    secrets: new SecretResolver([new MemorySecretSource('test', secrets)]),
    port: 0,
    leaveOutBrokenItems: true,
  });
  try {
    const refused = await request(`${gateway.url}/erp/x`);
    expect(refused.statusCode).toBe(503);
    expect(await refused.body.text()).not.toContain('s3cr3t');
    const served = await request(`${gateway.url}/fine/x`);
    await served.body.dump();
    expect(served.statusCode).toBe(200);
    return gateway.leftOut;
  } finally {
    await gateway.close();
  }
}

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
    const leftOut = await leftOutBesideFine(paramsService(), { 'erp-params': { queryParameters: BAD_VALUE } });
    expect(leftOut.map((item) => [item.name, item.message])).toEqual([
      ['erp', `service "erp": secret "erp-params" key queryParameters["k"][0]: ${SURROGATE_RULE}`],
    ]);
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

const basicService = (): ServiceInput => ({ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, endpointSecurity: { type: 'basic', secret: 'erp-basic' } });
const oauthService = (): ServiceInput => ({
  name: 'erp', pathPrefix: '/erp', upstream: { url: api.url },
  endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth', clientIdKey: 'id', clientSecretKey: 'secret' },
});

describe('applying a config whose credential has a lone surrogate', () => {
  it('refuses Basic credentials, naming service, secret and the key at fault', async () => {
    const before = api.requests.length;
    expect((await refusal({ services: [basicService()] }, { 'erp-basic': { username: LONE_HIGH, password: 'pw' } })).message)
      .toContain(`service "erp": secret "erp-basic" key "username" ${RULE}`);
    expect((await refusal({ services: [basicService()] }, { 'erp-basic': { username: 'svc', password: LONE_LOW } })).message)
      .toContain(`service "erp": secret "erp-basic" key "password" ${RULE}`);
    expect(api.requests).toHaveLength(before);
  });

  it('refuses an OAuth client id or secret by its key, before any token request', async () => {
    const before = idp.requests.length;
    expect((await refusal({ services: [oauthService()] }, { 'erp-oauth': { id: LONE_HIGH, secret: 'erp-secret' } })).message)
      .toContain(`service "erp": secret "erp-oauth" key "id" ${RULE}`);
    expect((await refusal({ services: [oauthService()] }, { 'erp-oauth': { id: 'erp-client', secret: LONE_LOW } })).message)
      .toContain(`service "erp": secret "erp-oauth" key "secret" ${RULE}`);
    expect(idp.requests).toHaveLength(before);
  });

  it('refuses a Kyma Application\'s OAuth client secret, in its kyma-integration secret', async () => {
    const before = idp.requests.length;
    const error = await refusal(
      {
        applications: [{
          name: 'erp',
          services: [{ id: 'o', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: `${api.url}/api`, credentials: { type: 'OAuth', secretName: 'erp-oauth', authenticationUrl: idp.tokenUrl } }] }],
        }],
      },
      { 'kyma-integration/erp-oauth': { clientId: 'erp-client', clientSecret: LONE_HIGH } },
    );
    expect(error.message).toContain(`secret "kyma-integration/erp-oauth" key "clientSecret" ${RULE}`);
    expect(idp.requests).toHaveLength(before);
  });

  it('refuses a consumer\'s password, which no client could present', async () => {
    const error = await refusal({ consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }] }, { 'alex-pw': { password: LONE_LOW } });
    expect(error.message).toContain(`consumer "alex" cannot sign in with basic-auth: the password ${RULE}; no client can send it`);
  });

  it('leaves the service out in the app, pointing at the secret and key to fix, and serves the others', async () => {
    expect(await leftOutBesideFine(oauthService(), { 'erp-oauth': { id: 'erp-client', secret: LONE_HIGH } })).toEqual([expect.objectContaining({
      name: 'erp',
      message: `service "erp": secret "erp-oauth" key "secret" ${RULE}`,
      secret: { name: 'erp-oauth', key: 'secret', invalid: `secret "erp-oauth" key "secret" ${RULE}` },
    })]);
  });
});

describe('a reload that brings such a credential', () => {
  let gateway: TestGateway;
  const workspace = (): WorkspaceInput => ({
    services: [{ ...basicService(), plugins: { 'basic-auth': {} } }],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
  });
  beforeAll(async () => {
    gateway = await startTestGateway(workspace(), { 'erp-basic': { username: 'svc', password: 'svc-pw' }, 'alex-pw': { password: 'alex-pw-1' } });
  });
  afterAll(() => gateway.close());

  async function served(): Promise<void> {
    const res = await request(`${gateway.url}/erp/orders`, { headers: { authorization: basic('alex', 'alex-pw-1') } });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(api.requests.at(-1)?.headers.authorization).toBe(basic('svc', 'svc-pw'));
  }

  it('is refused for the backend\'s password, and the running config keeps serving with the old one', async () => {
    gateway.secrets.set({ name: 'erp-basic' }, { username: 'svc', password: LONE_HIGH });
    const result = await gateway.reload(workspace());
    expect(result).toEqual({ ok: false, errors: [{ path: '(secrets)', message: `service "erp": secret "erp-basic" key "password" ${RULE}` }] });
    await served();
    gateway.secrets.set({ name: 'erp-basic' }, { username: 'svc', password: 'svc-pw' });
  });

  it('is refused for a consumer\'s password, and the consumer still signs in with the old one', async () => {
    gateway.secrets.set({ name: 'alex-pw' }, { password: LONE_LOW });
    const result = await gateway.reload(workspace());
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain(`the password ${RULE}`);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    await served();
  });
});
