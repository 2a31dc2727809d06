// @vitest-environment jsdom
// The renderer's pure helpers: curl text, error-path mapping, password hints, drafts, secret usage and the
// effective basic-auth rule.
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../../gateway/config/schema';
import { curlCommand, exchangeCurl, shellQuote } from '../../../../renderer/src/model/curl';
import { consumerDraft, consumerFromDraft, consumerSecretName, routeDraft, routeFromDraft, serviceDraft, serviceFromDraft } from '../../../../renderer/src/model/drafts';
import { basicAuthTargets } from '../../../../renderer/src/model/effective-auth';
import { describeDetail, FieldErrors } from '../../../../renderer/src/model/field-errors';
import { passwordStrength } from '../../../../renderer/src/model/password-strength';
import { describeReaders, otherReaders, secretUses } from '../../../../renderer/src/model/secret-usage';
import { sendableBody } from '../../../../renderer/src/model/exchange-request';
import { importDocumentShape } from '../../../../renderer/src/model/import-document-shape';
import { leftOutReason, savedNotice } from '../../../../renderer/src/model/served-config';
import type { GatewayStatus, LeftOutItem } from '../../../../main/ipc/contract';

describe('curl', () => {
  const base = { method: 'GET' as const, path: '/v1/json?x=1', headers: [], basicAuth: { username: "o'neil", password: 's3cret' } };
  it('quotes for the shell and prompts for the password by default', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(curlCommand(base, { gatewayUrl: 'http://127.0.0.1:9080/', includeCredentials: false })).toBe(`curl -i -u 'o'\\''neil' 'http://127.0.0.1:9080/v1/json?x=1'`);
    expect(curlCommand(base, { gatewayUrl: 'http://127.0.0.1:9080', includeCredentials: true })).toContain(`-u 'o'\\''neil:s3cret'`);
  });
  it('leaves every credential out unless asked: credential headers and query values become variables to set', () => {
    const request = { method: 'GET' as const, path: '/erp/x?access_token=tok-123&page=2&api_key=k-456', headers: [{ name: 'Authorization', value: 'Bearer tok-789' }, { name: 'X-API-Key', value: 'k-000' }, { name: 'X-Trace', value: 't1' }] };
    const hidden = curlCommand(request, { gatewayUrl: 'http://h', includeCredentials: false });
    expect(hidden).toBe(`# Credentials are not copied: set $AUTHORIZATION, $X_API_KEY, $QUERY_ACCESS_TOKEN, $QUERY_API_KEY first.\ncurl -i -H 'Authorization: Bearer '"$AUTHORIZATION" -H 'X-API-Key: '"$X_API_KEY" -H 'X-Trace: t1' 'http://h/erp/x?access_token='"$QUERY_ACCESS_TOKEN"'&page=2&api_key='"$QUERY_API_KEY"`);
    for (const secret of ['tok-123', 'k-456', 'tok-789', 'k-000']) expect(hidden).not.toContain(secret);
    expect(curlCommand(request, { gatewayUrl: 'http://h', includeCredentials: true })).toBe(`curl -i -H 'Authorization: Bearer tok-789' -H 'X-API-Key: k-000' -H 'X-Trace: t1' 'http://h/erp/x?access_token=tok-123&page=2&api_key=k-456'`);
  });
  it('uses --head for HEAD and leaves bodies off GET and HEAD', () => {
    expect(curlCommand({ ...base, method: 'HEAD', body: 'x', basicAuth: undefined }, { gatewayUrl: 'http://h', includeCredentials: false })).toBe(`curl -i --head 'http://h/v1/json?x=1'`);
    expect(curlCommand({ ...base, body: 'x', basicAuth: undefined, headers: [{ name: 'A', value: 'b c' }] }, { gatewayUrl: 'http://h', includeCredentials: false })).toBe(`curl -i -H 'A: b c' 'http://h/v1/json?x=1'`);
  });
});

describe('what a save says the gateway made of it', () => {
  const missing: LeftOutItem = { kind: 'service', path: 'services[0]', name: 'missing', message: 'service "missing": secret "missing-creds" is not in the vault', secret: { name: 'missing-creds' } };
  const plain: LeftOutItem = { kind: 'service', path: 'services[1]', name: 'plain', message: 'service "plain": secret "plain-ca" key "ca.crt" holds no PEM certificate' };
  const plainRoute: LeftOutItem = { kind: 'route', path: 'routes[0]', name: 'list', message: 'its service "plain" is not served' };
  const running = (leftOut: LeftOutItem[]): GatewayStatus => ({ state: 'running', restarts: 0, inFlight: 0, served: { config: 'saved', leftOut } });

  it('says everything else is served only when nothing else is left out (a route goes with its service)', () => {
    expect(savedNotice(running([plain, plainRoute]), ['services[1]'])).toBe('Saved, not served: service plain: secret "plain-ca" key "ca.crt" holds no PEM certificate. Everything else is served.');
    expect(savedNotice(running([missing, plain]), ['services[1]'])).toBe('Saved, not served: service plain: secret "plain-ca" key "ca.crt" holds no PEM certificate. Also left out: service missing: secret missing-creds is not in the vault — enter it.');
    expect(savedNotice(running([plain, plainRoute]), ['routes[0]'])).toBe('Saved, not served: route list: its service "plain" is not served. Also left out: service plain: secret "plain-ca" key "ca.crt" holds no PEM certificate.');
    expect(savedNotice(running([missing]), ['services[1]'])).toBeUndefined();
  });

  it('names the item once: the gateway\'s message starts with it too', () => {
    expect(leftOutReason(plain)).toBe('secret "plain-ca" key "ca.crt" holds no PEM certificate');
    expect(leftOutReason({ ...plain, message: 'service "plain" (sandbox): secret "plain-ca" key "ca.crt" holds no PEM certificate' })).toBe('its sandbox: secret "plain-ca" key "ca.crt" holds no PEM certificate');
    expect(leftOutReason({ kind: 'consumer', path: 'consumers[0]', name: 'alex', message: 'consumer "alex" cannot sign in with basic-auth: its password is empty' })).toBe('cannot sign in with basic-auth: its password is empty');
    expect(leftOutReason({ ...plain, message: 'service "plainer": x' })).toBe('service "plainer": x');
  });

  it('says why a gateway that does not run did not apply it', () => {
    const down = (state: GatewayStatus['state'], lastError?: string): GatewayStatus => ({ state, restarts: 0, inFlight: 0, served: { config: 'saved', leftOut: [] }, ...(lastError ? { lastError } : {}) });
    expect(savedNotice(down('failed', 'cannot listen on 192.0.2.1 port 0: the address is not one of this machine\'s (EADDRNOTAVAIL)'), [])).toBe('Saved, not applied yet: the gateway could not start: cannot listen on 192.0.2.1 port 0: the address is not one of this machine\'s (EADDRNOTAVAIL).');
    expect(savedNotice(down('restarting', 'gateway exited with code 1; restarting in 500 ms'), [])).toBe('Saved, not applied yet: the gateway is down: gateway exited with code 1; restarting in 500 ms.');
    expect(savedNotice(down('starting'), [])).toBe('Saved, not applied yet: the gateway is still starting.');
    expect(savedNotice(down('stopped'), [])).toBe('Saved, not applied yet: the gateway is not running.');
  });
});

describe('curl of a captured exchange', () => {
  const M = encodeURIComponent('••••••••');
  it('names the variable of each masked query value for its own parameter', () => {
    expect(exchangeCurl({ method: 'GET', url: `http://h/x?token=${M}&api_key=${M}&a=1`, headers: [] })).toBe(`# Credentials are not copied: set $QUERY_TOKEN, $QUERY_API_KEY first.\ncurl -i 'http://h/x?token='"$QUERY_TOKEN"'&api_key='"$QUERY_API_KEY"'&a=1'`);
    expect(exchangeCurl({ method: 'GET', url: `http://h/x?a=1&sig=${M}&sig=${M}`, headers: [] })).toBe(`# Credentials are not copied: set $QUERY_SIG, $QUERY_SIG_2 first.\ncurl -i 'http://h/x?a=1&sig='"$QUERY_SIG"'&sig='"$QUERY_SIG_2"`);
    expect(exchangeCurl({ method: 'GET', url: 'http://h/x?a=1', headers: [] })).toBe(`curl -i 'http://h/x?a=1'`);
  });
});

describe('a captured body sent again', () => {
  const body = (bytes: number[], contentType: string, kind: 'text' | 'json') => ({ size: bytes.length, base64: Buffer.from(bytes).toString('base64'), truncated: false, complete: true, kind, contentType });
  it('goes as text only when it is UTF-8: other bytes would not be what the client sent', () => {
    expect(sendableBody(body([0x63, 0x61, 0x66, 0xc3, 0xa9], 'text/plain', 'text'))).toEqual({ text: 'café', size: 5 });
    expect(sendableBody(body([0x63, 0x61, 0x66, 0xe9], 'text/plain; charset=iso-8859-1', 'text'))).toEqual({ size: 4 });
    expect(sendableBody(body([0xff, 0xfe, 0x00, 0x7b, 0xc3], 'application/json', 'json'))).toEqual({ size: 5 });
  });
});

describe('field errors', () => {
  const errors = new FieldErrors(
    [
      { path: 'services[1].hosts[2]', message: 'bad host' },
      { path: 'services[1].plugins["basic-auth"].realm', message: 'bad realm' },
      { path: 'services[1].name', message: 'bad name' },
      { path: 'services[0].name', message: 'other item' },
      { path: 'routes[0].service', message: 'elsewhere' },
    ],
    ['services', 1],
  );
  it('gives each field its own errors and those below it', () => {
    expect(errors.for(['name'])).toEqual([{ detail: '', message: 'bad name' }]);
    expect(errors.for(['hosts'])).toEqual([{ detail: '[2]', message: 'bad host' }]);
    expect(errors.for(['plugins', 'basic-auth', 'realm'])).toEqual([{ detail: '', message: 'bad realm' }]);
    expect(errors.for(['plugins', 'basic-auth'])).toEqual([{ detail: '.realm', message: 'bad realm' }]);
  });
  it('leaves the rest for the summary', () => {
    expect(errors.unclaimed([['name'], ['hosts'], ['plugins', 'basic-auth']]).map((e) => e.path)).toEqual(['services[0].name', 'routes[0].service']);
  });
  it('reads sub-paths as words', () => {
    expect(describeDetail('[2]')).toBe('item 3');
    expect(describeDetail('[0].name')).toBe('item 1 name');
    expect(describeDetail('["bad key"]')).toBe('bad key');
  });
});

describe('password strength', () => {
  it('calls short and common passwords weak', () => {
    expect(passwordStrength('').strength).toBe('empty');
    expect(passwordStrength('123456').strength).toBe('weak');
    expect(passwordStrength('password').strength).toBe('weak');
    expect(passwordStrength('aaaaaaaaaaaa').strength).toBe('weak');
    expect(passwordStrength('abcdefgh1').strength).toBe('fair');
    expect(passwordStrength('correct horse battery staple').strength).toBe('strong');
  });
});

describe('drafts', () => {
  it('round-trip a service and keep what the form does not edit', () => {
    const service = Workspace.parse({ services: [{ name: 's', pathPrefix: '/v1', hosts: ['a.example.com'], upstream: { serviceInfo: { name: 'orders', namespace: 'shop', port: 80 } }, plugins: { 'basic-auth': { enabled: false, realm: 'r' } }, timeouts: { connectMs: 5 } }] }).services[0]!;
    const draft = serviceDraft(service);
    expect(draft).toMatchObject({ upstreamKind: 'kubernetes', k8sName: 'orders', k8sNamespace: 'shop', k8sPort: '80', hosts: 'a.example.com', basicAuth: { mode: 'off', realm: 'r' } });
    expect(serviceFromDraft(draft, service)).toEqual({ ...service, upstream: { serviceInfo: { name: 'orders', namespace: 'shop', port: 80, protocol: 'http' } } });
    // A service that never had the plugin gets none when it is off.
    expect(serviceFromDraft(serviceDraft(), undefined)).toMatchObject({ plugins: {} });
  });
  it('keep an OAuth endpoint\'s token request parameter keys, which the form does not edit', () => {
    const service = Workspace.parse({ services: [{ name: 's', upstream: { url: 'https://erp.test' }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: 'https://idp.test/token', secret: 'erp-oauth', tokenRequestHeadersKey: 'headers', tokenRequestQueryParametersKey: 'queryParameters' } }] }).services[0]!;
    expect(serviceFromDraft(serviceDraft(service), service)).toEqual(service);
  });
  it('map route methods and basic-auth modes', () => {
    const draft = { ...routeDraft(undefined, 's'), name: 'r', path: '/p', methods: [] as never[], hosts: ' a.example.com ,b.example.com ' };
    expect(routeFromDraft(draft)).toEqual({ name: 'r', service: 's', path: '/p', match: 'prefix', plugins: {}, hosts: ['a.example.com', 'b.example.com'] });
    expect(routeFromDraft({ ...draft, basicAuth: { ...draft.basicAuth, mode: 'off' } }).plugins).toEqual({ 'basic-auth': { enabled: false, realm: '.', hideCredentials: false } });
  });
  it('round-trip a consumer with id and customId, and drop them when emptied', () => {
    const password = { secret: 'consumer-zoe', key: 'password' };
    const consumer = Workspace.parse({ consumers: [{ username: 'zoë', id: 'c-7', customId: 'Zoë Ünal', basicAuth: { username: 'zoe', password } }] }).consumers[0]!;
    const draft = consumerDraft(consumer);
    expect(draft).toEqual({ username: 'zoë', password: '', id: 'c-7', customId: 'Zoë Ünal' });
    expect(consumerFromDraft(draft, consumer, password)).toEqual(consumer);
    expect(consumerFromDraft({ ...draft, id: '', customId: '' }, consumer, password)).toEqual({ username: 'zoë', basicAuth: { username: 'zoe', password } });
    expect(consumerDraft(undefined)).toEqual({ username: '', password: '', id: '', customId: '' });
    expect(consumerFromDraft({ ...consumerDraft(undefined), username: 'new', customId: 'x' }, undefined, undefined)).toEqual({ username: 'new', customId: 'x' });
  });
  it('name consumer secrets consumer-<username>, valid and unique', () => {
    expect(consumerSecretName('alex', new Set())).toBe('consumer-alex');
    expect(consumerSecretName('alex', new Set(['consumer-alex']))).toBe('consumer-alex-2');
    expect(consumerSecretName('Alex Smith@example.com', new Set())).toBe('consumer-alex-smith-example.com');
    expect(consumerSecretName('ü', new Set())).toBe('consumer');
  });
});

describe('workspace scans', () => {
  const ws = Workspace.parse({
    services: [
      { name: 'svc', pathPrefix: '/v1', upstream: { url: 'http://h' }, plugins: { 'basic-auth': {} }, endpointSecurity: { type: 'basic', secret: 'creds', namespace: 'ns' } },
      { name: 'bare', pathPrefix: '/bare', upstream: { url: 'http://h' }, plugins: { 'basic-auth': {} } },
    ],
    routes: [
      { name: 'on', service: 'svc', path: '/on', methods: ['GET'] },
      { name: 'off', service: 'svc', path: '/off', plugins: { 'basic-auth': { enabled: false } } },
    ],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }],
    applications: [{ name: 'shop', services: [{ id: '1', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: 'https://orders.example.com', credentials: { type: 'Basic', secretName: 'orders-creds' } }] }] }],
  });
  it('finds every secret reference with its owner and keys, Kyma applications included', () => {
    expect(secretUses(ws)).toEqual([
      { secret: 'consumer-alex', namespace: undefined, keys: ['password'], path: 'consumers[0].basicAuth.password', owner: 'consumer alex' },
      { secret: 'creds', namespace: 'ns', keys: ['username', 'password'], path: 'services[0].endpointSecurity', owner: 'service svc' },
      { secret: 'orders-creds', namespace: 'kyma-integration', keys: ['username', 'password'], path: 'applications[0].services[0].entries[0]', owner: 'application shop, service orders' },
    ]);
  });
  it('names the other items that read keys a write changes, and only those', () => {
    const shared = Workspace.parse({
      services: [
        { name: 'erp', pathPrefix: '/erp', upstream: { url: 'http://h' }, endpointSecurity: { type: 'basic', secret: 'shared' }, sandbox: { upstream: { url: 'http://s' }, endpointSecurity: { type: 'basic', secret: 'shared', usernameKey: 'user' } } },
        { name: 'crm', pathPrefix: '/crm', upstream: { url: 'http://h' }, endpointSecurity: { type: 'basic', secret: 'shared' } },
        { name: 'ns', pathPrefix: '/ns', upstream: { url: 'http://h' }, endpointSecurity: { type: 'basic', secret: 'shared', namespace: 'other' } },
      ],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'shared', key: 'pin' } } }],
    });
    const uses = secretUses(shared);
    const erpReads = otherReaders(uses, { name: 'shared', keys: ['username', 'password', 'user'] }, 'service crm');
    // Each reader once, with every key it reads; the same name in another namespace is another secret.
    expect(erpReads).toEqual([{ owner: 'service erp', keys: ['username', 'password', 'user'] }]);
    expect(describeReaders(erpReads)).toBe('service erp (keys username, password, user)');
    expect(otherReaders(uses, { name: 'shared', keys: ['pin'] }, 'service crm')).toEqual([{ owner: 'consumer alex', keys: ['pin'] }]);
    // Keys nobody else reads change nothing for them; a new service is nobody's own.
    expect(otherReaders(uses, { name: 'shared', keys: ['ca.crt'] }, undefined)).toEqual([]);
    expect(otherReaders(uses, { name: 'shared', keys: ['password'] }, undefined).map((r) => r.owner)).toEqual(['service erp', 'service crm']);
  });
  it('applies a route’s plugin over its service’s, and counts route-less services as a whole', () => {
    expect(basicAuthTargets(ws).map((t) => `${t.kind} ${t.name} ${t.path}`)).toEqual(['route on /v1/on', 'service bare /bare']);
  });
});

describe('the Import screen\'s first look at a pasted document', () => {
  it('offers the Kyma fields for an Application, and nothing for a text nested too deep, however often it is read', () => {
    expect(importDocumentShape('kind: Application\nmetadata:\n  name: shop\nspec: {}\n')).toEqual({ kymaApplication: true, applicationName: 'shop', secretData: false });
    // Read on every keystroke: after yaml had caught one overflow, the next deep text aborted the renderer's V8.
    const deep = `kind: Application\nspec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    for (let keystroke = 0; keystroke < 2; keystroke++) expect(importDocumentShape(deep)).toEqual({ kymaApplication: false, applicationName: undefined, secretData: false });
  });
});
