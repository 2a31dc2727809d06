// Try it in the real renderer against the real gateway and a recording backend: what the user typed is what goes
// out, and what Try it shows belongs to the request on screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 1280, height: 820 },
    async before(services) {
      const envelope = await services.dispatch('workspace:save', { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url } }] });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Try it/ }).click();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

async function send(): Promise<string> {
  const before = upstream.requests.length;
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => upstream.requests.length).toBe(before + 1);
  return upstream.requests.at(-1)!.url;
}

describe('Try it sends the query as typed', () => {
  it('byte for byte, and an edited parameter changes only itself', async () => {
    const path = page.getByLabel('Path', { exact: true });
    await path.fill('/erp/items?ids=1,2&redirect=/a/b&flag');
    await path.blur();
    expect(await path.inputValue()).toBe('/erp/items');
    expect(await page.getByLabel('Parameter value 2 (redirect)').inputValue()).toBe('/a/b');
    expect(await send()).toBe('/items?ids=1,2&redirect=/a/b&flag');

    await page.getByLabel('Parameter value 1 (ids)').fill('3 4');
    expect(await send()).toBe('/items?ids=3%204&redirect=/a/b&flag');
    await app.screenshot('tryit-query-as-typed-1280x820');
    expect(await page.getByRole('region', { name: 'History' }).textContent()).toContain('GET /erp/items?ids=3%204&redirect=/a/b&flag');
  });
});

describe('Copy as curl', () => {
  it('leaves out every credential unless asked: the password, credential headers and query values', async () => {
    const path = page.getByLabel('Path', { exact: true });
    await path.fill('/erp/items?access_token=tok-5521&page=2');
    await path.blur();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header name 1', { exact: true }).fill('Authorization');
    await page.getByLabel('Header value 1 (Authorization)').fill('Bearer tok-7781');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header name 2', { exact: true }).fill('X-API-Key');
    await page.getByLabel('Header value 2 (X-API-Key)').fill('key-9032');
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const command = page.locator('#tryit-curl');
    await command.waitFor();
    const text = await command.inputValue();
    for (const secret of ['tok-5521', 'tok-7781', 'key-9032']) expect(text).not.toContain(secret);
    expect(text).toContain(`-H 'Authorization: Bearer '"$AUTHORIZATION" -H 'X-API-Key: '"$X_API_KEY"`);
    expect(text).toContain(`access_token='"$QUERY_ACCESS_TOKEN"'&page=2'`);
    await command.scrollIntoViewIfNeeded();
    await app.screenshot('tryit-curl-without-credentials-1280x820');
    await page.getByLabel('Include credentials in curl').check();
    await expect.poll(() => command.inputValue()).toContain('Bearer tok-7781');
  });
});
