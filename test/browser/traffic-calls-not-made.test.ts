// The traffic details of calls that did not happen, in the real renderer (Chromium) against the real main side, a
// real token endpoint and a port nothing listens on: a backend not called because its token could not be had says
// so and why, with no credentials, headers, body or curl for it; a refused backend connection says it was not
// reached, and nothing that the backend "received". The Error field says the failure in words, its code beside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../support/oauth-token-server';

const REFUSING = 'http://127.0.0.1:1';
let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;
let idp: OAuthTokenServer;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  idp = await startOAuthTokenServer({ clients: { 'good-client': 'client-secret-abc-123' }, expiresIn: 900 });
  app = await openBrowserApp({
    viewport: { width: 1360, height: 900 },
    before: async (main) => {
      const call = async (channel: string, payload: unknown) => {
        const envelope = await main.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(envelope.error.message);
      };
      await call('secrets:set', { name: 'bad-oauth', data: { clientId: 'good-client', clientSecret: 'WRONG-secret-777' } });
      await call('workspace:save', {
        services: [
          { name: 'badclient', pathPrefix: '/badclient', upstream: { url: upstream.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'bad-oauth', clientAuth: 'client_secret_post' } },
          { name: 'down', pathPrefix: '/down', upstream: { url: REFUSING } },
        ],
      });
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
  await idp?.close();
});

const rows = () => page.locator('.traffic-table tbody tr');
const details = () => page.getByRole('complementary');
const backendHop = () => details().getByRole('region', { name: 'Gateway → backend' });

async function send(path: string): Promise<void> {
  const base = (await app.call<{ url: string }>('gateway:status')).url;
  const res = await fetch(`${base}${path}`);
  await res.arrayBuffer();
}

async function open(row: Locator): Promise<void> {
  await expect.poll(() => row.locator('td').last().textContent()).toMatch(/\d (ms|s)$/);
  await row.click();
  await details().waitFor();
}

describe('calls that did not happen, in the traffic details', () => {
  it('records the two requests', async () => {
    await send('/badclient/a');
    await send('/down/a');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('says the backend was not called when the token endpoint refused the client, and nothing of a call', async () => {
    await open(rows().filter({ hasText: '/badclient/a' }));
    const hop = await backendHop().innerText();
    expect(hop).toContain(`Backend not called: fetching the token from ${idp.tokenUrl} failed: it answered HTTP 401 (invalid_client).`);
    for (const untrue of ['Credentials sent', 'None added by the gateway', 'Answer', 'received', 'went to the backend']) expect(hop).not.toContain(untrue);
    expect(await details().getByRole('button', { name: 'Copy as curl (backend)' }).count()).toBe(0);
    const error = await details().locator('.summary-grid div').filter({ hasText: /^Error/ }).innerText();
    expect(error).toContain(`token endpoint ${idp.tokenUrl} answered HTTP 401 (invalid_client)`);
    expect(error).toContain('code GATEHOUSE_TOKEN_ENDPOINT');
    expect(upstream.requests).toEqual([]);
    await app.screenshot('traffic-backend-not-called');
  });

  it('says a refused backend connection was not reached, with nothing the backend received', async () => {
    await open(rows().filter({ hasText: '/down/a' }));
    const hop = await backendHop().innerText();
    expect(hop).toContain('Not reached: connection refused (ECONNREFUSED). Nothing was sent to the backend.');
    expect(hop).toContain('Headers the gateway would have sent (not sent)');
    expect(hop).toContain('Nothing of the request, body included, reached the backend.');
    expect(hop).not.toContain('received');
    expect(hop).not.toContain('went to the backend');
    const error = await details().locator('.summary-grid div').filter({ hasText: /^Error/ }).innerText();
    expect(error).toContain(`Upstream ${REFUSING}/ unreachable (ECONNREFUSED)`);
    await backendHop().evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await app.screenshot('traffic-backend-not-reached');
  });
});
