// Issue 14 §1 "Saved is not running, and nothing says so", against the real services: a service whose backend
// secret was never entered is saved; the gateway serves everything else and leaves only that service out, and
// the app says so everywhere the user looks (the save message in view, the list, the form, the status bar),
// with the way to the fix (enter the secret), after which the status bar is green again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({ viewport: { width: 900, height: 600 } });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.call('secrets:delete', { name: 'backend-creds' }).catch(() => undefined);
  await app?.close();
  await upstream?.close();
});

const production = () => page.getByRole('group', { name: 'Production endpoint' });
const statusBar = () => page.locator('footer.status-bar');
const list = () => page.getByRole('region', { name: 'Service and route list' });

/** The element is inside the window, not below the fold. */
async function inView(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= viewport.height;
}

async function newService(name: string, prefix: string): Promise<void> {
  await page.getByRole('button', { name: 'New service' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Path prefix', { exact: true }).fill(prefix);
  await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
}

describe('a saved workspace the gateway serves only in part', () => {
  it('says "Saved, not served" in view, marks the service, and the status bar is not green', async () => {
    await newService('backend', '/backend');
    await production().getByLabel('Authentication to the backend').selectOption('basic');
    await production().getByLabel('Secret name').fill('backend-creds');
    await page.getByRole('button', { name: 'Save service' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Saved, not served' });
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Saved, not served: service backend: secret backend-creds is not in the vault — enter it. Everything else is served.');
    expect(await inView(notice)).toBe(true);
    await app.screenshot('30-saved-not-served-900x600');

    await statusBar().getByText('Running with 1 item left out').waitFor();
    expect(await statusBar().textContent()).toContain('service backend: secret backend-creds is not in the vault — enter it');
    expect(await statusBar().locator('.status-dot').getAttribute('class')).not.toContain('status-running');
    expect(await list().getByRole('button', { name: /^backend/ }).getByText('not served').count()).toBe(1);
    expect(await page.getByRole('note').textContent()).toContain('Not served: secret backend-creds is not in the vault — enter it.');
  });

  it('serves every other item: a route added to another service answers', async () => {
    await newService('open', '/open');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service open saved.').waitFor();
    await list().getByRole('button', { name: '+ Add route to open' }).click();
    await page.getByLabel('Name', { exact: true }).fill('anything');
    await page.getByLabel('Path', { exact: true }).fill('/anything');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.getByText('Route anything saved.').waitFor();
    const served = await app.call<{ status: number }>('tryit:send', { method: 'GET', path: '/open/anything', headers: [] });
    expect(served.status).toBe(200);
    const leftOut = await app.call<{ status: number; body: { base64: string } }>('tryit:send', { method: 'GET', path: '/backend/x', headers: [] });
    expect(leftOut.status).toBe(503);
    expect(Buffer.from(leftOut.body.base64, 'base64').toString('utf8')).toContain('Service backend is not served');
  });

  it('Try it and Traffic say that the gateway leaves an item out, with the way to the fix', async () => {
    const screens = page.getByRole('navigation', { name: 'Screens' });
    for (const screen of [/^Try it/, /^Traffic/]) {
      await screens.getByRole('button', { name: screen }).click();
      const banner = page.getByRole('region', { name: 'Served configuration' });
      await banner.waitFor();
      expect(await banner.textContent()).toContain('service backend: secret backend-creds is not in the vault');
      expect(await banner.getByRole('button', { name: 'Enter secret backend-creds' }).count()).toBe(1);
    }
    await app.screenshot('31-traffic-served-banner-900x600');
    await screens.getByRole('button', { name: /^Services/ }).click();
  });

  it('leads to the fix: entering the secret from the status bar serves the service, and the bar is green', async () => {
    await statusBar().getByRole('button', { name: 'Enter secret backend-creds' }).click();
    await page.getByRole('heading', { name: 'New secret' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('backend-creds');
    await page.getByLabel('Value 1 (username)').fill('svc-user');
    await page.getByLabel('Value 2 (password)').fill('svc-pass-123');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Services/ }).click();
    await statusBar().locator('.status-dot.status-running').waitFor();
    expect(await statusBar().getByRole('status').textContent()).not.toContain('left out');
    expect(await list().getByText('not served').count()).toBe(0);
    const now = await app.call<{ status: number }>('tryit:send', { method: 'GET', path: '/backend/x', headers: [] });
    expect(now.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('svc-user:svc-pass-123').toString('base64')}`);
  });
});
