// Every screen the app's forms live on, at 1280×820 and 900×600, light and dark: nothing is wider than the
// window, a form's action bar is in view, and the left-out state shows in the status bar. Screenshots of each
// land in test-results/screenshots to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBrowserApp, SCREENSHOT_DIR, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    before: async (services) => {
      const envelope = await services.dispatch('workspace:save', {
        services: [
          { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } },
          { name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } },
        ],
        routes: [{ name: 'json', service: 'basic-auth-app', path: '/json', methods: ['GET'] }],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }],
        applications: [{ name: 'commerce', namespace: 'kyma-integration', services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'orders', displayName: 'Orders', description: 'Orders API', providerDisplayName: 'ACME', entries: [{ targetUrl: upstream.url, credentials: { type: 'Basic', secretName: 'orders-basic' } }] }] }],
      });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  await app.page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const SIZES = [{ width: 1280, height: 820 }, { width: 900, height: 600 }] as const;
const SCHEMES = ['light', 'dark'] as const;

async function visit(page: Page, screen: RegExp, open?: (page: Page) => Promise<void>): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();
  await open?.(page);
}

const STOPS: { name: string; screen: RegExp; open?: (page: Page) => Promise<void>; form?: boolean }[] = [
  { name: 'service', screen: /^Services/, form: true, open: async (p) => void (await p.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^erp/ }).click()) },
  { name: 'route', screen: /^Services/, form: true, open: async (p) => void (await p.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^json/ }).click()) },
  { name: 'kyma', screen: /^Services/, form: true, open: async (p) => void (await p.getByRole('button', { name: /^commerce/ }).click()) },
  // The same form scrolled to a service's credentials, typed in with it.
  { name: 'kyma-credentials', screen: /^Services/, form: true, open: async (p) => {
    await p.getByRole('button', { name: /^commerce/ }).click();
    await p.getByRole('group', { name: 'Orders' }).getByLabel('Password', { exact: true }).scrollIntoViewIfNeeded();
  } },
  { name: 'consumer', screen: /^Consumers/, form: true, open: async (p) => void (await p.getByRole('region', { name: 'Consumer list' }).getByRole('button', { name: /^alex/ }).click()) },
  { name: 'secret-new', screen: /^Secrets/, form: true, open: async (p) => void (await p.getByRole('button', { name: 'New secret' }).click()) },
  { name: 'import', screen: /^Import/ },
];

describe('screens at two sizes, light and dark', () => {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      it(`${size.width}×${size.height} ${scheme}`, async () => {
        const page = await app.openPage({ colorScheme: scheme });
        await page.setViewportSize(size);
        await page.locator('footer.status-bar').getByText('Running with 3 items left out').waitFor();
        for (const stop of STOPS) {
          await visit(page, stop.screen, stop.open);
          if (stop.form) {
            const bar = page.locator('.editor > .form-actions').first();
            await bar.waitFor();
            const box = (await bar.boundingBox())!;
            expect(box.y + box.height, stop.name).toBeLessThanOrEqual(size.height);
          }
          const overflow = await page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth');
          expect(overflow, stop.name).toBe(0);
          await mkdir(SCREENSHOT_DIR, { recursive: true });
          await page.screenshot({ path: join(SCREENSHOT_DIR, `40-${stop.name}-${size.width}x${size.height}-${scheme}.png`) });
        }
        await page.close();
      });
    }
  }
});
