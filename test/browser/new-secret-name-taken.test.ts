// "New secret" under a name the vault already holds (a consumer's password secret) is refused on the Name field,
// naming who uses it, and nothing is written: the consumer still signs in with the old password. Until 3 Dec the
// new keys were merged into the stored secret and the consumer's password stopped working. Against the real
// services, the real keychain and a real gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fieldErrorOf, openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    before: async (services) => {
      for (const [channel, payload] of [
        ['secrets:set', { name: 'consumer-alex', data: { password: 'alex-original-1' } }],
        ['workspace:save', {
          services: [{ name: 'sec', pathPrefix: '/sec', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } }],
          routes: [{ name: 'orders', service: 'sec', path: '/orders' }],
          consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }],
        }],
      ] as const) {
        const envelope = await services.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
      }
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const statusAs = (password: string) => app.call<{ status: number }>('tryit:send', { method: 'GET', path: '/sec/orders', headers: [], basicAuth: { username: 'alex', password } }).then((r) => r.status);

describe('a new secret under a name the vault holds', () => {
  it('is refused on the Name field, naming its users; the stored secret and the consumer sign-in are untouched', async () => {
    expect(await statusAs('alex-original-1')).toBe(200);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Secrets/ }).click();
    await page.getByRole('button', { name: /^consumer-alex/ }).waitFor();
    await page.getByRole('button', { name: 'New secret' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('consumer-alex');
    await page.getByLabel('Key 1', { exact: true }).fill('password');
    await page.getByLabel(/^Value 1/).fill('typed-in-new-secret');
    await page.getByRole('button', { name: 'Save secret' }).click();

    await expect.poll(() => fieldErrorOf(name)).toBe('a secret named consumer-alex already exists (used by consumer alex): open it to change it, or choose another name');
    expect(await page.locator('.form-actions [role="alert"]').textContent()).toBe('Not saved: fix the fields marked in red.');
    expect(await page.locator('.field-error').count()).toBe(1);
    expect(await name.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
    await app.screenshot('secret-name-taken');
    expect(app.responses.map((r) => r.channel)).not.toContain('secrets:update');
    expect(await app.call('secrets:reveal', { name: 'consumer-alex', key: 'password' })).toEqual({ value: 'alex-original-1' });
    expect(await statusAs('alex-original-1')).toBe(200);
    expect(await statusAs('typed-in-new-secret')).toBe(401);
  });
});
