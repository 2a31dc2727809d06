// Issue 14 §2 (defects 3, 4, 5, 6, 9, 10, 12) and §3 (keyboard) in Chromium against the real services, in a
// 900×600 window where most of them showed. Each test failed before its fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 900, height: 600 },
    before: async (services) => {
      const call = async (channel: string, payload: unknown) => {
        const envelope = await services.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(envelope.error.message);
      };
      await call('secrets:set', { name: 'consumer-alex', data: { password: 'correct horse battery staple' } });
      await call('workspace:save', {
        services: Array.from({ length: 6 }, (_, i) => ({ name: `svc-${i}`, pathPrefix: `/s${i}`, upstream: { url: upstream.url } })),
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }, { username: 'sam' }],
      });
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.call('secrets:delete', { name: 'consumer-alex' }).catch(() => undefined);
  await app?.close();
  await upstream?.close();
});

const nav = (name: RegExp) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name });
const list = () => page.getByRole('region', { name: 'Service and route list' });

async function inView(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= viewport.height;
}

async function openService(name: string): Promise<void> {
  await nav(/^Services/).click();
  await list().getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('heading', { name: `Service ${name}` }).waitFor();
}

describe('first walkthrough defects', () => {
  it('9: opening a service at 900×600 brings its editor into view', async () => {
    await openService('svc-5');
    expect(await inView(page.getByRole('heading', { name: 'Service svc-5' }))).toBe(true);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Service svc-5');
  });

  it('3: renaming a service to a taken name marks the Name field', async () => {
    await openService('svc-0');
    await page.getByLabel('Name', { exact: true }).fill('svc-1');
    await page.getByRole('button', { name: 'Save service' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#service-name-error').textContent()).toContain('duplicate service name "svc-1"');
    // 6: focus is on the first marked field, and the notice is in view.
    expect(await page.evaluate('document.activeElement?.id')).toBe('service-name');
    expect(await inView(page.getByRole('alert').filter({ hasText: 'Not saved' }))).toBe(true);
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('5: the sticky action bar touches the bottom of the content, with nothing showing under it', async () => {
    await openService('svc-2');
    const bar = page.locator('.editor > .form-actions');
    const content = page.locator('main.content');
    const barBox = (await bar.boundingBox())!;
    const contentBox = (await content.boundingBox())!;
    expect(Math.round(barBox.y + barBox.height)).toBe(Math.round(contentBox.y + contentBox.height));
    // At 600 px the bar takes well under a fifth of the window.
    expect(barBox.height).toBeLessThan(600 / 5);
    await app.screenshot('31-service-form-900x600');
  });

  it('6: "saved" shows in view at the bottom of a long form', async () => {
    await openService('svc-3');
    await page.getByLabel('Path prefix', { exact: true }).fill('/s3b');
    await page.getByRole('button', { name: 'Save service' }).click();
    const saved = page.getByText('Service svc-3 saved.');
    await saved.waitFor();
    expect(await inView(saved)).toBe(true);
  });

  it('§3: Ctrl+S saves the open form; Escape closes the editor', async () => {
    await openService('svc-4');
    await page.getByLabel('Path prefix', { exact: true }).fill('/s4b');
    await page.keyboard.press('Control+s');
    await page.getByText('Service svc-4 saved.').waitFor();
    const saved = await app.call<{ workspace: { services: { name: string; pathPrefix: string }[] } }>('workspace:get');
    expect(saved.workspace.services.find((s) => s.name === 'svc-4')!.pathPrefix).toBe('/s4b');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Service svc-4' }).waitFor({ state: 'detached' });
  });

  it('4: a duplicate consumer name marks the Username field, not the Password field', async () => {
    await nav(/^Consumers/).click();
    await page.getByRole('region', { name: 'Consumer list' }).getByRole('button', { name: /^sam/ }).click();
    await page.getByLabel('Username', { exact: true }).fill('alex');
    await page.getByLabel('Password', { exact: true }).fill('another long password 42');
    await page.getByRole('button', { name: 'Save consumer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    expect(await page.getByLabel('Username', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).not.toBe('true');
    expect(await page.locator('#consumer-username-error').textContent()).toContain('duplicate consumer "alex"');
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('10: switching backend authentication from Basic to OAuth moves to a new secret and says so', async () => {
    await openService('svc-1');
    const production = page.getByRole('group', { name: 'Production endpoint' });
    await production.getByLabel('Authentication to the backend').selectOption('basic');
    await production.getByLabel('Secret name').fill('svc-1-creds');
    await production.getByLabel('Authentication to the backend').selectOption('oauth2-client-credentials');
    expect(await production.getByLabel('Secret name').inputValue()).toBe('svc-1-production-oauth-client');
    expect(await production.getByRole('status').filter({ hasText: 'A new secret' }).textContent()).toContain('svc-1-creds keeps the Basic ones');
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('12: a service with backend security has a badge; "sandbox" says why it is disabled; counts are plural words', async () => {
    await app.call('workspace:save', { ...(await app.call<{ workspace: Record<string, unknown> }>('workspace:get')).workspace, services: [{ name: 'secured', pathPrefix: '/sec', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'sec-creds' } }] });
    await nav(/^Consumers/).click();
    await nav(/^Services/).click();
    expect(await list().getByRole('button', { name: /^secured/ }).getByText('backend: Basic').count()).toBe(1);
    await list().getByRole('button', { name: /^secured/ }).click();
    expect(await page.getByLabel('Default environment').locator('option[value="sandbox"]').textContent()).toBe('sandbox (add a sandbox endpoint first)');
  });
});
