// The Import screen's Preview ('import:preview') refuses what Import ('import:apply') refuses: an imported Secret the
// workspace would send to a backend as Basic credentials no client can send (a username with ":"), with the same
// error naming the Secret's field, and never its values; and a document that leaves the merged workspace invalid, with
// the field errors Import answers with. Through the real dispatcher and store; no gateway runs and the keychain is
// not opened: neither is reached by a refused import.
import { afterEach, describe, expect, it } from 'vitest';
import { startAppHarness, type AppHarness } from '../../support/app-harness';
import { KYMA_BASIC_PASSWORD, kymaBasicDocuments as kyma } from '../../support/kyma-basic-documents';

const PASSWORD = KYMA_BASIC_PASSWORD;
let harness: AppHarness | undefined;

afterEach(async () => {
  await harness?.shutdown();
  harness = undefined;
});

/** The app with `workspace` saved, its gateway not started (a refused import reaches none). */
async function appOn(workspace: object): Promise<AppHarness> {
  harness = await startAppHarness({ start: false, loadKeytar: async () => Promise.reject(new Error('a refused import opens no keychain')), watchWorkspaceFile: false });
  expect(await harness.call('workspace:save', workspace)).toMatchObject({ ok: true });
  return harness;
}

/** Main's refusal on `channel`, with no value of the Secret in it. */
async function refusal(app: AppHarness, channel: 'import:preview' | 'import:apply', request: object): Promise<{ code: string; message: string }> {
  const failure = await app.failure(channel, request);
  expect(JSON.stringify(failure)).not.toContain(PASSWORD);
  return failure;
}

const secret = (name: string, username: string) => ['apiVersion: v1', 'kind: Secret', `metadata: { name: ${name}, namespace: kyma-integration }`, `stringData: { username: "${username}", password: ${PASSWORD} }`];

describe('Preview refuses the credentials Import refuses', () => {
  it('a Kyma Application and its Secret whose username holds ":": the error Import gives, naming the Secret\'s field', async () => {
    const services = await appOn({});
    const request = { text: kyma('ad:min'), namespace: 'kyma-integration' };
    const preview = await refusal(services, 'import:preview', request);
    expect(preview).toMatchObject({
      code: 'GATEHOUSE_IMPORT_FAILED',
      message: 'pasted document (document 2): stringData.username: secret "kyma-integration/kyma-creds" key "username" contains ":", which ends a Basic user-id (RFC 7617); service "commerce/orders" sends it to its backend as Basic credentials, which no Basic client can send as written, so nothing was imported',
    });
    expect(await refusal(services, 'import:apply', request)).toEqual(preview);
  });

  it('an imported Secret a service already in the workspace sends as Basic credentials: refused against the workspace as it is', async () => {
    const services = await appOn({ services: [{ name: 'orders', upstream: { url: 'http://127.0.0.1:9' }, endpointSecurity: { type: 'basic', secret: 'orders-backend', namespace: 'kyma-integration' } }] });
    const request = { text: secret('orders-backend', 'tenant:svc').join('\n') };
    const preview = await refusal(services, 'import:preview', request);
    expect(preview.message).toBe('pasted document: stringData.username: secret "kyma-integration/orders-backend" key "username" contains ":", which ends a Basic user-id (RFC 7617); service "orders" sends it to its backend as Basic credentials, which no Basic client can send as written, so nothing was imported');
    expect(await refusal(services, 'import:apply', request)).toEqual(preview);
  });

  it('the same documents with a username Basic can carry preview as before, by name and key only', async () => {
    const services = await appOn({});
    const envelope = await services.app.dispatch('import:preview', { text: kyma('admin'), namespace: 'kyma-integration' });
    expect(envelope).toEqual({ ok: true, value: expect.objectContaining({ applications: ['commerce'], secrets: [{ name: 'kyma-creds', namespace: 'kyma-integration', keys: ['username', 'password'] }] }) });
    expect(JSON.stringify(envelope)).not.toContain(PASSWORD);
  });
});

/** An APISIX route as its Admin API takes it: `uri` under the upstream's one node. */
const apisixRoute = (name: string, uri: string) => JSON.stringify({ name, uri, upstream: { type: 'roundrobin', nodes: { '127.0.0.1:9': 1 } } });

describe('Preview says the field errors Import refuses a workspace with', () => {
  it('an APISIX route whose path a service already in the workspace takes: the errors Import answers with, and its items still named', async () => {
    const app = await appOn({ services: [{ name: 'httpbin', pathPrefix: '/httpbin', upstream: { url: 'http://127.0.0.1:9' } }] });
    const request = { text: apisixRoute('httpbin-route', '/httpbin/*') };
    const errors = [{ path: 'routes[0].path', message: '"/httpbin" is already service "httpbin"\'s: no request would reach route "httpbin-route"' }];
    expect(await app.call('import:preview', request)).toEqual({ services: ['httpbin-route'], routes: ['httpbin-route'], consumers: [], applications: [], secrets: [], notes: [], errors });
    expect(await app.call('import:apply', request)).toEqual({ ok: false, errors });
  });

  it('an APISIX consumer whose basic-auth username a consumer already in the workspace signs in with: refused on that field, no password in the answer', async () => {
    const app = await appOn({ consumers: [{ username: 'alice', basicAuth: { password: { secret: 'consumer-alice', key: 'password' } } }] });
    const request = { text: JSON.stringify({ username: 'alice_apisix', plugins: { 'basic-auth': { username: 'alice', password: PASSWORD } } }) };
    const preview = await app.app.dispatch('import:preview', request);
    expect(preview).toEqual({ ok: true, value: expect.objectContaining({ consumers: ['alice_apisix'], errors: [{ path: 'consumers[1].basicAuth.username', message: 'basic-auth username "alice" is used by another consumer' }] }) });
    expect(JSON.stringify(preview)).not.toContain(PASSWORD);
    expect(await app.call('import:apply', request)).toEqual({ ok: false, errors: (preview as { value: { errors: unknown } }).value.errors });
  });

  it('the same route under a path of its own previews without errors', async () => {
    const app = await appOn({ services: [{ name: 'httpbin', pathPrefix: '/httpbin', upstream: { url: 'http://127.0.0.1:9' } }] });
    expect(await app.call('import:preview', { text: apisixRoute('httpbin-route', '/httpbin-v2/*') })).not.toHaveProperty('errors');
  });
});
