// OAuth client credentials where the client authenticates to the token endpoint with its certificate (RFC 8705
// tls_client_auth; Kyma's OAuthWithCert), typed into the service form and the Kyma application form: what each
// stores is read back from the real main side (the workspace file on disk, the values from the real OS keychain
// through KeytarVault, not the app's own reveal channel), and a missing required field is refused on that field
// with nothing saved. Run under test/with-keyring.sh: without a keychain the app falls back to session-only and
// the keychain assertions fail, as they should. No token server: saving is what is tested, not fetching.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WORKSPACE_FILE } from '../../main/services/workspace-store/store-paths';
import { KeytarVault } from '../../main/services/vault/keytar-vault';
import { fieldErrorOf, openBrowserApp, type BrowserApp } from '../support/browser-app';
import { createTestPki, type TestPki } from '../support/test-certificates';

let app: BrowserApp;
let page: Page;
let pki: TestPki;
const NS = 'kyma-integration';
const TOKEN_URL = 'https://auth.example.test/oauth/token';

beforeAll(async () => {
  pki = await createTestPki();
  app = await openBrowserApp({
    viewport: { width: 1280, height: 900 },
    before: async (services) => {
      const saved = await services.dispatch('workspace:save', {
        services: [],
        applications: [{
          name: 'commerce', namespace: NS, services: [
            { id: 'd3c8f2c6-8c53-4e6d-9e77-7b1a5e0f0a33', name: 'orders', displayName: 'Orders', description: 'Orders API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://orders.example.test/api' }] },
          ],
        }],
      });
      if (!saved.ok) throw new Error(saved.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
  // The point is the real keychain: a session-only vault here would make the keychain reads below meaningless.
  expect(await app.call<{ mode: string }>('vault:status')).toMatchObject({ mode: 'keychain' });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const production = () => page.getByRole('group', { name: 'Production endpoint' });
const workspaceFile = async () => JSON.parse(await readFile(join(app.dataDir, WORKSPACE_FILE), 'utf8')) as { services: Record<string, unknown>[]; applications: { services: { entries: Record<string, unknown>[] }[] }[] };
const rawWorkspaceFile = () => readFile(join(app.dataDir, WORKSPACE_FILE), 'utf8');
/** What the OS keychain itself holds under the app's keychain service (not what the app says it holds). */
const inKeychain = (name: string, namespace?: string) => new KeytarVault({ service: app.keychainService }).get(namespace ? { name, namespace } : { name });

describe('OAuth with a client certificate (tls_client_auth) in the service form', () => {
  const certificate = () => production().getByLabel('Client certificate (PEM)', { exact: true });
  const privateKey = () => production().getByLabel('Private key (PEM, unencrypted)', { exact: true });

  it('refuses a missing private key on its field and saves nothing', async () => {
    const before = await rawWorkspaceFile();
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('billing');
    await page.getByLabel('Path prefix', { exact: true }).fill('/billing');
    await page.getByLabel('Upstream URL', { exact: true }).fill('https://billing.example.test');
    await production().getByLabel('Authentication to the backend').selectOption('oauth2-client-credentials');
    await production().getByLabel('Client authentication').selectOption('tls_client_auth');
    await production().getByLabel('Token URL').fill(TOKEN_URL);
    await production().getByLabel('Secret name').fill('billing-mtls-client');
    await production().getByLabel('Client id key').fill('client_id');
    await production().getByLabel('Certificate key').fill('tls.crt');
    await production().getByLabel('Private key key').fill('tls.key');
    // With tls_client_auth there is no client secret: the checkbox offers what is typed in below.
    await production().getByLabel('Enter client id, certificate and key now').check();
    expect(await production().getByLabel('Client secret', { exact: true }).count()).toBe(0);
    await production().getByLabel('Client id', { exact: true }).fill('billing-client');
    await certificate().fill(pki.client.cert);
    await privateKey().fill(pki.client.key);
    await production().getByLabel('Client authentication').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('oauth-cert-service-filled');

    await privateKey().fill('');
    await page.getByRole('button', { name: 'Save service' }).click();

    await expect.poll(() => fieldErrorOf(privateKey())).toBe('enter the PEM private key, or untick “enter now” to use the stored secret');
    expect(await page.getByRole('alert').filter({ hasText: 'Not saved' }).textContent()).toContain('Not saved: fix the fields marked in red.');
    await privateKey().evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('oauth-cert-service-missing-key');
    expect(await rawWorkspaceFile()).toBe(before);
    expect(await inKeychain('billing-mtls-client')).toBeUndefined();
  });

  it('refuses a private key that does not belong to the certificate, as for a client certificate to the backend', async () => {
    const before = await rawWorkspaceFile();
    await privateKey().fill(pki.strayKey);
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => fieldErrorOf(privateKey())).toMatch(/^the private key does not belong to the certificate \(subject /);
    expect(await fieldErrorOf(certificate())).toBe('the certificate does not match the private key');
    expect(await rawWorkspaceFile()).toBe(before);
    expect(await inKeychain('billing-mtls-client')).toBeUndefined();
  });

  it('refuses a missing token URL on its field and saves nothing', async () => {
    const before = await rawWorkspaceFile();
    await privateKey().fill(pki.client.key);
    const tokenUrl = production().getByLabel('Token URL');
    await tokenUrl.fill('');
    await page.getByRole('button', { name: 'Save service' }).click();
    await expect.poll(() => fieldErrorOf(tokenUrl)).toBe('required: a URL such as https://api.example.com/v1');
    expect(await fieldErrorOf(privateKey())).toBe('');
    expect(await rawWorkspaceFile()).toBe(before);
    expect(await inKeychain('billing-mtls-client')).toBeUndefined();
    await tokenUrl.fill(TOKEN_URL);
  });

  it('saves the OAuth settings to the workspace file and the id, certificate and key to the keychain under the keys named', async () => {
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText(/^Service billing saved/).first().waitFor();

    const billing = (await workspaceFile()).services.find((s) => s.name === 'billing');
    expect(billing?.endpointSecurity).toMatchObject({
      type: 'oauth2-client-credentials', tokenUrl: TOKEN_URL, secret: 'billing-mtls-client',
      clientIdKey: 'client_id', clientAuth: 'tls_client_auth', certificateKey: 'tls.crt', privateKeyKey: 'tls.key',
    });
    expect((await inKeychain('billing-mtls-client'))?.data).toEqual({ client_id: 'billing-client', 'tls.crt': pki.client.cert, 'tls.key': pki.client.key });
    // Only names go to disk: neither the key nor the client id.
    const raw = await rawWorkspaceFile();
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain('billing-client');
  });
});

describe('OAuthWithCert in the Kyma application form', () => {
  const orders = () => page.getByRole('group', { name: 'Orders' });
  const authenticationUrl = () => orders().getByLabel('Authentication URL', { exact: true });

  it('refuses a missing Authentication URL on its field and saves nothing', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('button', { name: /^commerce/ }).click();
    const before = await rawWorkspaceFile();
    await orders().getByLabel('Credentials', { exact: true }).selectOption('OAuthWithCert');
    await orders().getByLabel('Secret name', { exact: true }).fill('orders-oauth-cert');
    await authenticationUrl().fill(TOKEN_URL);
    await orders().getByLabel('Client id', { exact: true }).fill('orders-client');
    await orders().getByLabel('Client certificate (PEM)', { exact: true }).fill(pki.client.cert);
    await orders().getByLabel('Private key (PEM, unencrypted)', { exact: true }).fill(pki.client.key);
    expect(await orders().getByText('Not in the vault yet: secret orders-oauth-cert with keys “clientId”, “crt” and “key”.').count()).toBe(1);
    await orders().getByLabel('Client id', { exact: true }).evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('oauth-cert-kyma-filled');

    await authenticationUrl().fill('');
    await page.getByRole('button', { name: 'Save application' }).click();

    await expect.poll(() => fieldErrorOf(authenticationUrl())).toContain('required for type OAuthWithCert');
    await authenticationUrl().evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('oauth-cert-kyma-missing-url');
    expect(await rawWorkspaceFile()).toBe(before);
    expect(await inKeychain('orders-oauth-cert', NS)).toBeUndefined();
  });

  it('refuses a private key typed in that does not belong to the certificate typed in, and saves nothing', async () => {
    const before = await rawWorkspaceFile();
    await authenticationUrl().fill(TOKEN_URL);
    const key = orders().getByLabel('Private key (PEM, unencrypted)', { exact: true });
    await key.fill(pki.strayKey);
    await page.getByRole('button', { name: 'Save application' }).click();
    await expect.poll(() => fieldErrorOf(key)).toMatch(/^the private key does not belong to the certificate \(subject /);
    expect(await fieldErrorOf(orders().getByLabel('Client certificate (PEM)', { exact: true }))).toBe('the certificate does not match the private key');
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await rawWorkspaceFile()).toBe(before);
    expect(await inKeychain('orders-oauth-cert', NS)).toBeUndefined();
    await key.fill(pki.client.key);
  });

  it('saves the credentials reference to the workspace file and the id, certificate and key to the keychain', async () => {
    await page.getByRole('button', { name: 'Save application' }).click();
    await page.getByText('Kyma application commerce saved; the credentials are in the vault.').waitFor();

    expect((await workspaceFile()).applications[0]!.services[0]!.entries[0]!.credentials).toEqual({ type: 'OAuthWithCert', secretName: 'orders-oauth-cert', authenticationUrl: TOKEN_URL });
    expect((await inKeychain('orders-oauth-cert', NS))?.data).toEqual({ clientId: 'orders-client', crt: pki.client.cert, key: pki.client.key });
    const raw = await rawWorkspaceFile();
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain('orders-client');
  });
});
