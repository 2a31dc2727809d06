// The traffic inspector's capture, against a real gateway and real backends: both hops, credentials shown by
// kind and identity only (in headers and echoed in bodies), the one retry, streamed and binary bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { randomBytes } from 'node:crypto';
import type { CapturedExchange } from '../../../gateway/capture/exchange';
import { bodyText, CapturingGateway, expectNoSecret, header } from '../../support/capturing-gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { answerOddBody, NOT_UTF8_POST } from '../../support/odd-bodies';
import { bearerProtected, startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';
import { basic } from '../../support/gateway';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { closeAfterFirst, startConnectionLosingUpstream, type ConnectionLosingUpstream } from '../../support/connection-losing-upstream';

describe('both hops with Basic credentials on both sides', () => {
  let upstream: RecordingUpstream;
  let gw: CapturingGateway;
  const SECRETS = ['client-pass-1', 'svc-pass-2', 'param-key-3', Buffer.from('alex:client-pass-1').toString('base64'), Buffer.from('svc-user:svc-pass-2').toString('base64')];
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gw = await new CapturingGateway().start(
      {
        services: [{
          name: 'orders', pathPrefix: '/shop', upstream: { url: `${upstream.url}/api/v2?tenant=acme` }, plugins: { 'basic-auth': {} },
          endpointSecurity: { type: 'basic', secret: 'orders-backend' }, requestParametersSecret: { secret: 'orders-params' },
        }],
        routes: [{ name: 'list', service: 'orders', path: '/orders', methods: ['GET', 'POST'] }],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex', key: 'password' } } }],
      },
      {
        alex: { password: 'client-pass-1' },
        'orders-backend': { username: 'svc-user', password: 'svc-pass-2' },
        'orders-params': { headers: '{"x-api-key":["param-key-3"]}', queryParameters: '{"apikey":["param-key-3"]}' },
      },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await upstream.close();
  });

  it('shows the client hop, the upstream URL after prefix stripping and query merging, and the credentials by kind', async () => {
    const { exchange, credentials } = await gw.call('/shop/orders?page=2&access_token=client-token-9', {
      method: 'POST', headers: { authorization: basic('alex', 'client-pass-1'), 'content-type': 'application/json', cookie: 'sid=cookie-value-7' }, body: '{"item":"book"}',
    });
    expect(exchange.state).toBe('complete');
    expect(exchange.request.method).toBe('POST');
    expect(exchange.request.target).toBe('/shop/orders?page=2&access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2');
    expect(header(exchange.request.headers, 'authorization')).toEqual({ name: 'authorization', value: 'Basic alex:••••••••', masked: true, source: 'client' });
    expect(header(exchange.request.headers, 'cookie')?.value).toBe('sid=••••••••');
    expect(bodyText(exchange.request.body)).toBe('{"item":"book"}');
    expect(exchange.request.body).toMatchObject({ size: 15, complete: true, truncated: false });
    expect([exchange.route, exchange.service, exchange.consumer]).toEqual(['list', 'orders', 'alex']);
    expect(exchange.response?.status).toBe(200);
    // The head as the client got it, with the fields Node adds itself (they were missing from the inspector).
    expect(header(exchange.response!.headers, 'connection')?.value).toBe('keep-alive');
    expect(header(exchange.response!.headers, 'keep-alive')?.value).toBe('timeout=65');
    expect(header(exchange.response!.headers, 'content-type')?.value).toMatch(/^application\/json/);

    const hop = exchange.upstream!;
    expect(hop.url).toBe(`${upstream.url}/api/v2/orders?tenant=acme&apikey=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2&page=2&access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2`);
    expect(upstream.requests.at(-1)!.url).toBe('/api/v2/orders?tenant=acme&apikey=param-key-3&page=2&access_token=client-token-9');
    expect(hop.environment).toBe('production');
    expect(hop.credentials).toEqual([{ kind: 'basic', username: 'svc-user' }, { kind: 'request-parameters', headers: ['x-api-key'], query: ['apikey'] }]);
    expect(hop.attempts).toHaveLength(1);
    const sent = hop.attempts[0]!;
    expect(sent).toMatchObject({ status: 200, outcome: 'answered' });
    expect(header(sent.headers, 'authorization')).toEqual({ name: 'authorization', value: 'Basic svc-user:••••••••', masked: true, source: 'endpoint' });
    expect(header(sent.headers, 'x-api-key')).toEqual({ name: 'x-api-key', value: '••••••••', masked: true, source: 'parameters' });
    expect(header(sent.headers, 'x-consumer-username')?.value).toBe('alex');
    expect(exchange.timing.totalMs).toBeGreaterThanOrEqual(exchange.timing.upstreamMs!);

    // The backend echoed its request headers: the injected credentials are masked in the captured body too.
    const echoed = JSON.parse(bodyText(exchange.response!.body)) as { headers: Record<string, string> };
    expect(echoed.headers.authorization).toBe('Basic ••••••••');
    expect(echoed.headers['x-api-key']).toBe('••••••••');
    expect(echoed.headers['x-consumer-username']).toBe('alex');
    expectNoSecret([{ exchange, credentials }], [...SECRETS, 'cookie-value-7', 'client-token-9']);

    // The raw values stay beside the view, for main only.
    expect(Object.values(credentials)).toEqual(expect.arrayContaining([basic('alex', 'client-pass-1'), basic('svc-user', 'svc-pass-2'), 'param-key-3', 'sid=cookie-value-7']));
  });

  it('records the gateway’s own refusals, with their body', async () => {
    const { exchange } = await gw.call('/shop/orders', { headers: { authorization: basic('alex', 'wrong-pass-5') } });
    expect(exchange.response?.status).toBe(401);
    expect(exchange.upstream).toBeUndefined();
    expect(JSON.parse(bodyText(exchange.response!.body))).toEqual({ message: 'Invalid user authorization' });
    expect(header(exchange.response!.headers, 'www-authenticate')?.value).toMatch(/^Basic/);
    expectNoSecret(gw.seen, [...SECRETS, 'wrong-pass-5', Buffer.from('alex:wrong-pass-5').toString('base64')]);
  });

  it('records nothing while capture is off', async () => {
    gw.capture.enabled = false;
    const before = gw.seen.length;
    const res = await request(`${gw.gateway.url}/shop/orders`, { headers: { authorization: basic('alex', 'client-pass-1') } });
    await res.body.dump();
    gw.capture.enabled = true;
    await gw.call('/nowhere');
    expect(gw.seen.slice(before).map((c) => c.exchange.request.target)).toEqual(['/nowhere']);
  });
});

describe('OAuth client credentials with the one retry', () => {
  let idp: OAuthTokenServer;
  let api: RecordingUpstream;
  let gw: CapturingGateway;
  beforeAll(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-client-secret' }, expiresIn: 900 });
    api = await startRecordingUpstream(bearerProtected(idp));
    gw = await new CapturingGateway().start(
      { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } }] },
      { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-client-secret' } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await api.close();
    await idp.close();
  });

  it('says when a token was fetched, when it came from the cache, and shows the rejected first attempt', async () => {
    const first = (await gw.call('/erp/a')).exchange;
    const second = (await gw.call('/erp/b')).exchange;
    idp.revokeAll();
    const retried = (await gw.call('/erp/c', { method: 'POST', body: 'payload' })).exchange;

    const oauth = (e: CapturedExchange) => e.upstream!.credentials.filter((c) => c.kind === 'oauth2');
    expect(oauth(first)).toEqual([expect.objectContaining({ kind: 'oauth2', tokenEndpoint: idp.tokenUrl, obtained: 'fetched', attempt: 1 })]);
    expect(first.timing.gatewayMs).toBeGreaterThanOrEqual(0);
    expect(oauth(second)).toEqual([expect.objectContaining({ obtained: 'cached' })]);
    expect(oauth(retried).map((c) => c.kind === 'oauth2' && c.obtained)).toEqual(['cached', 'fetched']);
    expect(retried.upstream!.attempts.map((a) => [a.status, a.outcome])).toEqual([[401, 'retried'], [200, 'answered']]);
    expect(header(retried.upstream!.attempts[1]!.headers, 'authorization')).toMatchObject({ value: 'Bearer ••••••••', source: 'endpoint' });
    expect(retried.response?.status).toBe(200);
    expect(first.timing.tokenMs).toBeGreaterThan(0);
    expect(retried.timing.tokenMs).toBeGreaterThan(0);
    const c = oauth(first)[0]!;
    expect(c.kind === 'oauth2' && c.expiresAt).toBeGreaterThan(Date.now());
    expectNoSecret(gw.seen, ['erp-client-secret', ...idp.issued()]);
  });
});

describe('a connection lost before the answer', () => {
  let upstream: ConnectionLosingUpstream;
  let gw: CapturingGateway;
  beforeAll(async () => {
    upstream = await startConnectionLosingUpstream(closeAfterFirst);
    gw = await new CapturingGateway().start(
      { services: [{ name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'api-basic' } }] },
      { 'api-basic': { username: 'svc', password: 'svc-pass-5' } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    upstream.close();
  });

  it('shows the lost call and the one sent again, each with what it sent', async () => {
    expect((await gw.call('/api/first')).exchange.upstream!.attempts.map((a) => [a.status, a.outcome])).toEqual([[200, 'answered']]);
    const { exchange } = await gw.call('/api/second');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.upstream!.attempts.map((a) => [a.status, a.outcome])).toEqual([[undefined, 'resent'], [200, 'answered']]);
    for (const attempt of exchange.upstream!.attempts) {
      expect(header(attempt.headers, 'authorization')).toMatchObject({ value: 'Basic svc:••••••••', source: 'endpoint' });
    }
    expect(upstream.requests.map((r) => [r.connection, r.line])).toEqual([[0, 'GET /first HTTP/1.1'], [0, 'GET /second HTTP/1.1'], [1, 'GET /second HTTP/1.1']]);
    expectNoSecret(gw.seen, ['svc-pass-5']);
  });
});

describe('CSRF tokens', () => {
  const AUTH = basic('csrf-user', 'csrf-pass-4');
  let api: CsrfApiServer;
  let gw: CapturingGateway;
  beforeAll(async () => {
    api = await startCsrfApiServer({ authorization: AUTH });
    gw = await new CapturingGateway().start(
      { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, endpointSecurity: { type: 'basic', secret: 'erp-basic' }, csrf: { tokenEndpointUrl: api.tokenUrl } }] },
      { 'erp-basic': { username: 'csrf-user', password: 'csrf-pass-4' } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await api.close();
  });

  it('says whether the CSRF token was fetched or reused, and shows the retry after a rotation', async () => {
    const fetched = (await gw.call('/erp/orders', { method: 'POST', body: '{}' })).exchange;
    const reused = (await gw.call('/erp/orders', { method: 'POST', body: '{}' })).exchange;
    api.rotate();
    const retried = (await gw.call('/erp/orders', { method: 'POST', body: '{}' })).exchange;
    const csrf = (e: CapturedExchange) => e.upstream!.credentials.filter((c) => c.kind === 'csrf').map((c) => c.kind === 'csrf' && c.obtained);
    expect(csrf(fetched)).toEqual(['fetched']);
    expect(csrf(reused)).toEqual(['reused']);
    expect(csrf(retried)).toEqual(['reused', 'fetched']);
    expect(retried.upstream!.attempts.map((a) => [a.status, a.outcome])).toEqual([[403, 'retried'], [200, 'answered']]);
    const sent = retried.upstream!.attempts[1]!.headers;
    expect(header(sent, 'x-csrf-token')).toMatchObject({ value: '••••••••', source: 'csrf' });
    expect(header(sent, 'cookie')?.value).toBe('SAP_SESSIONID_GH1=••••••••; sap-usercontext=••••••••');
    expect(fetched.timing.csrfMs).toBeGreaterThan(0);
    expect(fetched.upstream!.credentials[0]).toEqual({ kind: 'basic', username: 'csrf-user' });
    expectNoSecret(gw.seen, ['csrf-pass-4', AUTH.slice(6), ...api.issuedTokens()]);
  });
});

describe('bodies', () => {
  let upstream: RecordingUpstream;
  let gw: CapturingGateway;
  let releaseStream: () => void = () => undefined;
  const binary = randomBytes(300 * 1024);
  beforeAll(async () => {
    upstream = await startRecordingUpstream((req, res) => {
      if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        releaseStream = () => res.end('data: last\n\n');
        return;
      }
      if (answerOddBody(req, res)) return;
      if (req.url === '/cut-char') {
        // 256 KiB of text whose last kept character (é, two bytes) is split by the capture limit.
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(Buffer.concat([Buffer.alloc(256 * 1024 - 1, 'a'), Buffer.from('é and more', 'utf8')]));
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(binary);
    });
    gw = await new CapturingGateway().start({ services: [{ name: 'files', upstream: { url: upstream.url } }] }, {});
  });
  afterAll(async () => {
    await gw.gateway.close();
    await upstream.close();
  });

  it('shows a streamed response as it arrives, without holding back the client', async () => {
    const from = gw.seen.length;
    const res = await request(`${gw.gateway.url}/events`);
    const reader = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    // The client has the first event while the backend still holds the stream open.
    expect((await reader.next()).value!.toString()).toBe('data: first\n\n');
    const open = await gw.next((c) => c.exchange.state === 'open', from);
    expect(bodyText(open.exchange.response!.body)).toBe('data: first\n\n');
    expect(open.exchange.response!.body.complete).toBe(false);
    releaseStream();
    expect((await reader.next()).value!.toString()).toBe('data: last\n\n');
    const done = await gw.next((c) => c.exchange.state === 'complete' && c.exchange.request.target === '/events', from);
    expect(bodyText(done.exchange.response!.body)).toBe('data: first\n\ndata: last\n\n');
    expect(done.exchange.response!.body).toMatchObject({ complete: true, contentType: 'text/event-stream', size: 25 });
  });

  it('keeps the first 256 KiB of a binary body and its total size; the client gets all of it', async () => {
    const from = gw.seen.length;
    const res = await request(`${gw.gateway.url}/file.bin`);
    const received = Buffer.from(await res.body.arrayBuffer());
    expect(received.equals(binary)).toBe(true);
    const { exchange } = await gw.next((c) => c.exchange.state === 'complete', from);
    const body = exchange.response!.body;
    expect(body).toMatchObject({ size: 300 * 1024, truncated: true, complete: true, contentType: 'application/octet-stream' });
    expect(Buffer.from(body.base64, 'base64').equals(binary.subarray(0, 256 * 1024))).toBe(true);
  });

  it('calls bytes that are not valid in their charset binary, whatever the Content-Type says; text in a declared charset is text', async () => {
    expect((await gw.call('/bad-json')).exchange.response!.body).toMatchObject({ kind: 'binary', contentType: 'application/json' });
    const post = await gw.call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: NOT_UTF8_POST });
    expect(post.exchange.request.body).toMatchObject({ kind: 'binary', size: 5 });
    expect(Buffer.from(post.exchange.request.body.base64, 'base64')).toEqual(NOT_UTF8_POST);
    expect((await gw.call('/latin1')).exchange.response!.body).toMatchObject({ kind: 'text', contentType: 'text/plain; charset=iso-8859-1' });
    // A character split by the capture limit is the cut's doing, not invalid text.
    expect((await gw.call('/cut-char')).exchange.response!.body).toMatchObject({ kind: 'text', truncated: true });
  });

  it('keeps the first 256 KiB of a large request body', async () => {
    const big = Buffer.alloc(400 * 1024, 'a');
    const { exchange } = await gw.call('/upload', { method: 'POST', body: big });
    expect(exchange.request.body).toMatchObject({ size: 400 * 1024, truncated: true, complete: true });
    expect(Buffer.from(exchange.request.body.base64, 'base64').length).toBe(256 * 1024);
    expect(upstream.requests.at(-1)!.bodyBytes).toBe(400 * 1024);
  });
});

describe('client certificate and the sandbox endpoint', () => {
  let pki: TestPki;
  let mtls: TestTlsServer;
  let sandbox: RecordingUpstream;
  let gw: CapturingGateway;
  beforeAll(async () => {
    pki = await createTestPki();
    mtls = await startTlsServer({ ...pki.server, clientCa: pki.ca.cert });
    sandbox = await startRecordingUpstream();
    gw = await new CapturingGateway().start(
      {
        services: [{
          name: 'erp', pathPrefix: '/erp', upstream: { url: mtls.url }, endpointSecurity: { type: 'client-certificate', secret: 'erp-mtls', caKey: 'ca.crt' },
          sandbox: { upstream: { url: `${sandbox.url}/sb` } },
        }],
      },
      { 'erp-mtls': { crt: pki.client.cert, key: pki.client.key, 'ca.crt': pki.ca.cert } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await mtls.close();
    await sandbox.close();
  });

  it('names the client certificate by subject and expiry, never its key', async () => {
    const { exchange } = await gw.call('/erp/orders');
    expect(exchange.response?.status).toBe(200);
    const cert = exchange.upstream!.credentials.find((c) => c.kind === 'client-certificate');
    expect(cert).toEqual({ kind: 'client-certificate', subject: 'CN=gatehouse-client', validTo: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(exchange.upstream!.url).toBe(`${mtls.url}/orders`);
    expectNoSecret(gw.seen, [pki.client.key.split('\n')[1]!]);
  });

  it('says which environment was called', async () => {
    const { exchange } = await gw.call('/erp/orders', { headers: { 'x-gatehouse-environment': 'sandbox' } });
    expect(exchange.upstream).toMatchObject({ environment: 'sandbox', url: `${sandbox.url}/sb/orders` });
  });
});
