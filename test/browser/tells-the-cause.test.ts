// The app says what happened, against the real services: an answer whose body breaks off is shown as far as it
// came, marked incomplete with why (Try it); a secret saved with a value the gateway cannot use gets "Saved, not
// served" with what is wrong with the value, not a plain "saved" or "has no username".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ServerResponse } from 'node:http';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import type { TrafficUpdate } from '../../main/ipc/contract';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;
/** Answers to /cut that wait, their first 10 bytes sent, until the test has seen the gateway relay those. */
const cutting: ServerResponse[] = [];

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) => {
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('0123456789');
      cutting.push(res);
      return;
    }
    res.end('ok');
  });
  app = await openBrowserApp({
    viewport: { width: 1100, height: 760 },
    before: async (services) => {
      const envelope = await services.dispatch('workspace:save', {
        services: [
          { name: 'cut', pathPrefix: '/cut', stripPrefix: false, upstream: { url: upstream.url } },
          { name: 'backend', pathPrefix: '/backend', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'backend-creds' } },
        ],
      });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  for (const res of cutting) res.destroy();
  await app?.call('secrets:delete', { name: 'backend-creds' }).catch(() => undefined);
  await app?.close();
  await upstream?.close();
});

const screens = () => page.getByRole('navigation', { name: 'Screens' });

describe('the app tells the cause', () => {
  it('Try it shows the part of an answer that came, and that and why it broke off', async () => {
    await screens().getByRole('button', { name: /^Try it/ }).click();
    await page.getByLabel('Path', { exact: true }).fill('/cut');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // The gateway has relayed the 10 bytes (the inspector's row says so): now the upstream breaks off.
    await expect.poll(() => app.events.some((e) => e.event === 'exchanges' && (e.payload as TrafficUpdate).summaries.some((s) => s.target === '/cut' && s.responseSize === 10)), { timeout: 20_000 }).toBe(true);
    cutting.shift()!.destroy();
    const incomplete = page.getByRole('status').filter({ hasText: 'Incomplete:' });
    await incomplete.waitFor();
    expect(await incomplete.textContent()).toMatch(/^Incomplete: the answer broke off after 10 bytes: the gateway (closed|reset) the connection/);
    expect(await page.getByTestId('response-status').textContent()).toBe('200 OK');
    expect(await page.getByText(/cut short: the connection closed before the body ended/).count()).toBe(1);
    await incomplete.scrollIntoViewIfNeeded();
    await app.screenshot('46-tryit-cut-short');
  });

  it('saving a secret whose value its service cannot use says "Saved, not served" and what is wrong', async () => {
    await screens().getByRole('button', { name: /^Secrets/ }).click();
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('backend-creds');
    await page.getByLabel('Key 1', { exact: true }).fill('username');
    await page.getByLabel('Value 1 (username)').fill('svc:user');
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Key 2', { exact: true }).fill('password');
    await page.getByLabel('Value 2 (password)').fill('svc-pass-123');
    await page.getByRole('button', { name: 'Save secret' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Saved, not served' });
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Saved, not served: service backend: secret "backend-creds" key "username" contains ":", which ends a Basic user-id (RFC 7617) — fix it. Everything else is served.');
    expect(await page.locator('footer.status-bar').textContent()).toContain('contains ":"');
    expect(await page.locator('footer.status-bar').getByRole('button', { name: 'Fix secret backend-creds' }).count()).toBe(1);
    await app.screenshot('47-secret-saved-not-served');
  });
});
