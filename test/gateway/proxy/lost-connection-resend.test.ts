// An upstream that closes or resets a kept-alive connection as a request arrives on it, without answering: the
// race every backend with a short idle timeout (gunicorn's 2 s) brings. An idempotent request without a body goes
// out once more on another connection and the client gets the backend's answer; anything else gets the 502, and
// a request is never sent a third time (RFC 9112 §9.3.1).
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import {
  closeAfterFirst, closeEvery, resetAfterFirst, startConnectionLosingUpstream, type ConnectionLosingUpstream, type ConnectionPolicy,
} from '../../support/connection-losing-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';

let upstream: ConnectionLosingUpstream;
let gateway: TestGateway;

async function setUp(policy: ConnectionPolicy, timeouts?: { responseMs: number }): Promise<void> {
  upstream = await startConnectionLosingUpstream(policy);
  gateway = await startTestGateway({
    services: [{ name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, ...(timeouts ? { timeouts } : {}) }],
  });
}

afterEach(async () => {
  await gateway.close();
  upstream.close();
});

async function call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await request(`${gateway.url}${path}`, { method: method as 'GET', body: body ?? null });
  return { status: res.statusCode, text: await res.body.text() };
}

/** A first request, answered, so the gateway's pool keeps that connection for the next one. */
async function warmConnection(): Promise<void> {
  expect(await call('GET', '/api/first')).toEqual({ status: 200, text: 'answered' });
}

describe('a connection the upstream loses before answering', () => {
  for (const [how, policy, code] of [['closed', closeAfterFirst, 'UND_ERR_SOCKET'], ['reset', resetAfterFirst, 'ECONNRESET']] as const) {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      it(`${how}: an idempotent ${method} without a body is sent once more, on a new connection, and answered`, async () => {
        await setUp(policy);
        await warmConnection();
        upstream.requests.length = 0;
        const res = await call(method, '/api/again');
        expect(res).toEqual({ status: 200, text: method === 'HEAD' ? '' : 'answered' });
        // Read on the kept connection and lost there, then read again on a new one.
        expect(upstream.requests).toEqual([{ connection: 0, line: `${method} /again HTTP/1.1`, body: '' }, { connection: 1, line: `${method} /again HTTP/1.1`, body: '' }]);
        const entry = gateway.logs.at(-1)!;
        expect(entry).toMatchObject({ method, status: 200, resentAfter: code });
        expect(entry.error).toBeUndefined();
      });
    }
  }

  it('a POST is not sent again: the client gets the 502, and the upstream read the request once', async () => {
    await setUp(closeAfterFirst);
    await warmConnection();
    upstream.requests.length = 0;
    const res = await call('POST', '/api/order');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text).message).toMatch(/closed the connection before answering \(UND_ERR_SOCKET\)$/);
    expect(upstream.requests.map((r) => r.line)).toEqual(['POST /order HTTP/1.1']);
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, error: 'UND_ERR_SOCKET' });
    expect(gateway.logs.at(-1)!.resentAfter).toBeUndefined();
  });

  it('a PUT with a body is not sent again: its body streamed to the lost connection cannot be sent twice', async () => {
    await setUp(closeAfterFirst);
    await warmConnection();
    upstream.requests.length = 0;
    const res = await call('PUT', '/api/item', 'x'.repeat(100));
    expect(res.status).toBe(502);
    expect(upstream.requests.map((r) => r.line)).toEqual(['PUT /item HTTP/1.1']);
    expect(gateway.logs.at(-1)!.resentAfter).toBeUndefined();
  });

  describe('behind an OAuth endpoint, which reads a body ahead for its one credential retry', () => {
    let idp: OAuthTokenServer;
    afterEach(() => idp.close());

    async function setUpOAuth(): Promise<void> {
      idp = await startOAuthTokenServer({ clients: { 'api-client': 'api-client-secret' } });
      upstream = await startConnectionLosingUpstream(closeAfterFirst);
      gateway = await startTestGateway(
        { services: [{ name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'api-oauth' } }] },
        { 'api-oauth': { clientId: 'api-client', clientSecret: 'api-client-secret' } },
      );
      await warmConnection();
      upstream.requests.length = 0;
    }

    it('a PUT whose body the gateway holds whole is sent again with that body', async () => {
      await setUpOAuth();
      expect(await call('PUT', '/api/item', '{"name":"held"}')).toEqual({ status: 200, text: 'answered' });
      expect(upstream.requests).toEqual([
        { connection: 0, line: 'PUT /item HTTP/1.1', body: '{"name":"held"}' },
        { connection: 1, line: 'PUT /item HTTP/1.1', body: '{"name":"held"}' },
      ]);
      expect(gateway.logs.at(-1)).toMatchObject({ status: 200, resentAfter: 'UND_ERR_SOCKET' });
    });

    it('a POST whose body the gateway holds whole is still not sent again', async () => {
      await setUpOAuth();
      expect((await call('POST', '/api/item', '{"name":"once"}')).status).toBe(502);
      expect(upstream.requests).toEqual([{ connection: 0, line: 'POST /item HTTP/1.1', body: '{"name":"once"}' }]);
    });
  });

  it('is sent again once only: an upstream that drops every request costs two calls, then the 502 names it', async () => {
    await setUp(closeEvery);
    const res = await call('GET', '/api/never');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text).message).toMatch(/closed the connection before answering \(UND_ERR_SOCKET\)$/);
    expect(upstream.requests.map((r) => [r.connection, r.line])).toEqual([[0, 'GET /never HTTP/1.1'], [1, 'GET /never HTTP/1.1']]);
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, error: 'UND_ERR_SOCKET', resentAfter: 'UND_ERR_SOCKET' });
  });

  it('a timed-out request is not sent again: the upstream was slow, not gone', async () => {
    await setUp(() => undefined, { responseMs: 50 });
    const res = await call('GET', '/api/slow');
    expect(res.status).toBe(504);
    expect(upstream.requests.map((r) => r.line)).toEqual(['GET /slow HTTP/1.1']);
    expect(gateway.logs.at(-1)!.resentAfter).toBeUndefined();
  });
});
