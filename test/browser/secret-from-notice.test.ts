// A secret opened from the status bar's "Enter secret …" link (a navigation target into the Secrets screen),
// against the real services: once it is saved nothing is unsaved, so leaving the screen does not ask to discard
// anything; edits not saved still ask. The link opens the secret's form from the Secrets screen itself too, and
// a form discarded for it is gone, not left on screen with its edits no longer guarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserAppServing, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  const needing = (name: string) => ({ name, pathPrefix: `/${name}`, upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: `${name}-creds` } });
  app = await openBrowserAppServing([needing('backend'), needing('billing'), needing('ledger')], { width: 1360, height: 860 });
  page = app.page;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const statusBar = () => page.locator('footer.status-bar');
const screens = () => page.getByRole('navigation', { name: 'Screens' });
const discardDialog = () => page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });

async function leaveFor(screen: 'Services' | 'Traffic'): Promise<void> {
  await screens().getByRole('button', { name: new RegExp(`^${screen}`) }).click();
}

describe('a secret entered from the status bar', () => {
  it('saved, leaves the Secrets screen without asking to discard anything', async () => {
    await statusBar().getByRole('button', { name: 'Enter secret backend-creds' }).click();
    await page.getByRole('heading', { name: 'New secret' }).waitFor();
    await page.getByLabel('Value 1 (username)').fill('svc-user');
    await page.getByLabel('Value 2 (password)').fill('svc-pass-123');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByText('Secret backend-creds saved.').waitFor();
    await leaveFor('Services');
    await page.getByRole('heading', { level: 1, name: 'Services & routes' }).waitFor();
    expect(await discardDialog().count()).toBe(0);
  });

  it('from the Secrets screen itself opens that secret: a changed form is asked about, then replaced', async () => {
    await screens().getByRole('button', { name: /^Secrets/ }).click();
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('scratch');
    await page.getByLabel('Key 1', { exact: true }).fill('token');
    await page.getByLabel('Value 1 (token)').fill('typed-but-not-kept');

    await statusBar().getByRole('button', { name: 'Enter secret billing-creds' }).click();
    await discardDialog().waitFor();
    expect(await discardDialog().textContent()).toContain('You have unsaved changes to the new secret.');
    await discardDialog().getByRole('button', { name: 'Discard changes' }).click();
    // The form the link asked for, not the discarded one still holding its edits.
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('billing-creds');
    expect(await page.getByLabel('Value 1 (username)').inputValue()).toBe('');
    await app.screenshot('60-secret-link-on-secrets-screen');

    await page.getByLabel('Value 1 (username)').fill('billing-user');
    await page.getByLabel('Value 2 (password)').fill('billing-pass-123');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByText('Secret billing-creds saved.').waitFor();
    await app.screenshot('61-secret-link-on-secrets-screen-saved');
    await leaveFor('Traffic');
    await page.getByRole('heading', { level: 1, name: 'Traffic' }).waitFor();
    expect(await discardDialog().count()).toBe(0);
    // The link was taken when it opened the form: coming back does not open it a second time.
    await screens().getByRole('button', { name: /^Secrets/ }).click();
    await page.getByText('Select a secret to see its keys and where it is used.').waitFor();
  });

  it('edited and not saved, still asks before leaving', async () => {
    await statusBar().getByRole('button', { name: 'Enter secret ledger-creds' }).click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('ledger-creds');
    await page.getByLabel('Value 1 (username)').fill('ledger-user');
    await leaveFor('Services');
    await discardDialog().waitFor();
    expect(await discardDialog().textContent()).toContain('You have unsaved changes to the new secret.');
    await discardDialog().getByRole('button', { name: 'Keep editing' }).click();
    expect(await page.getByLabel('Value 1 (username)').inputValue()).toBe('ledger-user');
  });
});
