// Accessibility and keyboard use of the real renderer in Chromium: axe-core on every screen (light and
// dark), sidebar keyboard navigation, the unsaved-changes dialog, and `beforeunload` on a dirty form.
// axe runs through page.evaluate (see runAxe), so these pages keep the app's CSP (no bypassCSP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    before: async (services) => {
      const call = async (channel: string, payload?: unknown) => {
        const envelope = await services.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(envelope.error.message);
      };
      await call('secrets:set', { name: 'consumer-alex', data: { password: 'correct horse battery staple' } });
      await call('secrets:set', { name: 'backend-creds', data: { username: 'admin', password: 'admin' } });
      await call('workspace:save', {
        services: [
          { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm: 'api' } }, endpointSecurity: { type: 'basic', secret: 'backend-creds' } },
          { name: 'cluster-app', pathPrefix: '/k8s', upstream: { serviceInfo: { name: 'orders', namespace: 'shop', port: 8080 } } },
        ],
        routes: [
          { name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'] },
          { name: 'open', service: 'basic-auth-app', path: '/open', plugins: { 'basic-auth': { enabled: false } } },
        ],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }, { username: 'guest' }],
      });
    },
  });
  await app.page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

async function go(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${screen}`) }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}

/** Each screen with something selected, so its form or details are on the page too. */
const VISITS: { screen: string; open?: (page: Page) => Promise<void> }[] = [
  { screen: 'Services & routes', open: (p) => p.getByRole('button', { name: /^basic-auth-app/ }).click() },
  { screen: 'Services & routes', open: (p) => p.getByRole('button', { name: /^json/ }).click() },
  { screen: 'Services & routes', open: (p) => p.getByRole('button', { name: /^cluster-app/ }).click() },
  { screen: 'Consumers', open: (p) => p.getByRole('button', { name: /^alex/ }).click() },
  { screen: 'Secrets', open: (p) => p.getByRole('button', { name: /^consumer-alex/ }).click() },
  { screen: 'Try it' },
  { screen: 'Traffic' },
  { screen: 'Import' },
  { screen: 'Cluster' },
];

describe('accessibility (axe-core)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical violations on any screen (${scheme})`, async () => {
      const page = app.page;
      await page.emulateMedia({ colorScheme: scheme });
      const found: string[] = [];
      for (const visit of VISITS) {
        await go(page, visit.screen);
        await visit.open?.(page);
        found.push(...seriousViolations(await runAxe(page)).map((v) => `${visit.screen}: ${v}`));
      }
      await page.emulateMedia({ colorScheme: 'light' });
      expect(found).toEqual([]);
    }, 60_000);
  }

  it('shows a form with errors accessibly too', async () => {
    const page = app.page;
    await go(page, 'Services & routes');
    await page.getByRole('button', { name: /^cluster-app/ }).click();
    await page.getByLabel('Port', { exact: true }).fill('http');
    await page.getByLabel('Namespace', { exact: true }).fill('-bad-');
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => page.getByLabel('Port', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // The schema's union error is narrowed to the Kubernetes fields it is about.
    expect(await page.locator('#service-k8s-namespace-error').textContent()).toContain('letters, digits');
    expect(await page.locator('#service-k8s-port-error').textContent()).toContain('number');
    await app.screenshot('12-service-k8s-errors');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });
});

describe('keyboard and unsaved changes', () => {
  it('moves through the sidebar with the arrow keys and focuses the screen title', async () => {
    const page = app.page;
    await go(page, 'Services & routes');
    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('button', { name: /^Services & routes/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement.textContent')).toMatch(/^Secrets/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Secrets' }).waitFor();
    expect(await page.evaluate('document.activeElement.tagName + " " + document.activeElement.textContent')).toBe('H1 Secrets');
    await nav.getByRole('button', { name: /^Secrets/ }).focus();
    await page.keyboard.press('End');
    expect(await page.evaluate('document.activeElement.textContent')).toMatch(/^Cluster/);
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
  });

  it('asks before leaving a dirty form, and keeps the changes when told to', async () => {
    const page = app.page;
    await go(page, 'Consumers');
    await page.getByRole('button', { name: /^alex/ }).click();
    await page.getByLabel('Username', { exact: true }).fill('alexandra');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('consumer alex');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Keep editing');
    await app.screenshot('13-unsaved-changes-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe('alexandra');
    await page.getByRole('heading', { level: 1, name: 'Consumers' }).waitFor();

    // Closing the window asks too (beforeunload).
    const beforeUnload = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.dismiss(); }));
    await page.close({ runBeforeUnload: true });
    expect(await beforeUnload).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Traffic' }).waitFor();
    const saved = await app.call<{ workspace: { consumers: { username: string }[] } }>('workspace:get');
    expect(saved.workspace.consumers.map((c) => c.username)).toEqual(['alex', 'guest']);
  });

  it('closing the details (Escape, then "Discard changes" for a changed form) gives the focus back to the list item they were opened from', async () => {
    const page = app.page;
    const focused = () => page.evaluate('document.activeElement === document.body ? "(body)" : document.activeElement.textContent');
    for (const { screen, item, change } of [
      { screen: 'Services & routes', item: /^basic-auth-app/, change: () => page.getByLabel('Path prefix', { exact: true }).fill('/v2') },
      { screen: 'Consumers', item: /^guest/, change: () => page.getByLabel('Custom ID', { exact: true }).fill('crm-9') },
      { screen: 'Secrets', item: /^consumer-alex/, change: undefined },
    ]) {
      await go(page, screen);
      const opener = page.getByRole('button', { name: item });
      await opener.click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await change?.();
      await page.keyboard.press('Escape');
      if (change) await page.getByRole('alertdialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard changes' }).click();
      await page.locator('.detail h2').waitFor({ state: 'detached' });
      await expect.poll(focused, { message: screen }).toMatch(item);
      expect(await opener.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    }
    await app.screenshot('editor-closed-focus-on-list-item');
  });

  it('kept to the CSP throughout', () => {
    expect(app.cspViolations).toEqual([]);
    expect(app.consoleProblems).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
