// A consumer whose name is not Latin-1, in the traffic details, in the real renderer (Chromium) against the real
// main side and a real backend: the X-Consumer-Username and X-Credential-Identifier the backend received (UTF-8
// bytes, as Kong sends them) read as the name with a note that they were read as UTF-8, not as "ZoÃ« ð…".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { basic } from '../support/gateway';

const ZOE = 'Zoë 😀';
let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 1360, height: 900 },
    before: async (main) => {
      const call = async (channel: string, payload: unknown) => {
        const envelope = await main.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(envelope.error.message);
      };
      await call('secrets:set', { name: 'consumer-zoe', data: { password: 'zoe-pass-999' } });
      await call('workspace:save', {
        services: [{ name: 'billing', pathPrefix: '/billing', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } }],
        consumers: [{ username: ZOE, basicAuth: { password: { secret: 'consumer-zoe', key: 'password' } } }],
      });
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

describe('a consumer name in UTF-8, in the traffic details', () => {
  it('shows the headers the backend received as the name, noted as read as UTF-8', async () => {
    const base = (await app.call<{ url: string }>('gateway:status')).url;
    const res = await fetch(`${base}/billing/z`, { headers: { authorization: basic(ZOE, 'zoe-pass-999') } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // The backend got the UTF-8 bytes.
    expect(Buffer.from(String(upstream.requests[0]!.headers['x-consumer-username']), 'latin1').toString('utf8')).toBe(ZOE);

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    const row = page.locator('.traffic-table tbody tr').filter({ hasText: '/billing/z' });
    await expect.poll(() => row.locator('td').last().textContent()).toMatch(/\d (ms|s)$/);
    await row.click();
    const received = page.getByRole('region', { name: 'Headers the backend received' });
    await received.waitFor();
    const consumerRow = received.locator('tr').filter({ hasText: 'x-consumer-username' });
    expect(await consumerRow.locator('td').nth(1).innerText()).toBe(`${ZOE} (UTF-8)`);
    expect(await received.locator('tr').filter({ hasText: 'x-credential-identifier' }).locator('td').nth(1).innerText()).toBe(`${ZOE} (UTF-8)`);
    const text = await received.innerText();
    expect(text).toContain('Values marked (UTF-8) came as UTF-8 bytes and are shown read as UTF-8; they went on the wire as those bytes.');
    expect(text).not.toContain('Ã');
    // The client's headers hold nothing in UTF-8 here: no note there.
    expect(await page.getByRole('region', { name: 'Request headers' }).innerText()).not.toContain('UTF-8');
    await received.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('traffic-utf8-consumer-name');
  });
});
