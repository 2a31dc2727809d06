// What a form's save notice and the status bar say as the gateway process dies and comes back, against the real
// services and a real gateway process: the notice follows the gateway for the revision it saved, so that it never
// says "not applied" of a save the gateway serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { forkedGatewayPid } from '../support/gateway-child';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 1100, height: 700 },
    // A killed gateway stays down until the test restarts it: the save lands while it is down, whatever the pace.
    gatewaySupervision: { backoff: { initialMs: 600_000, maxMs: 600_000 } },
    before: async (services) => {
      const envelope = await services.dispatch('workspace:save', { services: [{ name: 'alpha', pathPrefix: '/alpha', upstream: { url: upstream.url } }] });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const statusBar = () => page.locator('footer.status-bar');
const actions = () => page.locator('.form-actions');

describe('a save made while the gateway is down', () => {
  it('says "not applied yet" while it is down, and "saved" once the gateway serves it, without another save', async () => {
    process.kill(forkedGatewayPid()!, 'SIGKILL');
    await statusBar().getByText('Gateway: Restarting…').waitFor();

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^alpha/ }).click();
    await page.getByLabel('Path prefix', { exact: true }).fill('/alpha2');
    await page.getByRole('button', { name: 'Save service' }).click();
    const notice = actions().getByRole('alert');
    await notice.getByText('Saved, not applied yet').waitFor();
    expect(await notice.textContent()).toBe('Saved, not applied yet: the gateway is down: gateway killed by SIGKILL; restarting in 600000 ms.');

    await statusBar().getByRole('button', { name: 'Restart gateway' }).click();
    await statusBar().getByText('Gateway: Running').waitFor();
    await actions().getByText('Service alpha saved.').waitFor();
    expect(await actions().getByRole('alert').count()).toBe(0);
    expect((await app.call<{ status: number }>('tryit:send', { method: 'GET', path: '/alpha2/x', headers: [] })).status).toBe(200);
    await app.screenshot('gateway-life-saved-once-served');
  });
});
