// A gateway that could not start (its workspace names an address that is not this machine's, TEST-NET-1), against
// the real services: what the window says when it cannot send or apply names the cause, not only the state, and the
// status bar shows that cause whole in a narrow window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { clippedParts } from '../support/clipped-parts';

const CAUSE = "cannot listen on 192.0.2.1 port 0: the address is not one of this machine's (EADDRNOTAVAIL)";
let app: BrowserApp;
let page: Page;

beforeAll(async () => {
  app = await openBrowserApp({
    viewport: { width: 900, height: 600 },
    async before(services) {
      const envelope = await services.dispatch('workspace:save', { gateway: { host: '192.0.2.1' }, services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: 'http://127.0.0.1:1' } }] });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Failed').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(() => app?.close());

const screens = () => page.getByRole('navigation', { name: 'Screens' });

describe('the gateway could not start', () => {
  it('Try it says it sent nothing because the gateway could not start, and why', async () => {
    await screens().getByRole('button', { name: /^Try it/ }).click();
    await page.getByLabel('Path', { exact: true }).fill('/erp/x');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not sent' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(`Not sent: the gateway could not start: ${CAUSE}`);
  });

  it('a save says it was not applied because the gateway could not start, and why', async () => {
    await screens().getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('crm');
    await page.getByLabel('Path prefix', { exact: true }).fill('/crm');
    await page.getByLabel('Upstream URL', { exact: true }).fill('http://127.0.0.1:1');
    await page.getByRole('button', { name: 'Save service' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Saved, not applied' });
    await notice.waitFor();
    expect(await notice.textContent()).toBe(`Saved, not applied yet: the gateway could not start: ${CAUSE}.`);
    await app.screenshot('33-saved-gateway-down-900x600');
  });
});

describe('at 800×600', () => {
  it('the status bar shows the whole cause, not cut off mid-word', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    const bar = page.locator('footer.status-bar');
    const error = bar.getByText(/^Last error:/);
    expect(await error.textContent()).toBe(`Last error: ${CAUSE}`);
    expect(await clippedParts(bar)).toEqual([]);
    expect(await bar.getByRole('button', { name: 'Restart gateway' }).isVisible()).toBe(true);
    await app.screenshot('34-status-bar-gateway-down-800x600');
  });
});
