// Forms in the real renderer (Chromium) against the real main side, at 1100×700: a discarded new secret is gone
// when "New secret" is clicked again; a problem is said once, in plain words, on the control it is about (a
// request-parameter header row, a secret key, a Kubernetes port, Try it's body, both PEMs of a client
// certificate), checked before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fieldErrorOf as errorOf, openBrowserAppServing, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserAppServing([{ name: 'sec', pathPrefix: '/sec', upstream: { url: upstream.url } }], { width: 1100, height: 700 });
  page = app.page;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const screens = () => page.getByRole('navigation', { name: 'Screens' });
const production = () => page.getByRole('group', { name: 'Production endpoint' });

async function openService(): Promise<void> {
  await screens().getByRole('button', { name: /^Services/ }).click();
  await page.getByRole('region', { name: 'Service and route list' }).getByRole('button', { name: /^sec/ }).click();
  await page.getByRole('heading', { level: 2, name: 'Service sec' }).waitFor();
}

async function leaveWithoutSaving(): Promise<void> {
  await page.getByRole('button', { name: 'Discard changes' }).first().click();
}

describe('forms say what is wrong, once, where it is', () => {
  it('"New secret" after discarding a draft is a fresh form; a bad key name says the rule', async () => {
    await screens().getByRole('button', { name: /^Secrets/ }).click();
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('first-draft');
    await page.getByLabel('Key 1', { exact: true }).fill('bad key');
    await page.getByLabel(/^Value 1/).fill('v');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => errorOf(page.getByLabel('Key 1', { exact: true }))).toBe('not a valid key name: letters, digits, ".", "_" or "-"');
    // Said once, under the key, not again for the group.
    expect(await page.locator('.field-error').allTextContents()).toEqual([expect.stringContaining('not a valid key name')]);
    await app.screenshot('forms-secret-bad-key-1100x700');

    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByRole('alertdialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Key 1', { exact: true }).inputValue()).toBe('');
    expect(await page.locator('.field-error').count()).toBe(0);
    await app.screenshot('forms-new-secret-after-discard-1100x700');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a request-parameter header name or value the gateway would refuse is said on its row, before anything is written', async () => {
    await openService();
    await production().getByLabel('Add request parameters (headers, query) from a secret').check();
    await production().getByLabel('Enter the headers and query parameters now').check();
    await production().getByLabel('Header 1', { exact: true }).fill('bad header');
    await production().getByLabel(/^Header value 1/).fill('v1');
    await production().getByRole('button', { name: 'Add header' }).click();
    await production().getByLabel('Header 2', { exact: true }).fill('x-emoji');
    await production().getByLabel(/^Header value 2/).fill('ünï 😀');
    await page.getByRole('button', { name: 'Save service' }).click();
    const name1 = production().getByLabel('Header 1', { exact: true });
    await expect.poll(() => errorOf(name1)).toBe("not a valid header name: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ only, no spaces (RFC 9110 token)");
    expect(await errorOf(production().getByLabel(/^Header value 2/))).toBe('a header value may hold tabs and printable Latin-1 characters only: no emoji, no other control characters, nothing beyond U+00FF');
    expect(await errorOf(production().getByLabel('Add request parameters (headers, query) from a secret'))).toBe('');
    expect(await page.locator('main').textContent()).not.toContain('was not saved');
    expect(await app.call<{ name: string }[]>('secrets:list')).toEqual([]);
    await name1.scrollIntoViewIfNeeded();
    await app.screenshot('forms-request-parameter-headers-1100x700');
    await leaveWithoutSaving();
  });

  it('a client certificate and key that are both unreadable are both said, each under its field', async () => {
    await openService();
    await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url.replace('http:', 'https:'));
    await production().getByLabel('Authentication to the backend').selectOption('client-certificate');
    await production().getByLabel('Enter certificate and key now').check();
    const certificate = production().getByLabel('Client certificate (PEM)', { exact: true });
    const key = production().getByLabel('Private key (PEM, unencrypted)', { exact: true });
    await certificate.fill('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----');
    await key.fill('not a key at all 😀');
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => errorOf(certificate)).toBe('the certificate is not a readable PEM certificate');
    expect(await errorOf(key)).toBe('the private key is not a readable PEM private key');
    await key.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('forms-client-certificate-both-1100x700');
    await leaveWithoutSaving();
  });

  it('a Kubernetes port that is not one says the rule', async () => {
    await openService();
    await page.getByLabel('Kubernetes service').check();
    await page.getByLabel('Service name').fill('orders');
    const port = page.getByLabel('Port', { exact: true });
    for (const typed of ['8o', '99999']) {
      await port.fill(typed);
      await page.getByRole('button', { name: 'Save service' }).click();
      await expect.poll(() => errorOf(port), { message: typed }).toBe('a port is a whole number from 1 to 65535');
    }
    await port.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('forms-kubernetes-port-1100x700');
    await leaveWithoutSaving();
  });

  it('Try it says in plain words that a body is too large to send', async () => {
    await screens().getByRole('button', { name: /^Try it/ }).click();
    await page.getByLabel('Method', { exact: true }).selectOption('POST');
    await page.getByLabel('Path', { exact: true }).fill('/sec/echo');
    const body = page.getByLabel('Body', { exact: true });
    await body.fill('b'.repeat(1_000_001));
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => errorOf(body)).toBe('The body is larger than the 1,000,000 characters Try it sends');
    expect(upstream.requests.filter((r) => r.url?.startsWith('/echo'))).toEqual([]);
    await body.scrollIntoViewIfNeeded();
    await app.screenshot('forms-tryit-body-too-large-1100x700');
  });
});
