// The service form's endpoint security writes what it says and nothing else, against the real services, vault and
// gateway: service erp sends the Basic credentials of secret erp-creds (admin / admin-pass), and what the form
// refuses leaves both the vault and what erp sends as they were. The app does not watch its workspace file here, so
// a change another program makes is met by the next save, as when it comes just before the watch sees it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { fieldErrorOf as errorOf, openBrowserAppServing, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { createTestPki, type TestPki } from '../support/test-certificates';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;
let pki: TestPki;

const basicOf = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  pki = await createTestPki();
  app = await openBrowserAppServing([{ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } }], { width: 1200, height: 800 }, { watchWorkspaceFile: false });
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

const vaultNames = async () => (await app.call<{ name: string }[]>('secrets:list')).map((s) => s.name);
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

/** Opens erp with a client certificate and key entered now (its backend made https, as a client certificate needs). */
async function enterClientCertificate(certificatePem: string, keyPem: string) {
  await openErp();
  await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url.replace('http:', 'https:'));
  await production().getByLabel('Authentication to the backend').selectOption('client-certificate');
  await production().getByLabel('Enter certificate and key now').check();
  const certificate = production().getByLabel('Client certificate (PEM)', { exact: true });
  const key = production().getByLabel('Private key (PEM, unencrypted)', { exact: true });
  await certificate.fill(certificatePem);
  await key.fill(keyPem);
  return { certificate, key };
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

  it('CA certificates that are not any are refused on their field before anything is written, for the client certificate and for backend TLS', async () => {
    await enterClientCertificate(pki.client.cert, pki.client.key);
    const ca = production().getByLabel('CA certificates (PEM, optional)', { exact: true });
    await ca.fill('garbage CA');
    await production().getByLabel('Custom CA').check();
    const tlsCa = production().getByLabel('CA certificates to store (PEM)', { exact: true });
    await tlsCa.fill(`${pki.ca.cert}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----`);
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => errorOf(ca)).toBe('the text holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")');
    expect(await errorOf(tlsCa)).toBe('the text: certificate 2 of 2 is not readable');
    // The pair itself is fine: said nowhere.
    expect(await errorOf(production().getByLabel('Client certificate (PEM)', { exact: true }))).toBe('');
    expect(await page.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toContain('Not saved: fix the fields marked in red.');
    await ca.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-ca-not-pem');
    expect(await vaultNames()).toEqual(['erp-creds']);
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
    await discard();
  });

  it('a private key of another certificate marks both the certificate and the key', async () => {
    const { certificate, key } = await enterClientCertificate(pki.client.cert, pki.foreignClient.key);
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => errorOf(key)).toMatch(/^the private key does not belong to the certificate \(subject /);
    expect(await errorOf(certificate)).toBe('the certificate does not match the private key');
    expect(await certificate.getAttribute('aria-invalid')).toBe('true');
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    await key.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-key-of-another-certificate');
    expect(await vaultNames()).toEqual(['erp-creds']);
    await discard();
  });

  it('a request parameter with a value but no name is said on its name, not dropped', async () => {
    await openErp();
    await production().getByLabel('Add request parameters (headers, query) from a secret').check();
    await production().getByLabel('Enter the headers and query parameters now').check();
    await production().getByLabel(/^Header value 1/).fill('v1');
    await production().getByRole('button', { name: 'Add query parameter' }).click();
    await production().getByLabel(/^Query value 1/).fill('q1');
    await page.getByRole('button', { name: 'Save service' }).click();
    const header = production().getByLabel('Header 1', { exact: true });
    await expect.poll(() => errorOf(header)).toBe("enter the header's name, or remove the row");
    expect(await errorOf(production().getByLabel('Query parameter 1', { exact: true }))).toBe("enter the query parameter's name, or remove the row");
    expect(await page.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toContain('Not saved: fix the fields marked in red.');
    await header.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-parameter-without-name');
    expect(await vaultNames()).toEqual(['erp-creds']);
    await discard();
  });

  it('Basic → OAuth → Basic comes back to the saved secret erp-creds, not a new one the vault lacks; None on the way never hands erp-creds to OAuth', async () => {
    await openErp();
    const type = production().getByLabel('Authentication to the backend');
    const secret = production().getByLabel('Secret name');
    const newSecretNotice = production().getByRole('status').filter({ hasText: 'A new secret' });
    await type.selectOption('oauth2-client-credentials');
    expect(await secret.inputValue()).toBe('erp-production-oauth-client');
    expect(await newSecretNotice.textContent()).toContain('erp-creds keeps the Basic ones');
    await type.selectOption('basic');
    expect(await secret.inputValue()).toBe('erp-creds');
    expect(await newSecretNotice.count()).toBe(0);
    await secret.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-back-to-basic');
    // Through None: OAuth still gets a secret of its own.
    await type.selectOption('none');
    await type.selectOption('oauth2-client-credentials');
    expect(await secret.inputValue()).toBe('erp-production-oauth-client');
    await type.selectOption('basic');
    expect(await secret.inputValue()).toBe('erp-creds');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service erp saved.').waitFor();
    expect(await page.locator('main').textContent()).not.toContain('not in the vault');
    const { workspace } = await app.call<{ workspace: { services: { endpointSecurity?: unknown }[] } }>('workspace:get');
    expect(workspace.services[0]!.endpointSecurity).toEqual({ type: 'basic', secret: 'erp-creds', usernameKey: 'username', passwordKey: 'password' });
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
  });

  it('credentials typed for a new service into erp-creds are not written over erp\'s without asking; "Cancel" says who reads that secret', async () => {
    await screens().getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('crm');
    await page.getByLabel('Path prefix', { exact: true }).fill('/crm');
    await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
    await production().getByLabel('Authentication to the backend').selectOption('basic');
    const secret = production().getByLabel('Secret name');
    await secret.fill('erp-creds');
    await production().getByLabel('Enter username and password now').check();
    await production().getByLabel('Username', { exact: true }).fill('crm-user');
    await production().getByLabel('Password', { exact: true }).fill('crm-pass');
    await page.getByRole('button', { name: 'Save service' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Write into secret erp-creds?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('erp-creds is also read by service erp (keys username, password): saving changes it for them too.');
    await app.screenshot('service-form-shared-secret-asked');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => errorOf(secret)).toBe('also read by service erp (keys username, password): choose another secret name to leave theirs as it is');
    expect(await page.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toContain('Not saved: fix the fields marked in red.');
    await secret.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('service-form-shared-secret-refused');
    expect(await vaultValue('erp-creds', 'username')).toBe('admin');
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
    expect((await app.call<{ workspace: { services: { name: string }[] } }>('workspace:get')).workspace.services.map((s) => s.name)).toEqual(['erp']);

    // A secret of its own is no question.
    await secret.fill('crm-creds');
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service crm saved.').waitFor();
    expect(await vaultValue('crm-creds', 'username')).toBe('crm-user');
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
    await page.getByRole('button', { name: 'Delete service' }).click();
    await page.getByRole('alertdialog', { name: 'Delete service crm?' }).getByRole('button', { name: 'Delete service' }).click();
    await serviceList().getByRole('button', { name: /^crm/ }).waitFor({ state: 'detached' });
    await app.call('secrets:delete', { name: 'crm-creds' });
  });

  it('a save refused because another program changed the workspace file writes no typed password either: the vault and what erp sends stay as they were', async () => {
    await openErp();
    await production().getByLabel('Enter username and password now').check();
    await production().getByLabel('Username', { exact: true }).fill('admin');
    await production().getByLabel('Password', { exact: true }).fill('NEW-pass');
    // Meanwhile another program (an editor) adds a service to the file, as editors write it: renamed over it.
    const file = join(app.dataDir, 'workspace.json');
    const theirs = JSON.parse(await readFile(file, 'utf8')) as { services: unknown[] };
    theirs.services.push({ name: 'theirs', pathPrefix: '/theirs', upstream: { url: upstream.url } });
    await writeFile(`${file}.editor-tmp`, JSON.stringify(theirs, null, 2));
    await rename(`${file}.editor-tmp`, file);

    await page.getByRole('button', { name: 'Save service' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(`Not saved: ${file} was changed by another program since Gatehouse read it; nothing was written, so that change is kept`);
    await app.screenshot('service-form-refused-nothing-written');
    expect(await vaultValue('erp-creds', 'password')).toBe('admin-pass');
    expect(await erpSends()).toBe(basicOf('admin', 'admin-pass'));
    // Their version is what the app shows; the password typed is still in the form, and saving again writes it.
    await serviceList().getByRole('button', { name: /^theirs/ }).waitFor();
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service erp saved.').waitFor();
    expect(await vaultValue('erp-creds', 'password')).toBe('NEW-pass');
    expect(await erpSends()).toBe(basicOf('admin', 'NEW-pass'));
    expect((await app.call<{ workspace: { services: { name: string }[] } }>('workspace:get')).workspace.services.map((s) => s.name)).toEqual(['erp', 'theirs']);
  });
});
