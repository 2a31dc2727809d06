// A backend's 401/403 to a cached OAuth or CSRF token is dropped for the one retry: the gateway must not read its
// body first. These backends send the rejection's head and then drip its body a byte at a time without end, so a
// gateway that waited for the body would never retry (the test's timeout catches that hang).
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startGateway, type Gateway } from '../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../../../gateway/secrets/secret-source';
import { TrafficCapture } from '../../../gateway/capture/traffic-capture';
import type { CapturedExchange } from '../../../gateway/capture/exchange';

/** A backend that answers the next request with a rejection whose body never ends, and every other one with 200. */
interface RejectingBackend {
  api: RecordingUpstream;
  /** The next request (a CSRF token fetch aside) gets this status; its promise settles when the gateway closes that connection. */
  rejectNext(status: 401 | 403): Promise<void>;
}

/** The head, one byte, then a byte every 10 ms for as long as the connection is open (each under the body wait). */
function dripRejection(res: ServerResponse, status: 401 | 403): Promise<void> {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(1 << 30) });
  res.write('x');
  const drip = setInterval(() => res.write('x'), 10);
  return new Promise((resolve) => res.once('close', () => {
    clearInterval(drip);
    resolve();
  }));
}

async function startRejectingBackend(): Promise<RejectingBackend> {
  let next: { status: 401 | 403; closed: (p: Promise<void>) => void } | undefined;
  const api = await startRecordingUpstream((req, res, recorded) => {
    if (req.url === '/csrf') {
      res.writeHead(200, { 'x-csrf-token': `csrf-${Math.random()}` });
      return res.end();
    }
    if (next) {
      const { status, closed } = next;
      next = undefined;
      return closed(dripRejection(res, status));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, method: recorded.method, bodyBytes: recorded.bodyBytes }));
  });
  return {
    api,
    rejectNext(status) {
      return new Promise((resolve) => {
        next = { status, closed: (p) => void p.then(resolve) };
      });
    },
  };
}

async function call(url: string, init: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const response = await request(url, { method: init.method ?? 'GET', body: init.body ?? null });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('a rejected cached credential: the retry goes out once the head says so', () => {
  let idp: OAuthTokenServer;
  let backend: RejectingBackend;
  let gateway: TestGateway;
  beforeAll(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' } });
    backend = await startRejectingBackend();
    gateway = await startTestGateway(
      {
        services: [
          { name: 'erp', pathPrefix: '/erp', upstream: { url: backend.api.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } },
          { name: 'shop', pathPrefix: '/shop', upstream: { url: backend.api.url }, csrf: { tokenEndpointUrl: `${backend.api.url}/csrf` } },
        ],
      },
      { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret' } },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await backend.api.close();
    await idp.close();
  });

  /** The last log line, once the gateway has written it for the `count`th request. */
  async function logLine(count: number) {
    await expect.poll(() => gateway.logs.length).toBe(count);
    return gateway.logs.at(-1);
  }

  it('OAuth, a GET with a cached token (the promise-free path): a 401 head, then the retry with a fresh token', async () => {
    expect((await call(`${gateway.url}/erp/orders`)).status).toBe(200);
    const fetched = idp.requests.length;
    const closed = backend.rejectNext(401);
    expect(await call(`${gateway.url}/erp/orders`)).toEqual({ status: 200, body: { ok: true, method: 'GET', bodyBytes: 0 } });
    // The rejected request was aborted: the backend saw its connection closed.
    await closed;
    expect(idp.requests).toHaveLength(fetched + 1);
    const line = await logLine(2);
    expect(line).toMatchObject({ status: 200, service: 'erp' });
    expect(line?.error).toBeUndefined();
  });

  it('OAuth, a POST with a body: a 403 head, then the retry with the same body', async () => {
    const closed = backend.rejectNext(403);
    expect(await call(`${gateway.url}/erp/orders`, { method: 'POST', body: 'y'.repeat(700) })).toEqual({ status: 200, body: { ok: true, method: 'POST', bodyBytes: 700 } });
    await closed;
    expect(backend.api.requests.slice(-2).map((r) => r.bodyBytes)).toEqual([700, 700]);
    expect((await logLine(3))?.error).toBeUndefined();
  });

  it('CSRF: a 403 head, then the retry with a fresh CSRF token', async () => {
    expect((await call(`${gateway.url}/shop/cart`, { method: 'POST', body: '{}' })).status).toBe(200);
    const closed = backend.rejectNext(403);
    expect(await call(`${gateway.url}/shop/cart`, { method: 'POST', body: '{}' })).toEqual({ status: 200, body: { ok: true, method: 'POST', bodyBytes: 2 } });
    await closed;
    const [rejected, retried] = backend.api.requests.filter((r) => r.url === '/cart').slice(-2).map((r) => r.headers['x-csrf-token']);
    expect(retried).not.toBe(rejected);
    expect((await logLine(5))?.error).toBeUndefined();
  });
});

describe('a rejected cached credential in the traffic capture', () => {
  let idp: OAuthTokenServer;
  let backend: RejectingBackend;
  let gateway: Gateway;
  const captured: CapturedExchange[] = [];
  const capture = new TrafficCapture((exchange) => captured.push(structuredClone(exchange)), { enabled: true });
  beforeAll(async () => {
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-secret' } });
    backend = await startRejectingBackend();
    gateway = await startGateway({
      workspace: { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: backend.api.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } }] },
      secrets: new SecretResolver([new MemorySecretSource('t', { 'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-secret' } })]),
      port: 0,
      capture,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await backend.api.close();
    await idp.close();
  });

  it('shows the first hop answered 401 and retried, then the retry answered, as for a 401 read whole', async () => {
    expect((await call(`${gateway.url}/erp/a`)).status).toBe(200);
    const closed = backend.rejectNext(401);
    expect((await call(`${gateway.url}/erp/b`)).status).toBe(200);
    await closed;
    const complete = () => captured.find((e) => e.state === 'complete' && e.request.target === '/erp/b');
    await expect.poll(complete).toBeDefined();
    const exchange = complete()!;
    expect(exchange.upstream!.attempts.map((a) => [a.status, a.outcome])).toEqual([[401, 'retried'], [200, 'answered']]);
    expect(exchange.response?.status).toBe(200);
  });
});
