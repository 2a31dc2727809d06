// A save the gateway serves only in part, while another item is left out already, against the real services:
// the save's message names that item too instead of saying everything else is served, and names the saved
// item once (the gateway's message starts with it as well).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { clippedParts } from '../support/clipped-parts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 900, height: 600 },
    async before(services) {
      await services.dispatch('secrets:set', { name: 'plain-ca', data: { 'ca.crt': 'not a certificate' } });
      await services.dispatch('workspace:save', { services: [{ name: 'missing', pathPrefix: '/missing', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'missing-creds' } }] });
    },
  });
  page = app.page;
  await page.getByText('Running with 1 item left out').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

it('names the item left out before instead of saying everything else is served, and the saved one once', async () => {
  await page.getByRole('button', { name: 'New service' }).click();
  await page.getByLabel('Name', { exact: true }).fill('plain');
  await page.getByLabel('Path prefix', { exact: true }).fill('/plain');
  // https: a custom CA has no effect on plain http, and the form says so. Nothing is called: compiling fails first.
  await page.getByLabel('Upstream URL', { exact: true }).fill('https://plain.example.com');
  const production = page.getByRole('group', { name: 'Production endpoint' });
  await production.getByRole('radio', { name: 'Custom CA' }).check();
  await production.getByLabel('CA secret').fill('plain-ca');
  await page.getByRole('button', { name: 'Save service' }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'Saved, not served' });
  await notice.waitFor();
  await app.screenshot('32-saved-not-served-beside-another-900x600');

  const status = await app.call<{ served: { leftOut: { name: string }[] } }>('gateway:status');
  expect(status.served.leftOut.map((i) => i.name).sort()).toEqual(['missing', 'plain']);
  const text = await notice.textContent();
  expect(text).toMatch(/^Saved, not served: service plain: secret "plain-ca" /);
  expect(text).not.toContain('service "plain"');
  expect(text).not.toContain('Everything else is served');
  expect(text).toMatch(/\. Also left out: service missing: secret missing-creds is not in the vault — enter it\.$/);
  await page.locator('footer.status-bar').getByText('Running with 2 items left out').waitFor();
});

it('at 800×600 the status bar shows the reason and the fix button whole', async () => {
  await page.setViewportSize({ width: 800, height: 600 });
  const bar = page.locator('footer.status-bar');
  await bar.getByText('Running with 2 items left out').waitFor();
  expect(await clippedParts(bar)).toEqual([]);
  expect(await bar.getByRole('button', { name: /^Enter secret missing-creds$|^Fix secret plain-ca$/ }).isVisible()).toBe(true);
  await app.screenshot('35-status-bar-left-out-800x600');
});
