// The Import screen with the seed 000 snippets and the Cluster screen against the fake Kubernetes API, in the
// real renderer against the real services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';
import { seedSnippets } from '../support/seed-snippets';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api/index';
import { kymaBasicDocuments } from '../support/kyma-basic-documents';

let app: BrowserApp;
let page: Page;
let api: FakeKubeApi;

beforeAll(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'kyma-integration', 'apk'], crds: ['kyma', 'apk'] });
  const kubeconfig = await api.writeKubeconfig({ credentials: { token: api.addUser('admin') }, namespace: 'apk' });
  app = await openBrowserApp({ kubeconfigFiles: [kubeconfig] });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await api?.close();
});

async function go(p: Page, screen: string): Promise<void> {
  await p.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${screen}`) }).click();
  await p.getByRole('heading', { level: 1, name: screen }).waitFor();
}

async function importText(text: string, name?: string): Promise<void> {
  await page.getByLabel('Document', { exact: true }).fill(text);
  if (name) await page.getByLabel('Service name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByRole('region', { name: 'Import preview' }).waitFor();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/^Imported /).waitFor();
}

describe('Import screen with the seed 000 snippets', () => {
  it('imports the inline-password endpointConfig and the secretRefName one with its Secret', async () => {
    const [secret, refConfig, , inlineConfig] = seedSnippets('000');
    await go(page, 'Import');
    await page.getByLabel('Document', { exact: true }).fill(`${secret!}\n---\n${refConfig!}`);
    await page.getByLabel('Service name', { exact: true }).fill('httpbin-ref');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = page.getByRole('region', { name: 'Import preview' });
    await preview.waitFor();
    expect(await preview.textContent()).toContain('apk/backend-creds: username, password');
    await app.screenshot('20-import-preview');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/^Imported /).waitFor();
    await importText(inlineConfig!, 'httpbin-inline');
    expect(await page.getByRole('status').filter({ hasText: 'Imported' }).textContent()).toContain('went to the vault');
  });

  it('after a reload the forms show the imported services; the workspace file holds no secret value', async () => {
    const fresh = await app.openPage();
    await go(fresh, 'Services & routes');
    await fresh.getByRole('button', { name: /^httpbin-inline/ }).click();
    const production = fresh.getByRole('group', { name: 'Production endpoint' });
    expect(await production.getByLabel('Authentication to the backend').inputValue()).toBe('basic');
    expect(await production.getByLabel('Secret name').inputValue()).toBe('httpbin-inline-production-credentials');
    await fresh.getByRole('button', { name: /^httpbin-ref/ }).click();
    expect(await fresh.getByRole('group', { name: 'Production endpoint' }).getByLabel('Secret name').inputValue()).toBe('backend-creds');
    await go(fresh, 'Secrets');
    await fresh.getByText('httpbin-inline-production-credentials').first().waitFor();
    const file = await readFile(join(app.dataDir, 'workspace.json'), 'utf8');
    expect(file).toContain('httpbin-inline-production-credentials');
    expect(file).not.toMatch(/"password"\s*:\s*"admin"|YWRtaW4=|"admin"/);
    await fresh.close();
  });

  it('exports the workspace (a Blob download the CSP allows, and the text to copy)', async () => {
    await go(page, 'Import');
    const download = page.waitForEvent('download').catch(() => undefined);
    await page.getByRole('button', { name: 'Export workspace' }).click();
    const exported = page.getByLabel('Exported', { exact: true });
    await exported.waitFor();
    expect(await exported.inputValue()).toContain('httpbin-inline');
    expect(await download).toBeTruthy();
    expect(app.cspViolations).toEqual([]);
  });

  it('Preview refuses a Kyma Secret whose username Basic cannot carry, naming its field, as Import would', async () => {
    await go(page, 'Import');
    await page.getByLabel('Document', { exact: true }).fill(kymaBasicDocuments('ad:min'));
    // The name the imports before left in the field would rename the application: the document's own is used.
    await page.getByLabel('Application name', { exact: true }).fill('');
    await page.getByLabel('Namespace', { exact: true }).fill('kyma-integration');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot import this' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Cannot import this: pasted document (document 2): stringData.username: secret "kyma-integration/kyma-creds" key "username" contains ":", which ends a Basic user-id (RFC 7617); service "commerce/orders" sends it to its backend as Basic credentials, which no Basic client can send as written, so nothing was imported');
    expect(await page.getByRole('region', { name: 'Import preview' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await alert.scrollIntoViewIfNeeded();
    await app.screenshot('21-import-preview-refused');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('Preview says the field errors Import would refuse: an APISIX route whose path the imported httpbin-inline already serves', async () => {
    await go(page, 'Import');
    await page.getByLabel('Document', { exact: true }).fill(JSON.stringify({ name: 'httpbin-apisix', uri: '/httpbin-inline/*', upstream: { type: 'roundrobin', nodes: { 'httpbin.org:80': 1 } } }, null, 2));
    // The fields the tests before filled would rename the route's service and place it: the document's own name is used.
    await page.getByLabel('Service name', { exact: true }).fill('');
    await page.getByLabel('Namespace', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot import this' });
    await alert.waitFor();
    expect(await alert.locator('p').textContent()).toBe('Cannot import this: the workspace would be invalid.');
    expect(await alert.getByRole('listitem').allTextContents()).toEqual(['routes[0].path: "/httpbin-inline" is already service "httpbin-inline"\'s: no request would reach route "httpbin-apisix"']);
    expect(await page.getByRole('region', { name: 'Import preview' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await alert.scrollIntoViewIfNeeded();
    await app.screenshot('22-import-preview-invalid-workspace');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });
});

describe('Cluster screen against the fake API server', () => {
  it('connects, previews, pushes; the second push is unchanged', async () => {
    // The seed's Secret was imported as apk/backend-creds; the secretRefName reference (no namespace) finds it.
    await go(page, 'Cluster');
    await expect.poll(() => page.getByLabel('Context', { exact: true }).inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Connect & test' }).click();
    const connection = page.getByRole('region', { name: 'Connection test' });
    await connection.waitFor();
    expect(await connection.textContent()).toContain('Kyma Applications: served');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const plan = page.getByRole('region', { name: 'Preview' });
    await plan.or(page.locator('.notice-error')).first().waitFor();
    expect(await page.locator('.notice-error').count(), (await page.locator('.notice-error').allTextContents()).join()).toBe(0);
    expect(await plan.textContent()).toContain('create');
    await app.screenshot('30-cluster-preview');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    const result = page.getByRole('region', { name: 'Push result' });
    await expect.poll(() => result.textContent()).toContain('created');
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(async () => (await result.textContent()) ?? '').toMatch(/Pushed: \d+ unchanged\./);
    await app.screenshot('31-cluster-pushed');
    expect(app.cspViolations).toEqual([]);
  });
});
