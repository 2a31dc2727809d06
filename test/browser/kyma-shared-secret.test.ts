// The Kyma application form writes credential values typed in with a service into the secret it names. When
// another item reads that secret too (here a service's endpoint security), the form asks first, naming who,
// as the service form does; "Cancel" saves nothing (the vault and the workspace file stay as they were), and a
// secret no one else reads is written without a question. Against the real services and the real keychain.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WORKSPACE_FILE } from '../../main/services/workspace-store/store-paths';
import { fieldErrorOf, openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;
const NS = 'kyma-integration';

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({
    before: async (services) => {
      const call = async (channel: string, payload: unknown) => {
        const envelope = await services.dispatch(channel, payload);
        if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
      };
      await call('secrets:set', { name: 'orders-basic', namespace: NS, data: { username: 'old-user', password: 'old-pass-123' } });
      await call('workspace:save', {
        services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'orders-basic', namespace: NS } }],
        applications: [{
          name: 'commerce', namespace: NS, services: [
            { id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'orders', displayName: 'Orders', description: 'Orders API', providerDisplayName: 'ACME', entries: [{ targetUrl: upstream.url, credentials: { type: 'Basic', secretName: 'orders-basic' } }] },
            { id: 'c2b7e1b5-7b42-4d5c-8d66-6a0f4d9e9e22', name: 'invoices', displayName: 'Invoices', description: 'Invoices API', providerDisplayName: 'ACME', entries: [{ targetUrl: upstream.url, credentials: { type: 'Basic', secretName: 'invoices-basic' } }] },
          ],
        }],
      });
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const orders = () => page.getByRole('group', { name: 'Orders' });
const invoices = () => page.getByRole('group', { name: 'Invoices' });
const shareDialog = () => page.getByRole('alertdialog', { name: `Write into secret ${NS}/orders-basic?` });
const stored = (name: string, key: string) => app.call<{ value: string }>('secrets:reveal', { name, namespace: NS, key }).then((r) => r.value, () => undefined);
const workspaceFile = () => readFile(join(app.dataDir, WORKSPACE_FILE), 'utf8');

describe('typing credentials into a secret another item reads', () => {
  it('asks first, naming who else reads it; Cancel saves nothing', async () => {
    const fileBefore = await workspaceFile();
    await page.getByRole('button', { name: /^commerce/ }).click();
    await orders().getByLabel('Username', { exact: true }).fill('new-user');
    await orders().getByLabel('Password', { exact: true }).fill('new-pass-456');
    await invoices().getByLabel('Description', { exact: true }).fill('Invoices API, v2');
    await page.getByRole('button', { name: 'Save application' }).click();

    await shareDialog().waitFor();
    expect(await shareDialog().textContent()).toContain(`${NS}/orders-basic is also read by service erp (keys username, password): saving changes it for them too.`);
    // Nothing is being saved while the question waits: the form says so, not "Saving…".
    expect(await page.locator('.form-messages [role="status"]').first().textContent()).toBe('Not saved yet: waiting for your answer.');
    await app.screenshot('62-kyma-shared-secret-asks');
    await shareDialog().getByRole('button', { name: 'Cancel' }).click();

    const secretName = orders().getByLabel('Secret name', { exact: true });
    await expect.poll(() => fieldErrorOf(secretName)).toContain('also read by service erp (keys username, password): choose another secret name to leave theirs as it is');
    await app.screenshot('63-kyma-shared-secret-cancelled');
    expect(await stored('orders-basic', 'username')).toBe('old-user');
    expect(await stored('orders-basic', 'password')).toBe('old-pass-123');
    expect(await workspaceFile()).toBe(fileBefore);
  });

  it('writes into it once the user agrees', async () => {
    await page.getByRole('button', { name: 'Save application' }).click();
    await shareDialog().getByRole('button', { name: 'Write into the shared secret' }).click();
    // Saved; the gateway leaves out only the service whose secret is not entered yet.
    await page.getByText('Saved, not served: Kyma service commerce/invoices: secret kyma-integration/invoices-basic is not in the vault').waitFor();
    expect(await stored('orders-basic', 'username')).toBe('new-user');
    expect(await stored('orders-basic', 'password')).toBe('new-pass-456');
    expect(await workspaceFile()).toContain('Invoices API, v2');
  });

  it('writes a secret no one else reads without asking', async () => {
    await invoices().getByLabel('Username', { exact: true }).fill('inv-user');
    await invoices().getByLabel('Password', { exact: true }).fill('inv-pass-789');
    await page.getByRole('button', { name: 'Save application' }).click();
    await page.getByText('Kyma application commerce saved; the credentials are in the vault.').waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await stored('invoices-basic', 'password')).toBe('inv-pass-789');
  });
});
