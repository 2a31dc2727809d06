// The APISIX basic-auth walkthrough (shared seed 001), done by hand in the real renderer in
// Chromium, against the real main side (store, vault, forked gateway) and a real recording upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let upstream: RecordingUpstream;
let page: Page;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp();
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

async function go(screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${screen}`) }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}

/** Clicks Send and waits for the answer: the button reads "Sending…" until the response is shown. */
async function send(): Promise<string> {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
  return (await page.getByTestId('response-status').textContent()) ?? '';
}

describe('APISIX basic-auth walkthrough in the GUI', () => {
  it('creates service basic-auth-app (/v1 → the upstream) and route json (/json, exact, GET)', async () => {
    await go('Services & routes');
    await app.screenshot('01-services-empty');
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('basic-auth-app');
    await page.getByLabel('Path prefix', { exact: true }).fill('/v1');
    await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service basic-auth-app saved.').waitFor();

    await page.getByRole('button', { name: '+ Add route to basic-auth-app' }).click();
    await page.getByLabel('Name', { exact: true }).fill('json');
    await page.getByLabel('Path', { exact: true }).fill('/json');
    await page.getByLabel('Exact path').check();
    await page.getByRole('checkbox', { name: 'GET', exact: true }).check();
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.getByText('Route json saved.').waitFor();

    const saved = await app.call<{ workspace: { services: unknown[]; routes: unknown[] } }>('workspace:get');
    expect(saved.workspace.services).toMatchObject([{ name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url }, stripPrefix: true }]);
    expect(saved.workspace.routes).toMatchObject([{ name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'] }]);
  });

  it('shows field errors from the schema next to their fields and saves nothing', async () => {
    await page.getByRole('button', { name: /^basic-auth-app/ }).click();
    await page.getByLabel('Upstream URL', { exact: true }).fill('ftp://example.com');
    await page.getByRole('button', { name: 'Save service' }).click();
    const url = page.getByLabel('Upstream URL', { exact: true });
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toContain('an http:// or https:// URL');
    await app.screenshot('02-service-validation-error');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await url.inputValue()).toBe(upstream.url);
  });

  it('turns on basic auth for route json; Try it gets 401 with WWW-Authenticate', async () => {
    await page.getByRole('button', { name: /^json/ }).click();
    await page.getByLabel('On for this route').check();
    await expect.poll(() => page.getByLabel('Realm', { exact: true }).inputValue()).toBe('.');
    await app.screenshot('03-route-basic-auth');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.getByText('Route json saved.').waitFor();

    await go('Try it');
    await page.getByLabel('Start from a route').selectOption({ label: 'json: GET /v1/json' });
    expect(await page.getByLabel('Path', { exact: true }).inputValue()).toBe('/v1/json');
    expect(await send()).toContain('401');
    const row = page.getByRole('row', { name: /www-authenticate/ });
    expect(await row.textContent()).toContain('Basic realm=".", charset="UTF-8"');
    expect(await page.getByLabel('Response body').textContent()).toContain('Missing authorization in request');
    expect(upstream.requests).toHaveLength(0);
    await app.screenshot('04-tryit-401');
  });

  it('adds consumer alex with password 123456: the password goes to the vault, the workspace keeps a reference', async () => {
    await go('Consumers');
    await page.getByRole('button', { name: 'New consumer' }).click();
    await page.getByLabel('Username', { exact: true }).fill('alex');
    const password = page.getByLabel('Password', { exact: true });
    await password.fill('123456');
    expect(await password.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await password.getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await page.locator('.strength').textContent()).toMatch(/^Weak/);
    await app.screenshot('05-consumer-new');
    await page.getByRole('button', { name: 'Save consumer' }).click();
    await page.getByText('Consumer alex saved; the password is in the vault.').waitFor();
    expect(await page.getByRole('region', { name: 'Accepted on' }).or(page.locator('section[aria-labelledby="consumer-accepted-title"]')).textContent()).toContain('GET /v1/json');
    await app.screenshot('06-consumer-saved');

    const saved = await app.call<{ workspace: { consumers: unknown[] } }>('workspace:get');
    expect(saved.workspace.consumers).toEqual([{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }]);
    expect(await app.call('secrets:reveal', { name: 'consumer-alex', key: 'password' })).toEqual({ value: '123456' });
    for (const file of await readdir(app.dataDir, { recursive: true })) {
      const text = await readFile(join(app.dataDir, file), 'utf8').catch(() => '');
      expect(text, file).not.toContain('123456');
    }
  });

  it('Try it with alex:123456 gets 200 and the upstream JSON; the upstream sees X-Consumer-Username', async () => {
    await go('Try it');
    await page.getByLabel('Username', { exact: true }).fill('alex');
    await page.getByLabel('Password', { exact: true }).fill('123456');
    expect(await send()).toContain('200');
    const body = JSON.parse((await page.getByLabel('Response body').textContent()) ?? '{}') as { url: string; headers: Record<string, string> };
    expect(body.url).toBe('/json');
    expect(body.headers['x-consumer-username']).toBe('alex');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.url).toBe('/json');
    expect(upstream.requests[0]!.headers['x-consumer-username']).toBe('alex');
    expect(upstream.requests[0]!.headers['x-credential-identifier']).toBe('alex');
    await app.screenshot('07-tryit-200');
  });

  it('Copy as curl leaves the password out unless asked', async () => {
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const curl = page.locator('#tryit-curl');
    await curl.waitFor();
    const text = await curl.inputValue();
    expect(text).toContain("-u 'alex'");
    expect(text).toMatch(/'http:\/\/127\.0\.0\.1:\d+\/v1\/json'$/);
    expect(text).not.toContain('123456');
    await page.getByLabel('Include credentials in curl').check();
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect.poll(() => curl.inputValue()).toContain("-u 'alex:123456'");
    await page.getByLabel('Include credentials in curl').uncheck();
  });

  it('a wrong password gets 401 again', async () => {
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    expect(await send()).toContain('401');
    expect(await page.getByLabel('Response body').textContent()).toContain('Invalid user authorization');
    expect(upstream.requests).toHaveLength(1);
  });

  it('Traffic lists the requests; Enter on a row opens its details', async () => {
    await go('Traffic');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const ok = page.locator('tbody tr', { hasText: '200' }).first();
    await ok.focus();
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: /GET/ });
    await details.waitFor();
    const text = (await details.textContent()) ?? '';
    expect(text).toContain('Consumeralex');
    expect(text).toContain('Routejson');
    expect(text).toContain('Servicebasic-auth-app');
    const requestHeaders = details.getByRole('region', { name: 'Request headers' });
    expect(await requestHeaders.textContent()).toContain('authorizationBasic alex:••••••••');
    expect(await details.getByRole('region', { name: 'Response headers' }).textContent()).toContain('content-type');
    expect(text).not.toContain('123456');
    expect(text).not.toContain(Buffer.from('alex:123456').toString('base64'));
    await app.screenshot('08-traffic-details');
  });

  it('Secrets shows consumer-alex masked, reveals it on demand and says who uses it', async () => {
    await go('Secrets');
    await page.getByRole('button', { name: /^consumer-alex/ }).click();
    const value = page.getByLabel('password of consumer-alex, hidden');
    expect(await value.textContent()).toBe('••••••••');
    expect(await page.locator('section[aria-labelledby="secret-uses-title"]').textContent()).toContain('consumer alex');
    await app.screenshot('09-secrets-masked');
    await page.getByRole('button', { name: 'Reveal password of consumer-alex' }).click();
    expect(await page.getByLabel('password of consumer-alex, revealed').textContent()).toBe('123456');
    await page.getByRole('button', { name: 'Hide password of consumer-alex' }).click();
    await page.getByLabel('password of consumer-alex, hidden').waitFor();
  });

  it('reads well in dark mode too', async () => {
    await go('Try it');
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(21, 23, 27)');
    await app.screenshot('10-tryit-dark');
    await go('Services & routes');
    await page.getByRole('button', { name: /^json/ }).click();
    await app.screenshot('11-route-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('pushed no secret to the page in any event: exchange rows and gateway status hold none', () => {
    expect(app.events.filter((e) => e.event === 'exchanges').length).toBeGreaterThanOrEqual(3);
    // Main pushes only what the page listens for: no log line per request (the Traffic screen reads exchanges).
    expect(app.events.filter((e) => (e.event as string) === 'traffic')).toEqual([]);
    const pushed = JSON.stringify(app.events);
    for (const secret of ['123456', Buffer.from('alex:123456').toString('base64'), 'wrong-password']) expect(pushed).not.toContain(secret);
  });

  it('kept to the CSP: no violation, no console error, no request outside the local server', () => {
    expect(app.cspViolations).toEqual([]);
    expect(app.consoleProblems).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
