// What a form's save notice and the status bar say as the gateway process dies and comes back, against the real
// services and a real gateway process: the notice follows the gateway for the revision it saved, so that it never
// says "not applied" of a save the gateway serves; a gateway that does not answer is not shown green, and the kill
// the supervisor sends it for that is said as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { forkedGatewayPid } from '../support/gateway-child';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;
let stopped: number | undefined;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 1100, height: 700 },
    // A killed gateway stays down until the test restarts it: the save lands while it is down, whatever the pace. A
    // reload is said unanswered at once; a gateway is killed as hung after the app's 15 s (a shorter time is too short
    // for a gateway run through tsx to start on a loaded machine, which is then killed for that).
    gatewaySupervision: { backoff: { initialMs: 600_000, maxMs: 600_000 }, notAnsweringAfterMs: 50 },
    before: async (services) => {
      const envelope = await services.dispatch('workspace:save', { services: [{ name: 'alpha', pathPrefix: '/alpha', upstream: { url: upstream.url } }] });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  // A gateway the test stopped, unless the supervisor has killed it meanwhile.
  if (stopped) {
    try {
      process.kill(stopped, 'SIGCONT');
    } catch {
      // gone
    }
  }
  await app?.close();
  await upstream?.close();
});

const statusBar = () => page.locator('footer.status-bar');
const actions = () => page.locator('.form-actions');

async function saveAlphaWithPrefix(prefix: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Services/ }).click();
  await page.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^alpha/ }).click();
  await page.getByLabel('Path prefix', { exact: true }).fill(prefix);
  await page.getByRole('button', { name: 'Save service' }).click();
}

describe('a save made while the gateway is down', () => {
  it('says "not applied yet" while it is down, and "saved" once the gateway serves it, without another save', async () => {
    process.kill(forkedGatewayPid()!, 'SIGKILL');
    await statusBar().getByText('Gateway: Restarting…').waitFor();

    await saveAlphaWithPrefix('/alpha2');
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

describe('a gateway that does not answer', () => {
  it('is "Not answering" while a reload goes unanswered, and its kill is said as the supervisor\'s, for that', async () => {
    stopped = forkedGatewayPid()!;
    process.kill(stopped, 'SIGSTOP');
    await saveAlphaWithPrefix('/alpha3');
    await statusBar().getByText('Not answering').waitFor();
    // It counts up while the gateway does not answer.
    await statusBar().getByText(/^reload sent [1-9]\d* s ago$/).waitFor();
    expect(await statusBar().getByText('Running').count()).toBe(0);
    expect(await statusBar().locator('.status-dot').getAttribute('class')).not.toContain('status-running');
    await app.screenshot('gateway-life-not-answering');

    const cause = 'the gateway did not answer a reload for 15 s and was killed; restarting in 600000 ms';
    await statusBar().getByText('Gateway: Restarting…').waitFor({ timeout: 30_000 });
    stopped = undefined;
    expect(await statusBar().getByText(/^Last error:/).textContent()).toBe(`Last error: ${cause}`);
    const notice = actions().getByRole('alert');
    await notice.getByText('Saved, not applied yet').waitFor();
    expect(await notice.textContent()).toBe(`Saved, not applied yet: the gateway is down: ${cause}.`);
    await app.screenshot('gateway-life-killed-as-hung');

    await statusBar().getByRole('button', { name: 'Restart gateway' }).click();
    await statusBar().getByText('Gateway: Running').waitFor();
    await actions().getByText('Service alpha saved.').waitFor();
    expect((await app.call<{ status: number }>('tryit:send', { method: 'GET', path: '/alpha3/x', headers: [] })).status).toBe(200);
  });
});
