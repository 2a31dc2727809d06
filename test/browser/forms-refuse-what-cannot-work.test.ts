// Forms refuse what would be saved and never work, saying why where it happens, against the real services and
// gateway: a second service at a path another already takes for the same hosts (saved, it got no request), a
// consumer named like another but for a trailing space, and deleting the consumer a service serves anonymous
// requests as (which the workspace then refused, naming a field the consumer form does not have).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import type { Workspace } from '../../gateway/config/schema';

let app: BrowserApp;
let page: Page;
let first: RecordingUpstream;
let second: RecordingUpstream;

beforeAll(async () => {
  first = await startRecordingUpstream((_req, res) => res.end('first'));
  second = await startRecordingUpstream((_req, res) => res.end('second'));
  app = await openBrowserApp({
    viewport: { width: 1200, height: 800 },
    before: async (services) => {
      const envelope = await services.dispatch('workspace:save', {
        services: [{ name: 'api', pathPrefix: '/api', upstream: { url: first.url }, plugins: { 'basic-auth': {} } }],
      });
      if (!envelope.ok) throw new Error(envelope.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await first?.close();
  await second?.close();
});

const screens = () => page.getByRole('navigation', { name: 'Screens' });
const workspace = async () => (await app.call<{ workspace: Workspace }>('workspace:get')).workspace;

/** A request through the gateway, as a client sends it; the upstream's body says which one answered. */
async function viaGateway(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { url } = await app.call<{ url: string }>('gateway:status');
  const res = await request(`${url.replace(/\/$/, '')}${path}`, { headers });
  return { status: res.statusCode, body: await res.body.text() };
}

async function newService(name: string, prefix: string, upstream: string, hosts = '') {
  await screens().getByRole('button', { name: /^Services/ }).click();
  await page.getByRole('button', { name: 'New service' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Path prefix', { exact: true }).fill(prefix);
  await page.getByLabel('Hosts', { exact: true }).fill(hosts);
  await page.getByLabel('Upstream URL', { exact: true }).fill(upstream);
  await page.getByRole('button', { name: 'Save service' }).click();
}

async function newConsumer(username: string, password: string) {
  await screens().getByRole('button', { name: /^Consumers/ }).click();
  await page.getByRole('button', { name: 'New consumer' }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Save consumer' }).click();
}

describe('forms refuse what cannot work', () => {
  it('a second service at a path the first takes for the same hosts is refused next to Path prefix; for another host it is served', async () => {
    await newService('alpha', '/same', first.url);
    await page.getByText('Service alpha saved.').waitFor();
    await newService('beta', '/same', second.url);
    const prefix = page.getByLabel('Path prefix', { exact: true });
    await expect.poll(() => prefix.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#service-path-prefix-error').textContent()).toContain('"/same" is already service "alpha"\'s: no request would reach service "beta"');
    expect(await page.getByRole('alert').textContent()).toContain('Not saved');
    await app.screenshot('48-second-service-same-prefix-refused');
    expect((await workspace()).services.map((s) => s.name)).toEqual(['api', 'alpha']);

    // For its own host it gets that host's requests; alpha keeps the rest.
    await page.getByLabel('Hosts', { exact: true }).fill('beta.test');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service beta saved.').waitFor();
    expect(await viaGateway('/same/x', { host: 'beta.test' })).toEqual({ status: 200, body: 'second' });
    expect(await viaGateway('/same/x')).toEqual({ status: 200, body: 'first' });
  });

  it('a consumer named like another but for a trailing space is that one: refused as a duplicate', async () => {
    await newConsumer('alex', 'alex-pass-1234');
    await page.getByText('Consumer alex saved; the password is in the vault.').waitFor();
    await newConsumer('alex ', 'other-pass-5678');
    const username = page.getByLabel('Username', { exact: true });
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#consumer-username-error').textContent()).toContain('duplicate consumer "alex"');
    await app.screenshot('49-consumer-trailing-space-refused');
    expect((await workspace()).consumers.map((c) => c.username)).toEqual(['alex']);
    // Saved with spaces around it, a new name is saved without them.
    await username.fill(' sam ');
    await page.getByRole('button', { name: 'Save consumer' }).click();
    await page.getByText('Consumer sam saved; the password is in the vault.').waitFor();
    expect((await workspace()).consumers.map((c) => c.username)).toEqual(['alex', 'sam']);
    expect(await username.inputValue()).toBe('sam');
  });

  it('the consumer a service serves anonymous requests as is not deleted: the form names the service instead', async () => {
    await newConsumer('anon', '');
    await page.getByText('Consumer anon saved.').waitFor();
    await screens().getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^api/ }).click();
    await page.getByLabel('Anonymous consumer').selectOption('anon');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service api saved.').waitFor();
    expect(await viaGateway('/api/x')).toEqual({ status: 200, body: 'first' });

    await screens().getByRole('button', { name: /^Consumers/ }).click();
    await page.getByRole('region', { name: 'Consumer list' }).getByRole('button', { name: /^anon/ }).click();
    await page.getByText('Anonymous consumer of service api: requests there without valid credentials are served as this consumer.').waitFor();
    await page.getByRole('button', { name: 'Delete consumer' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not deleted' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('Not deleted: anon is the anonymous consumer of service api: choose another there first.');
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    // Centred, so the note is not under the sticky action bar that shows the refusal.
    await page.getByText('Anonymous consumer of service api: requests there').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await app.screenshot('50-anonymous-consumer-not-deleted');
    expect((await workspace()).consumers.map((c) => c.username)).toEqual(['alex', 'sam', 'anon']);
    expect(await viaGateway('/api/x')).toEqual({ status: 200, body: 'first' });
  });
});
