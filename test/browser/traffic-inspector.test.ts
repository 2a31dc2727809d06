// The traffic inspector and Try it in the real renderer (Chromium), against the real main side (forked gateway
// with capture on, vault, store) and real backends: Basic on both sides, OAuth client credentials with the one
// retry, a CSRF-protected API, a streamed (server-sent events) response and a binary body. Screenshots of the
// details panel are taken at 1280×820 and 900×600, light and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import type { Locator, Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { bearerProtected, startOAuthTokenServer, type OAuthTokenServer } from '../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../support/csrf-api-server';
import { basic } from '../support/gateway';
import { harProblems } from '../support/har-schema';
import { closeAfterFirst, startConnectionLosingUpstream, type ConnectionLosingUpstream } from '../support/connection-losing-upstream';

let app: BrowserApp;
let page: Page;
let billing: RecordingUpstream;
let idp: OAuthTokenServer;
let erp: RecordingUpstream;
let sap: CsrfApiServer;
let files: RecordingUpstream;
let flaky: ConnectionLosingUpstream;
let releaseStream: () => void = () => undefined;
const binary = randomBytes(300 * 1024);
const saved: { name: string; path: string }[] = [];

const CLIENT_PASSWORD = 'alex-pass-731';
const BACKEND_PASSWORD = 'svc-pass-482';
const CLIENT_SECRET = 'erp-client-secret-915';
const SAP_PASSWORD = 'sap-pass-266';

beforeAll(async () => {
  billing = await startRecordingUpstream();
  idp = await startOAuthTokenServer({ clients: { 'erp-client': CLIENT_SECRET }, expiresIn: 900 });
  erp = await startRecordingUpstream(bearerProtected(idp));
  sap = await startCsrfApiServer({ authorization: basic('sap-user', SAP_PASSWORD) });
  flaky = await startConnectionLosingUpstream(closeAfterFirst);
  files = await startRecordingUpstream((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: {"n":1}\n\n');
      releaseStream = () => res.end('data: {"n":2}\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(binary);
  });
  app = await openBrowserApp({
    viewport: { width: 1280, height: 820 },
    chooseSaveFile: async ({ defaultName }) => {
      const path = join(app.dataDir, `${saved.length}-${defaultName}`);
      saved.push({ name: defaultName, path });
      return path;
    },
    before: async (services) => {
      const call = async (channel: string, payload?: unknown) => {
        const envelope = await services.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message} ${JSON.stringify(envelope.error.errors ?? [])}`);
      };
      await call('secrets:set', { name: 'consumer-alex', data: { password: CLIENT_PASSWORD } });
      await call('secrets:set', { name: 'billing-backend', data: { username: 'svc-user', password: BACKEND_PASSWORD } });
      await call('secrets:set', { name: 'erp-oauth', data: { clientId: 'erp-client', clientSecret: CLIENT_SECRET } });
      await call('secrets:set', { name: 'sap-basic', data: { username: 'sap-user', password: SAP_PASSWORD } });
      await call('workspace:save', {
        services: [
          { name: 'billing', pathPrefix: '/billing', upstream: { url: `${billing.url}/api` }, plugins: { 'basic-auth': {} }, endpointSecurity: { type: 'basic', secret: 'billing-backend' } },
          { name: 'erp', pathPrefix: '/erp', upstream: { url: erp.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } },
          { name: 'sap', pathPrefix: '/sap', upstream: { url: sap.url }, endpointSecurity: { type: 'basic', secret: 'sap-basic' }, csrf: { tokenEndpointUrl: sap.tokenUrl } },
          { name: 'files', pathPrefix: '/files', upstream: { url: files.url } },
          { name: 'flaky', pathPrefix: '/flaky', upstream: { url: flaky.url } },
        ],
        routes: [{ name: 'invoices', service: 'billing', path: '/invoices', methods: ['GET', 'POST'] }],
        applications: [{ name: 'shop', services: [{ id: '2f3b2a7e-1111-4c1e-9a0d-000000000002', name: 'orders', displayName: 'Orders API', entries: [{ type: 'API', targetUrl: `${files.url}/kyma-base` }] }] }],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }],
      });
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  releaseStream();
  await app?.close();
  flaky?.close();
  await Promise.all([billing?.close(), erp?.close(), idp?.close(), sap?.close(), files?.close()]);
});

const gatewayUrl = () => app.services.gatewayStatus().url!;

/** A client of the gateway (not the app): what the inspector records. */
async function client(path: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  const res = await request(`${gatewayUrl()}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body ?? null });
  // Read the whole body: dump() stops after 128 KiB and closes the connection, which cuts a larger download short.
  await res.body.arrayBuffer();
  return res.statusCode;
}

async function go(screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${screen}`) }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}

const rows = () => page.locator('.traffic-table tbody tr');
const row = (text: string | RegExp) => rows().filter({ hasText: text }).first();
const details = () => page.getByRole('complementary');

/** Opens a row's details; unless `streaming`, once the row says its exchange is complete (a slow one streams first). */
async function open(target: Locator, { streaming = false } = {}): Promise<string> {
  if (!streaming) await expect.poll(() => target.locator('td').last().textContent()).not.toBe('streaming');
  await target.click();
  await details().waitFor();
  return (await details().textContent()) ?? '';
}

/**
 * The details panel in light and dark, at 1280×820 and 900×600 (there also scrolled to the backend hop, which
 * sits below the client hop in a narrow window); each screenshot is looked at by a person.
 */
async function screenshots(name: string): Promise<void> {
  for (const [width, height] of [[1280, 820], [900, 600]] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await details().evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await app.screenshot(`traffic-${name}-${width}x${height}-${scheme}`);
      if (width === 900) {
        await details().getByRole('heading', { name: 'Gateway → backend' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await app.screenshot(`traffic-${name}-${width}x${height}-${scheme}-backend`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 820 });
}

describe('the traffic inspector', () => {
  it('records both hops of a Basic exchange: the client’s credentials and the injected ones by kind and user only', async () => {
    expect(await client('/billing/invoices?page=2', { method: 'POST', headers: { authorization: basic('alex', CLIENT_PASSWORD), 'content-type': 'application/json' }, body: '{"amount":42}' })).toBe(200);
    await go('Traffic');
    await row('/billing/invoices').waitFor();
    const cells = await row('/billing/invoices').locator('td').allTextContents();
    expect(cells.slice(2, 7)).toEqual(['POST', '/billing/invoices?page=2', 'billing', 'alex', '200']);
    const text = await open(row('/billing/invoices'));
    expect(text).toContain('Client → gateway');
    expect(text).toContain('Gateway → backend');
    expect(text).toContain(`${billing.url}/api/invoices?page=2`);
    expect(text).toContain('production');
    expect(text).toContain('Basic svc-user:••••••••');
    const requestHeaders = details().getByRole('region', { name: 'Request headers' });
    expect(await requestHeaders.textContent()).toContain('authorizationBasic alex:••••••••');
    expect(await details().getByRole('region', { name: 'Headers the backend received' }).textContent()).toContain("Basic svc-user:•••••••• (the endpoint's credentials)");
    expect(await details().getByLabel('Request body').textContent()).toBe('{\n  "amount": 42\n}');
    // The backend echoed the headers it got: the injected credential is masked in that body too (its scheme shown).
    const echoed = JSON.parse((await details().getByLabel('Response body').textContent()) ?? '{}') as { headers: Record<string, string> };
    expect(echoed.headers.authorization).toBe('Basic ••••••••');
    expect(echoed.headers['x-consumer-username']).toBe('alex');
    expect(await details().getByRole('group', { name: 'Timing' }).or(details().getByLabel('Timing')).textContent()).toMatch(/In the gateway.*Upstream to headers.*Total/);
    await screenshots('basic');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('shows an OAuth token fetched, then cached, then rejected: the one retry with its first and second status', async () => {
    expect(await client('/erp/orders')).toBe(200);
    expect(await client('/erp/orders/2')).toBe(200);
    idp.revokeAll();
    expect(await client('/erp/orders', { method: 'POST', body: '{"id":3}', headers: { 'content-type': 'application/json' } })).toBe(200);
    await expect.poll(() => rows().filter({ hasText: '/erp/' }).count()).toBe(3);
    expect(await open(row('/erp/orders/2'))).toMatch(/token from .*\/oauth\/token, cached, expires \d\d:\d\d:\d\d/);
    const text = await open(rows().filter({ hasText: 'POST' }).filter({ hasText: '/erp/orders' }).first());
    expect(text).toContain('Attempt 1: 401 Unauthorized');
    expect(text).toContain('a cached credential was rejected, dropped and the request sent once more');
    expect(text).toContain('Attempt 2: 200 OK');
    expect(text).toMatch(/Attempt 1: Bearer ••••••••\s+\(token from .*, cached, expires/);
    expect(text).toMatch(/Attempt 2: Bearer ••••••••\s+\(token from .*, fetched for this request in [\d.]+ ms, expires/);
    expect(text).toContain('Token fetch');
    expect(await rows().filter({ hasText: 'POST' }).filter({ hasText: '/erp/orders' }).first().textContent()).toContain('200 ↻');
    await screenshots('oauth-retry');
  });

  it('shows a CSRF token fetched, reused, and fetched again after the session ended', async () => {
    expect(await client('/sap/orders', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).toBe(200);
    expect(await client('/sap/orders/1', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).toBe(200);
    sap.rotate();
    expect(await client('/sap/orders/2', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).toBe(200);
    await expect.poll(() => rows().filter({ hasText: '/sap/' }).count()).toBe(3);
    expect(await open(row('/sap/orders/1'))).toContain(`CSRF token reused (with its session cookie) from ${sap.tokenUrl}`);
    const text = await open(row('/sap/orders/2'));
    expect(text).toContain('Attempt 1: 403 Forbidden');
    expect(text).toMatch(new RegExp(`CSRF token fetched from ${sap.tokenUrl.replace(/[.?]/g, '\\$&')} in [\\d.]+ ms`));
    expect(text).toContain('Basic sap-user:••••••••');
    expect(await details().getByRole('region', { name: 'Headers the backend received (attempt 2)' }).textContent()).toContain('x-csrf-token•••••••• (CSRF session)');
    await screenshots('csrf');
    await open(row('/sap/orders'));
  });

  it('shows a call whose connection the backend closed before answering, and the one sent again', async () => {
    expect(await client('/flaky/first')).toBe(200);
    expect(await client('/flaky/second')).toBe(200);
    await expect.poll(() => rows().filter({ hasText: '/flaky/' }).count()).toBe(2);
    expect(await row('/flaky/second').textContent()).toContain('200 ↻');
    const text = await open(row('/flaky/second'));
    expect(text).toContain('Attempt 1: no answer: the connection to the backend was closed or reset first, and the request, idempotent, was sent once more');
    expect(text).toContain('Attempt 2: 200 OK');
    expect(flaky.requests.map((r) => [r.connection, r.line])).toEqual([[0, 'GET /first HTTP/1.1'], [0, 'GET /second HTTP/1.1'], [1, 'GET /second HTTP/1.1']]);
    await app.screenshot('traffic-resent-1280x820-light');
  });

  it('shows a streamed response as it arrives, and a binary body as size and hex', async () => {
    const streaming = request(`${gatewayUrl()}/files/events`);
    const res = await streaming;
    const reader = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    expect((await reader.next()).value!.toString()).toBe('data: {"n":1}\n\n');
    await expect.poll(() => row('/files/events').textContent()).toContain('streaming');
    await open(row('/files/events'), { streaming: true });
    await expect.poll(() => details().getByLabel('Response body').textContent()).toBe('data: {"n":1}\n\n');
    expect(await details().textContent()).toContain('still arriving');
    releaseStream();
    expect((await reader.next()).value!.toString()).toBe('data: {"n":2}\n\n');
    await expect.poll(() => details().getByLabel('Response body').textContent()).toBe('data: {"n":1}\n\ndata: {"n":2}\n\n');
    await expect.poll(() => row('/files/events').textContent()).toMatch(/\d (ms|s)$/);

    expect(await client('/files/logo.bin')).toBe(200);
    await open(row('/files/logo.bin'));
    // The row may open on a snapshot taken while the download streamed; the final one replaces it.
    await expect.poll(() => details().textContent()).toContain('Binary first 256.0 KiB of 300.0 KiB');
    const hex = (await details().getByLabel('Response body, hex preview').textContent()) ?? '';
    expect(hex.split('\n')[0]).toBe(`00000000  ${[...binary.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}  ${[...binary.subarray(0, 16)].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')}`);
  });

  it('filters by status class, method, service or route, consumer and text; details close for a row the filter hides', async () => {
    expect(await client('/billing/invoices', { headers: { authorization: basic('alex', 'wrong-password-1') } })).toBe(401);
    await expect.poll(() => rows().filter({ hasText: '401' }).count()).toBe(1);
    await open(row('/billing/invoices?page=2'));
    await page.getByLabel('Status', { exact: true }).selectOption('4xx');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await details().count()).toBe(0);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Method', { exact: true }).selectOption('POST');
    await page.getByLabel('Service or route').selectOption('sap');
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('Service or route').selectOption('route:invoices');
    await page.getByLabel('Consumer').selectOption('alex');
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByRole('button', { name: 'Reset filters' }).click();
    await page.getByLabel('Filter', { exact: true }).fill('logo');
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByLabel('Filter', { exact: true }).fill('');
    expect(await page.locator('.traffic-counts').textContent()).toMatch(/^1\d requests kept$/);
  });

  it('pauses and resumes capture', async () => {
    const before = await rows().count();
    await page.getByRole('button', { name: 'Pause capture' }).click();
    await page.getByText('Capture paused').waitFor();
    expect(await client('/files/while-paused')).toBe(200);
    await page.getByRole('button', { name: 'Resume capture' }).click();
    expect(await client('/files/after-resume')).toBe(200);
    await row('/files/after-resume').waitFor();
    expect(await rows().count()).toBe(before + 1);
    expect(await row('/files/while-paused').count()).toBe(0);
  });

  it('copies curl as the client sent it and as the backend received it, credentials as placeholders', async () => {
    await open(row('/billing/invoices?page=2'));
    await details().getByRole('button', { name: 'Copy as curl (client)' }).click();
    const box = details().locator('#traffic-curl');
    expect(await box.inputValue()).toBe(`curl -i -X POST -u 'alex' -H 'content-type: application/json' --data-raw '{"amount":42}' '${gatewayUrl()}/billing/invoices?page=2'`);
    await details().getByRole('button', { name: 'Copy as curl (backend)' }).click();
    await expect.poll(() => box.inputValue()).toMatch(new RegExp(`^curl -i -X POST -u 'svc-user' -H 'content-type: application/json' .*--data-raw '\\{"amount":42\\}' '${billing.url}/api/invoices\\?page=2'$`));
    expect(await box.inputValue()).toContain("-H 'x-consumer-username: alex'");
    await open(rows().filter({ hasText: 'POST' }).filter({ hasText: '/erp/orders' }).first());
    await details().getByRole('button', { name: 'Copy as curl (backend)' }).click();
    await expect.poll(() => details().locator('#traffic-curl').inputValue()).toMatch(/^# Credentials are not copied: set \$AUTHORIZATION first\.\ncurl -i -X POST .*-H 'authorization: Bearer '"\$AUTHORIZATION"/);
  });

  it('opens a row in Try it; Try it sends it (Ctrl+Enter) once the password is entered', async () => {
    await open(row('/billing/invoices?page=2'));
    await details().getByRole('button', { name: 'Open in Try it' }).click();
    await page.getByRole('heading', { level: 1, name: 'Try it' }).waitFor();
    expect(await page.getByText('Opened from Traffic').textContent()).toContain('Enter the password');
    expect(await page.getByLabel('Method', { exact: true }).inputValue()).toBe('POST');
    expect(await page.getByLabel('Path', { exact: true }).inputValue()).toBe('/billing/invoices');
    expect(await page.getByLabel('Parameter value 1 (page)').inputValue()).toBe('2');
    expect(await page.getByLabel('Body', { exact: true }).inputValue()).toBe('{"amount":42}');
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe('alex');
    await page.getByLabel('Password', { exact: true }).fill(CLIENT_PASSWORD);
    await page.getByLabel('Body', { exact: true }).press('Control+Enter');
    await expect.poll(() => page.getByTestId('response-status').textContent()).toBe('200 OK');
    expect(await page.getByTestId('response-meta').textContent()).toMatch(/POST \/billing\/invoices\?page=2 · [\d.]+ ms · [\d.]+ (B|KiB)/);
    await page.getByRole('button', { name: 'Raw' }).click();
    expect(await page.getByLabel('Response body').textContent()).toMatch(/^\{"method":"POST"/);
    await page.getByRole('button', { name: 'Pretty' }).click();
    expect(await page.getByLabel('Response body').textContent()).toMatch(/^\{\n {2}"method": "POST"/);
    // The backend echoed the headers it got: the credential the gateway added is masked, as Traffic shows it.
    const echoed = JSON.parse((await page.getByLabel('Response body').textContent()) ?? '{}') as { headers: Record<string, string> };
    expect(echoed.headers.authorization).toBe('Basic ••••••••');
    expect(await page.getByText('Not masked:').count()).toBe(0);
    await app.screenshot('tryit-echo-masked-1280x820-light');
    expect(await page.getByRole('region', { name: 'History' }).textContent()).toContain('POST /billing/invoices?page=2200');
  });

  it('Try it reaches a service without routes, saves a binary body through main, and keeps the password across screens', async () => {
    await page.getByLabel('Start from a route or service').selectOption('service:files');
    await page.getByLabel('Path', { exact: true }).fill('/files/logo.bin');
    await page.getByLabel('Method', { exact: true }).selectOption('GET');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByTestId('response-meta').textContent()).toContain('GET /files/logo.bin');
    expect(await page.getByTestId('response-status').textContent()).toBe('200 OK');
    expect(await page.getByTestId('response-meta').textContent()).toContain('300.0 KiB');
    await page.getByRole('button', { name: 'Save body…' }).click();
    await page.getByText(/^Saved 300\.0 KiB to /).waitFor();
    expect((await readFile(saved.at(-1)!.path)).equals(binary)).toBe(true);

    // A Kyma application's service, under /{application}/{service}: the inspector shows the joined backend URL.
    await page.getByLabel('Start from a route or service').selectOption('kyma:shop/orders');
    expect(await page.getByLabel('Path', { exact: true }).inputValue()).toBe('/shop/orders-api/');
    await page.getByLabel('Path', { exact: true }).fill('/shop/orders-api/items');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByTestId('response-meta').textContent()).toContain('/shop/orders-api/items');
    expect(await page.getByTestId('response-status').textContent()).toBe('200 OK');
    expect(files.requests.at(-1)!.url).toBe('/kyma-base/items');

    await go('Secrets');
    await go('Try it');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe(CLIENT_PASSWORD);
    await app.screenshot('tryit-history-1280x820-light');
  });

  it('exports HAR 1.2: all rows with credentials masked, or selected rows with credentials after a warning', async () => {
    await go('Traffic');
    expect(await open(row('/shop/orders-api/items'))).toContain(`${files.url}/kyma-base/items`);
    expect(await row('/shop/orders-api/items').locator('td').nth(4).textContent()).toBe('shop/orders');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Export HAR…' }).click();
    await page.getByRole('button', { name: 'Export…', exact: true }).click();
    await page.getByText(/^Exported \d+ requests to .* \(credentials masked\)\.$/).waitFor();
    const masked = await readFile(saved.at(-1)!.path, 'utf8');
    const har = JSON.parse(masked) as { log: { entries: unknown[] } };
    expect(harProblems(har)).toEqual([]);
    expect(har.log.entries.length).toBe(await rows().count());
    for (const secret of [CLIENT_PASSWORD, BACKEND_PASSWORD, CLIENT_SECRET, SAP_PASSWORD, basic('alex', CLIENT_PASSWORD).slice(6), basic('svc-user', BACKEND_PASSWORD).slice(6), ...idp.issued(), ...sap.issuedTokens()]) expect(masked).not.toContain(secret);

    await row('/billing/invoices?page=2').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Export HAR…' }).click();
    await page.getByLabel(/^Selected rows \(1\)/).check();
    await page.getByLabel('Include credentials').check();
    expect(await page.getByRole('alert').textContent()).toContain('will hold passwords, tokens and cookies in plain text');
    await app.screenshot('traffic-export-credentials-1280x820-light');
    await page.getByRole('button', { name: 'Export with credentials…' }).click();
    await page.getByText(/^Exported 1 request to .* with credentials: keep this file private\.$/).waitFor();
    const withCredentials = JSON.parse(await readFile(saved.at(-1)!.path, 'utf8')) as { log: { entries: { request: { headers: { name: string; value: string }[] }; _gatehouse: { upstream: { attempts: { headers: { name: string; value: string }[] }[] } } }[] } };
    expect(harProblems(withCredentials)).toEqual([]);
    expect(withCredentials.log.entries).toHaveLength(1);
    expect(withCredentials.log.entries[0]!.request.headers).toContainEqual({ name: 'authorization', value: basic('alex', CLIENT_PASSWORD) });
    expect(withCredentials.log.entries[0]!._gatehouse.upstream.attempts[0]!.headers).toContainEqual({ name: 'authorization', value: basic('svc-user', BACKEND_PASSWORD) });
  });

  it('at 900×600 a row’s details scroll into view, the latency column stays on one line, and Escape closes the details', async () => {
    await page.setViewportSize({ width: 900, height: 600 });
    // Every column fits: the list does not scroll sideways, and the latency column ends inside the window.
    const wrap = page.locator('.traffic-list');
    await expect.poll(() => wrap.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
    expect((await page.locator('.traffic-table thead th').last().boundingBox())!.x + 40).toBeLessThan(900);
    await app.screenshot('traffic-list-900x600-light');
    await open(row('/billing/invoices?page=2'));
    await expect.poll(async () => {
      const box = await details().boundingBox();
      return box !== null && box.y < 600 && box.y + 40 > 0;
    }).toBe(true);
    const latency = row('/billing/invoices?page=2').locator('td').last();
    // One line box for the text: "13.1 ms" is not wrapped to "13.1 / ms".
    const lines = await latency.evaluate((td) => {
      const range = td.ownerDocument.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(lines).toBe(1);
    expect(await latency.textContent()).toMatch(/^[\d.]+ (ms|s)$/);
    await app.screenshot('traffic-details-opened-900x600-light');
    await page.keyboard.press('Escape');
    await expect.poll(() => details().count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 820 });
  });

  it('Clear asks first; cancelling keeps the log', async () => {
    const before = await rows().count();
    await page.getByRole('button', { name: 'Clear…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain(`removes all ${before} captured requests`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await rows().count()).toBe(before);
    await page.getByRole('button', { name: 'Clear…' }).click();
    await dialog.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByText('No requests yet.').waitFor();
  });

  it('shows a masked query value in the Path column as the details show it, not percent-encoded', async () => {
    expect(await client('/files/report?token=tok-9f2c-4410&name=a%20b')).toBe(200);
    const shown = row('/files/report');
    await shown.waitFor();
    const cell = await shown.locator('td').nth(3).textContent();
    expect(cell).toBe('/files/report?token=••••••••&name=a b');
    expect(await open(shown)).toContain(`GET ${cell} HTTP/1.1`);
    await page.keyboard.press('Escape');
  });

  it('Open in Try it leaves no answer of another request on screen', async () => {
    await go('Try it');
    await page.getByTestId('response-status').waitFor();
    await go('Traffic');
    await open(row('/files/report'));
    await details().getByRole('button', { name: 'Open in Try it' }).click();
    await page.getByRole('heading', { level: 1, name: 'Try it' }).waitFor();
    expect(await page.getByLabel('Path', { exact: true }).inputValue()).toBe('/files/report');
    expect(await page.getByTestId('response-status').count()).toBe(0);
    await app.screenshot('tryit-opened-from-traffic-1280x820-light');
  });

  it('gave the page no secret in any event or answer', () => {
    // Try it's answers too: this echo backend sends back the credential the gateway gave it, which Try it shows
    // masked, as the inspector does.
    const scanned = app.responses;
    expect(app.responses.some((r) => r.channel === 'traffic:get')).toBe(true);
    expect(app.responses.some((r) => r.channel === 'tryit:send')).toBe(true);
    const pushed = JSON.stringify({ events: app.events, responses: scanned });
    const secrets = [
      CLIENT_PASSWORD, BACKEND_PASSWORD, CLIENT_SECRET, SAP_PASSWORD, 'wrong-password-1',
      basic('alex', CLIENT_PASSWORD).slice(6), basic('svc-user', BACKEND_PASSWORD).slice(6), basic('sap-user', SAP_PASSWORD).slice(6), basic('alex', 'wrong-password-1').slice(6),
      ...idp.issued(), ...sap.issuedTokens(),
    ];
    expect(idp.issued().length).toBeGreaterThanOrEqual(2);
    expect(sap.issuedTokens().length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) expect(pushed, secret).not.toContain(secret);
    // Bodies cross base64-encoded: decode every one the page got and scan it too.
    const bodies: string[] = [];
    JSON.stringify(scanned, (key, value: unknown) => {
      if (key === 'base64' && typeof value === 'string') bodies.push(Buffer.from(value, 'base64').toString('latin1'));
      return value;
    });
    // The scan below covers the bodies that could carry a secret: the billing request's own body, and the echo
    // backend's answer listing the headers it got, the injected credential among them (masked).
    expect(bodies, 'the billing request body').toContain('{"amount":42}');
    const maskedEcho = Buffer.from('"authorization":"Basic ••••••••"', 'utf8').toString('latin1'); // decoded as the bodies are
    expect(bodies.some((b) => b.includes('"url":"/api/invoices?page=2"') && b.includes(maskedEcho)), 'the echoed, masked credential').toBe(true);
    for (const secret of secrets) expect(bodies.join('\n'), secret).not.toContain(secret);
  });

  it('kept to the CSP: no violation, no console error, no request outside the local server', () => {
    expect(app.cspViolations).toEqual([]);
    expect(app.consoleProblems).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
