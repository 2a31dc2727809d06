// The capture of calls that did not happen: a backend not called because its token could not be had, a backend
// call whose connection was refused (nothing of the request sent), against one that reached the backend and lost
// its connection there. The inspector is to say which, in words, and never describe a call that was not made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { request } from 'undici';
import { CapturingGateway, expectNoSecret } from '../../support/capturing-gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { closeEvery, startConnectionLosingUpstream, type ConnectionLosingUpstream } from '../../support/connection-losing-upstream';

// Port 1 on the loopback: nothing listens there, and nobody but root could.
const REFUSING = 'http://127.0.0.1:1';

describe('calls the gateway could not make', () => {
  let upstream: RecordingUpstream;
  let losing: ConnectionLosingUpstream;
  let idp: OAuthTokenServer;
  let gw: CapturingGateway;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    losing = await startConnectionLosingUpstream(closeEvery);
    idp = await startOAuthTokenServer({ clients: { 'good-client': 'client-secret-abc-123' }, expiresIn: 900 });
    gw = await new CapturingGateway().start(
      {
        services: [
          { name: 'badclient', pathPrefix: '/badclient', upstream: { url: upstream.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'bad-oauth', clientAuth: 'client_secret_post' } },
          { name: 'idpdown', pathPrefix: '/idpdown', upstream: { url: upstream.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: `${REFUSING}/oauth/token`, secret: 'good-oauth' } },
          { name: 'down', pathPrefix: '/down', upstream: { url: REFUSING } },
          { name: 'losing', pathPrefix: '/losing', upstream: { url: losing.url } },
        ],
      },
      { 'bad-oauth': { clientId: 'good-client', clientSecret: 'WRONG-secret-777' }, 'good-oauth': { clientId: 'good-client', clientSecret: 'client-secret-abc-123' } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await upstream.close();
    losing.close();
    await idp.close();
  });

  it('says the backend was not called when the token endpoint refused the client, and why, in words', async () => {
    const { exchange } = await gw.call('/badclient/a');
    expect(exchange.response?.status).toBe(502);
    expect(exchange.error).toBe('GATEHOUSE_TOKEN_ENDPOINT');
    expect(exchange.errorMessage).toBe(`token endpoint ${idp.tokenUrl} answered HTTP 401 (invalid_client)`);
    expect(exchange.upstream?.attempts).toEqual([]);
    expect(exchange.upstream?.notCalled).toBe(`fetching the token from ${idp.tokenUrl} failed: it answered HTTP 401 (invalid_client)`);
    expect(upstream.requests).toEqual([]);
    expectNoSecret(gw.seen, ['WRONG-secret-777']);
  });

  it('says the backend was not called when the token endpoint refused the connection', async () => {
    const { exchange } = await gw.call('/idpdown/a');
    expect(exchange.upstream?.attempts).toEqual([]);
    expect(exchange.upstream?.notCalled).toBe(`fetching the token from ${REFUSING}/oauth/token failed: connection refused (ECONNREFUSED)`);
    expect(exchange.errorMessage).toBe(`token endpoint ${REFUSING}/oauth/token unreachable (ECONNREFUSED)`);
    expect(upstream.requests).toEqual([]);
  });

  it('says a refused backend connection was not reached, and a connection lost after the request was sent was', async () => {
    const refused = (await gw.call('/down/a')).exchange;
    expect(refused.error).toBe('ECONNREFUSED');
    expect(refused.errorMessage).toBe(`Upstream ${REFUSING}/ unreachable (ECONNREFUSED)`);
    expect(refused.upstream?.notCalled).toBeUndefined();
    expect(refused.upstream?.attempts.map((a) => [a.outcome, a.notReached])).toEqual([['failed', 'connection refused (ECONNREFUSED)']]);

    // A POST is not sent again: one attempt, which reached the backend before its connection was closed.
    const lost = (await gw.call('/losing/a', { method: 'POST', body: 'x' })).exchange;
    expect(lost.response?.status).toBe(502);
    expect(losing.requests.map((r) => r.line)).toEqual(['POST /a HTTP/1.1']);
    expect(lost.upstream?.attempts).toHaveLength(1);
    expect(lost.upstream?.attempts[0]).toMatchObject({ outcome: 'failed' });
    expect(lost.upstream?.attempts[0]?.notReached).toBeUndefined();
  });
});

// A request that waited timeouts.queueMs for a connection (all gateway.maxUpstreamConnections busy) never reached
// the backend: the inspector says why in words, not "the connection failed".
describe('a call that found every connection busy', () => {
  it('says it was not reached: no connection came free', async () => {
    const held: ServerResponse[] = [];
    let arrived: (() => void) | undefined;
    const busy = createServer((req, res) => {
      held.push(res);
      arrived?.();
    });
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const url = `http://127.0.0.1:${(busy.address() as { port: number }).port}`;
    const gw = await new CapturingGateway().start({ gateway: { maxUpstreamConnections: 1, timeouts: { queueMs: 100 } }, services: [{ name: 'busy', pathPrefix: '/busy', upstream: { url } }] }, {});
    try {
      const taken = new Promise<void>((resolve) => (arrived = resolve));
      const first = request(`${gw.gateway.url}/busy/hold`).then((r) => r.body.text());
      await taken;
      const { exchange } = await gw.call('/busy/queued');
      expect(exchange.response?.status).toBe(503);
      expect(exchange.error).toBe('UPSTREAM_POOL_FULL');
      expect(exchange.upstream?.attempts.map((a) => [a.outcome, a.notReached])).toEqual([['failed', 'no connection came free for 0.1 s: all 1 were busy (UPSTREAM_POOL_FULL)']]);
      held.splice(0).forEach((res) => res.end('ok'));
      expect(await first).toBe('ok');
    } finally {
      held.splice(0).forEach((res) => res.end());
      await gw.gateway.close();
      busy.closeAllConnections();
      busy.close();
    }
  });
});
