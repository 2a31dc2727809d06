// The service form's endpoint security writes what it says and nothing else, against the real services, vault and
// gateway: service erp sends the Basic credentials of secret erp-creds (admin / admin-pass), and what the form
// refuses leaves both the vault and what erp sends as they were.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { fieldErrorOf as errorOf, openBrowserAppServing, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

const basicOf = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserAppServing([{ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } }], { width: 1200, height: 800 });
  page = app.page;
  await app.call('secrets:set', { name: 'erp-creds', data: { username: 'admin', password: 'admin-pass' } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const screens = () => page.getByRole('navigation', { name: 'Screens' });
const production = () => page.getByRole('group', { name: 'Production endpoint' });
const serviceList = () => page.getByRole('region', { name: 'Service and route list' });

/** The Authorization erp's backend gets for a request through the gateway. */
async function erpSends(): Promise<string | undefined> {
  const { url } = await app.call<{ url: string }>('gateway:status');
  const res = await request(`${url.replace(/\/$/, '')}/erp/x`);
  await res.body.dump();
  expect(res.statusCode).toBe(200);
  return upstream.requests.at(-1)?.headers.authorization;
}

const vaultValue = async (name: string, key: string) => (await app.call<{ value: string }>('secrets:reveal', { name, key })).value;

async function openErp(): Promise<void> {
  await screens().getByRole('button', { name: /^Services/ }).click();
  await serviceList().getByRole('button', { name: /^erp/ }).click();
  await page.getByRole('heading', { level: 2, name: 'Service erp' }).waitFor();
}

/** Leaves the open form without saving (its changes discarded), so the next test starts from the saved service. */
async function discard(): Promise<void> {
  const button = page.getByRole('button', { name: 'Discard changes' }).first();
  if (await button.isVisible()) await button.click();
}

beforeEach(async () => {
  // Every test starts from erp as seeded: what a refused save left must be exactly that.
  expect(await vaultValue('erp-creds', 'username')).toBe('admin');
  expect(await vaultValue('erp-creds', 'password')).toBe('admin-pass');
  expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
});

describe('the service form writes what it says', () => {
  it('a username with ":" is refused on the Username field before anything is written; erp keeps sending its credentials', async () => {
    await openErp();
    await production().getByLabel('Enter username and password now').check();
    const username = production().getByLabel('Username', { exact: true });
    await username.fill('a:b');
    await production().getByLabel('Password', { exact: true }).fill('b-pass');
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => errorOf(username)).toBe('contains ":", which ends a Basic user-id (RFC 7617)');
    expect(await page.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toContain('Not saved: fix the fields marked in red.');
    // What was typed stays, to be mended rather than typed again.
    expect(await username.inputValue()).toBe('a:b');
    await username.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-basic-username-colon');
    expect(await vaultValue('erp-creds', 'username')).toBe('admin');
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
    await discard();
  });
});
