// Without a usable keychain the app keeps secrets in memory for the session: the banner says so, and the
// Secrets screen still works (real services with keytar failing to load, real forked gateway, Chromium).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';

let app: BrowserApp;

beforeAll(async () => {
  app = await openBrowserApp({
    loadKeytar: async () => {
      throw new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory');
    },
  });
  await app.page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe('session-only vault', () => {
  it('shows a banner that secrets last for this session only, on every screen', async () => {
    const page = app.page;
    const banner = page.getByRole('region', { name: 'Secret storage' });
    expect(await banner.textContent()).toContain('Secrets are kept for this session only.');
    expect(await page.getByText('Secrets: this session only').count()).toBe(1);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Secrets/ }).click();
    expect(await page.getByText('Values are kept in memory for this session only').count()).toBe(1);
    expect(await banner.isVisible()).toBe(true);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('stores, masks and reveals a secret in memory', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Name', { exact: true }).fill('backend-creds');
    await page.getByLabel('Key 1', { exact: true }).fill('token');
    await page.getByLabel('Value 1 (token)', { exact: true }).fill('s3cr3t-token');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByText('Secret backend-creds saved.').waitFor();
    expect(await page.getByLabel('token of backend-creds, hidden').textContent()).toBe('••••••••');
    await app.screenshot('14-session-only-secrets');
    await page.getByRole('button', { name: 'Reveal token of backend-creds' }).click();
    expect(await page.getByLabel('token of backend-creds, revealed').textContent()).toBe('s3cr3t-token');
    expect(await app.call('vault:status')).toMatchObject({ mode: 'session-only' });
  });

  it('kept to the CSP', () => {
    expect(app.cspViolations).toEqual([]);
    expect(app.consoleProblems).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
