// The Cluster screen in the real renderer against the real services and the fake Kubernetes API server:
// without a kubeconfig it says why and offers Retry and a file picker (issue 14 §2.2); its preview accounts for
// every workspace item and shows nested changes as nested fields (issue 14 §2.11). Screenshots at 1280×820 and
// 900×600 go to test-results/screenshots. The native file dialog cannot run here: the bridge's chooser stands
// in for it (main/electron/kubeconfig-dialog.ts is the two-line Electron side).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, SCREENSHOT_DIR, type BrowserApp } from '../support/browser-app';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api/index';

const NS = 'kyma-integration';
let api: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  // Kyma is served; WSO2 APK and APISIX are not.
  api = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-cluster-screen-'));
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function go(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${screen}`) }).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}

/** The same view at both sizes the issue names; the caller looks at them. */
async function screenshots(page: Page, name: string, showing?: Locator): Promise<void> {
  for (const [width, height] of [[1280, 820], [900, 600]] as const) {
    await page.setViewportSize({ width, height });
    await showing?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}x${height}.png`) });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}x${height}-full.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 820 });
}

describe('no kubeconfig: not a dead end', () => {
  let app: BrowserApp;
  let page: Page;
  let missing: string;
  let picked: string;
  const chooser: { next: string | undefined } = { next: undefined };

  beforeAll(async () => {
    missing = join(dir, 'not-yet', 'config');
    picked = join(dir, 'picked.kubeconfig');
    await writeFile(picked, api.kubeconfig({ credentials: { token: api.addUser('picker') }, namespace: NS, context: 'picked' }));
    app = await openBrowserApp({ kubeconfigFiles: [missing], chooseKubeconfigFile: async () => chooser.next, viewport: { width: 1280, height: 820 } });
    page = app.page;
    await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
  }, 60_000);

  afterAll(() => app?.close());

  it('says why the kubeconfig cannot be read, with Retry and a file picker, instead of "Reading the kubeconfig…" forever', async () => {
    await go(page, 'Cluster');
    const kubeconfig = page.getByRole('group', { name: 'Kubeconfig' });
    const alert = kubeconfig.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`Cannot read kubeconfig ${missing}: no such file`);
    expect(await alert.textContent()).toContain('choose another file');
    expect(await page.getByText('Reading the kubeconfig…').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Retry' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Choose kubeconfig file…' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Connect & test' }).isDisabled()).toBe(true);
    await screenshots(page, '40-cluster-no-kubeconfig');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('Retry reads the kubeconfig again once it is there', async () => {
    await rm(join(dir, 'not-yet'), { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'not-yet'));
    await writeFile(missing, api.kubeconfig({ credentials: { token: api.addUser('late') }, namespace: NS, context: 'arrived' }));
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByLabel('Context', { exact: true }).inputValue()).toBe('arrived');
    expect(await page.getByRole('group', { name: 'Kubeconfig' }).getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Kubeconfig' }).textContent()).toContain(missing);
  });

  it('a chosen file is used and remembered for the workspace; cancelling changes nothing', async () => {
    chooser.next = undefined;
    await page.getByRole('button', { name: 'Choose kubeconfig file…' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Choose kubeconfig file…' }).isEnabled()).toBe(true);
    expect(await page.getByLabel('Context', { exact: true }).inputValue()).toBe('arrived');

    chooser.next = picked;
    await page.getByRole('button', { name: 'Choose kubeconfig file…' }).click();
    await expect.poll(() => page.getByLabel('Context', { exact: true }).inputValue()).toBe('picked');
    expect(await page.getByRole('group', { name: 'Kubeconfig' }).textContent()).toContain(`${picked} (chosen for this workspace)`);
    await page.getByRole('button', { name: 'Connect & test' }).click();
    await page.getByRole('region', { name: 'Connection test' }).waitFor();
    expect(await page.getByRole('region', { name: 'Connection test' }).textContent()).toContain('as picked-user');
    const saved = JSON.parse(await readFile(join(app.dataDir, 'workspace.json'), 'utf8')) as { cluster?: { kubeconfig?: string; context?: string } };
    expect(saved.cluster).toMatchObject({ kubeconfig: picked, context: 'picked' });
    await screenshots(page, '41-cluster-chosen-kubeconfig');

    // A new window (the app restarted) offers the same file and context.
    const fresh = await app.openPage();
    await go(fresh, 'Cluster');
    await expect.poll(() => fresh.getByLabel('Context', { exact: true }).inputValue()).toBe('picked');
    expect(await fresh.getByRole('group', { name: 'Kubeconfig' }).textContent()).toContain('chosen for this workspace');
    await fresh.getByRole('button', { name: 'Use KUBECONFIG / ~/.kube/config' }).click();
    await expect.poll(() => fresh.getByLabel('Context', { exact: true }).inputValue()).toBe('arrived');
    const after = JSON.parse(await readFile(join(app.dataDir, 'workspace.json'), 'utf8')) as { cluster?: { kubeconfig?: string } };
    expect(after.cluster?.kubeconfig).toBeUndefined();
    await fresh.close();
  });
});

describe('the preview accounts for every workspace item', () => {
  let app: BrowserApp;
  let page: Page;
  const ERP_PASSWORD = 'erp-preview-Pa55';

  beforeAll(async () => {
    const kubeconfig = await api.writeKubeconfig({ credentials: { token: api.addUser('previewer') }, namespace: NS, context: 'preview' }, dir);
    app = await openBrowserApp({
      kubeconfigFiles: [kubeconfig],
      viewport: { width: 1280, height: 820 },
      async before(services) {
        const call = async (channel: string, payload: unknown) => {
          const envelope = await services.dispatch(channel, payload);
          if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
          return envelope.value;
        };
        await call('secrets:set', { name: 'orders-backend', data: { username: 'svc-orders', password: 'orders-Pa55' } });
        await call('secrets:set', { name: 'billing-oauth', data: { clientId: 'billing', clientSecret: 'billing-Pa55' } });
        await call('secrets:set', { name: 'alex-login', data: { password: 'alex-Pa55' } });
        await call('secrets:set', { name: 'erp-basic', namespace: NS, data: { username: 'svc-erp', password: ERP_PASSWORD } });
        await call('workspace:save', {
          services: [
            { name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } },
            { name: 'billing', upstream: { url: 'https://billing.example.com' }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: 'https://login.example.com/token', secret: 'billing-oauth' } },
          ],
          routes: [{ name: 'list-orders', service: 'orders', path: '/list' }],
          consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-login', key: 'password' } } }],
          applications: [{
            name: 'commerce', namespace: NS,
            services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com/sap/opu/odata/sap/API_BUSINESS_PARTNER', credentials: { type: 'Basic', secretName: 'erp-basic' } }] }],
          }],
        });
      },
    });
    page = app.page;
    await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
  }, 60_000);

  afterAll(() => app?.close());

  it('lists each item as pushed, skipped or not applicable with why, and nests the Application diff', async () => {
    await go(page, 'Cluster');
    await expect.poll(() => page.getByLabel('Context', { exact: true }).inputValue()).toBe('preview');
    await page.getByRole('button', { name: 'Connect & test' }).click();
    await page.getByRole('region', { name: 'Connection test' }).waitFor();
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const plan = page.getByRole('region', { name: 'Preview' });
    await plan.or(page.locator('.notice-error')).first().waitFor();
    expect(await page.locator('.notice-error').count(), (await page.locator('.notice-error').allTextContents()).join()).toBe(0);

    const items = plan.getByRole('region', { name: 'Workspace items' });
    const row = (name: string) => items.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
    expect(await row('orders').textContent()).toMatch(/not applicable.*does not serve WSO2 APK Backends/);
    expect(await row('billing').textContent()).toMatch(/skipped.*only Basic credentials.*not OAuth2 client credentials/);
    expect(await row('list-orders').textContent()).toMatch(/not applicable.*service "orders" calls a URL/);
    expect(await row('alex').textContent()).toMatch(/not applicable.*does not serve APISIX/);
    expect(await row('commerce').textContent()).toMatch(/pushed.*Application commerce, Secret kyma-integration\/erp-basic/);

    // Secrets only unserved kinds would use are not sent, and say so.
    const objectRow = (label: string) => plan.getByRole('row').filter({ has: page.getByText(label, { exact: true }) });
    expect(await objectRow('Secret kyma-integration/orders-backend').textContent()).toMatch(/not served.*used only by Backend kyma-integration\/orders/);
    expect(await objectRow('Secret kyma-integration/gatehouse-consumer-alex').textContent()).toContain('not served');

    // The Application's changes are nested fields, whole values, no blob cut short.
    const application = objectRow('Application commerce');
    const leaf = application.locator('li', { hasText: /^. ?targetUrl/ }).last();
    expect(await leaf.textContent()).toContain('"https://erp.example.com/sap/opu/odata/sap/API_BUSINESS_PARTNER"');
    expect(await application.locator('li').filter({ hasText: /^credentials/ }).locator('li').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('secretName: "erp-basic"')]));
    expect(await plan.textContent()).not.toContain('…');
    expect(await plan.textContent()).not.toContain(ERP_PASSWORD);
    await screenshots(page, '42-cluster-preview-items', items);
    await screenshots(page, '42-cluster-preview-application', application);
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await page.getByRole('button', { name: 'Push', exact: true }).click();
    const result = page.getByRole('region', { name: 'Push result' });
    await expect.poll(() => result.textContent()).toContain('created');
    const secrets = api.registry.find('', 'v1', 'secrets')!;
    expect(api.store.get(secrets, NS, 'erp-basic')).toBeDefined();
    expect(api.store.get(secrets, NS, 'orders-backend')).toBeUndefined();
    expect(api.store.get(secrets, NS, 'gatehouse-consumer-alex')).toBeUndefined();
    expect(api.store.get(secrets, NS, 'billing-oauth')).toBeUndefined();
    expect(await result.textContent()).toMatch(/Pushed: 2 created, 4 not served\./);
    await screenshots(page, '43-cluster-pushed', result);
    expect(app.cspViolations).toEqual([]);
  });

  it('saves the workspace label prune selects by, and the pushed objects carry it', async () => {
    await go(page, 'Cluster');
    const prune = page.getByRole('region', { name: 'Prune' });
    const label = prune.getByLabel('Workspace label');
    expect(await label.inputValue()).toBe('');
    await label.fill('Not a label!');
    await prune.getByRole('button', { name: 'Save label' }).click();
    await expect.poll(() => prune.locator('.field-error').textContent()).toMatch(/a Kubernetes label value/);
    await label.fill('orders-team');
    await prune.getByRole('button', { name: 'Save label' }).click();
    await expect.poll(() => prune.getByRole('status').textContent()).toContain('labelled gatehouse.dev/workspace=orders-team');
    const saved = JSON.parse(await readFile(join(app.dataDir, 'workspace.json'), 'utf8')) as { cluster?: { label?: string } };
    expect(saved.cluster?.label).toBe('orders-team');
    await screenshots(page, '45-cluster-workspace-label', prune);

    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Push result' }).textContent()).toMatch(/updated/);
    const secrets = api.registry.find('', 'v1', 'secrets')!;
    expect((api.store.get(secrets, NS, 'erp-basic') as { metadata: { labels?: Record<string, string> } }).metadata.labels).toMatchObject({ 'gatehouse.dev/workspace': 'orders-team' });
    expect(app.cspViolations).toEqual([]);
  });

  it('an export with secret values goes when "Include secret values" is unticked', async () => {
    await go(page, 'Cluster');
    const section = page.getByRole('region', { name: 'Export YAML' });
    const yaml = section.getByLabel('kubectl apply -f ready YAML');
    const password = Buffer.from(ERP_PASSWORD).toString('base64');
    await section.getByLabel('Include secret values').check();
    await section.getByRole('button', { name: 'Export YAML' }).click();
    await expect.poll(() => yaml.inputValue()).toContain(password);
    await section.getByLabel('Include secret values').uncheck();
    expect(await yaml.count()).toBe(0);
    expect(await section.textContent()).not.toContain(password);
    await screenshots(page, '47-cluster-export-unticked', section);

    // One made without values stays: ticking and unticking the box does not change what it holds.
    await section.getByRole('button', { name: 'Export YAML' }).click();
    await expect.poll(() => yaml.inputValue()).toContain('kubectl create secret generic');
    await section.getByLabel('Include secret values').check();
    await section.getByLabel('Include secret values').uncheck();
    expect(await yaml.inputValue()).not.toContain(password);
  });

  it('names beside the YAML each item the export leaves out, with why, as the CLI does', async () => {
    await go(page, 'Cluster');
    const section = page.getByRole('region', { name: 'Export YAML' });
    await section.getByRole('button', { name: 'Export YAML' }).click();
    const leftOut = section.getByRole('region', { name: 'Left out of the export' });
    await leftOut.waitFor();
    expect(await section.getByLabel('kubectl apply -f ready YAML').inputValue()).toContain('kind: Backend');
    expect(await leftOut.locator('p').textContent()).toBe('Left out, whole or in part:');
    // The export is not limited to what this cluster serves: orders and alex are exported whole, and not listed.
    expect(await leftOut.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^service billing +skipped: a WSO2 APK Backend carries only Basic credentials \(spec\.security\.basic\), not OAuth2 client credentials, and its upstream is not a Service in the cluster/),
      expect.stringMatching(/^route list-orders +not applicable: an APISIX route goes to a Service in the cluster; service "orders" calls a URL$/),
    ]);
    await screenshots(page, '48-cluster-export-left-out', leftOut);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('reads the same in dark mode (contrast checked by axe)', async () => {
    const dark = await app.openPage({ colorScheme: 'dark' });
    await go(dark, 'Cluster');
    await expect.poll(() => dark.getByLabel('Context', { exact: true }).inputValue()).toBe('preview');
    await dark.getByRole('button', { name: 'Connect & test' }).click();
    await dark.getByRole('region', { name: 'Connection test' }).waitFor();
    await dark.getByRole('button', { name: 'Preview', exact: true }).click();
    const items = dark.getByRole('region', { name: 'Workspace items' });
    await items.waitFor();
    await screenshots(dark, '44-cluster-preview-dark', items);
    expect(seriousViolations(await runAxe(dark))).toEqual([]);
    await dark.close();
  });

  it('says there is nothing to export, and why, instead of offering a file of comments', async () => {
    await app.call('workspace:save', { services: [{ name: 'plain', upstream: { url: 'https://plain.example.com' } }], routes: [{ name: 'p', service: 'plain', path: '/p' }] });
    await go(page, 'Cluster');
    const section = page.getByRole('region', { name: 'Export YAML' });
    await section.getByRole('button', { name: 'Export YAML' }).click();
    await section.getByText('Nothing to export: no item of the workspace becomes a cluster object.').waitFor();
    expect(await section.getByLabel('kubectl apply -f ready YAML').count()).toBe(0);
    expect(await section.getByRole('region', { name: 'Left out of the export' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^service plain +not applicable: no backend credentials and its upstream is outside the cluster/),
      expect.stringMatching(/^route p +not applicable: an APISIX route goes to a Service in the cluster; service "plain" calls a URL$/),
    ]);
    await screenshots(page, '49-cluster-export-nothing', section);
    expect(app.cspViolations).toEqual([]);
  });
});

describe('another context chosen after connecting', () => {
  let app: BrowserApp;
  let page: Page;
  let prod: FakeKubeApi;

  beforeAll(async () => {
    prod = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma'] });
    const devFile = join(dir, 'dev.kubeconfig');
    const prodFile = join(dir, 'prod.kubeconfig');
    await writeFile(devFile, api.kubeconfig({ credentials: { token: api.addUser('dev-admin') }, namespace: NS, context: 'dev' }));
    await writeFile(prodFile, prod.kubeconfig({ credentials: { token: prod.addUser('prod-admin') }, namespace: NS, context: 'prod' }));
    app = await openBrowserApp({ kubeconfigFiles: [devFile, prodFile], viewport: { width: 1280, height: 820 } });
    await app.call('secrets:set', { name: 'shop-basic', namespace: NS, data: { username: 'svc-shop', password: 'shop-Pa55' } });
    await app.call('workspace:save', {
      applications: [{
        name: 'shop', namespace: NS,
        services: [{ id: '0c7a7f57-3f4e-4d0e-9d8e-6a3c1b2f4e51', name: 'shop', displayName: 'Shop', description: 'Shop API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://shop.example.com/api', credentials: { type: 'Basic', secretName: 'shop-basic' } }] }],
      }],
    });
    page = app.page;
    await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await prod?.close();
  });

  it('drops the connection, preview and Push of the context before; Push goes where the screen says', async () => {
    await go(page, 'Cluster');
    const select = page.getByLabel('Context', { exact: true });
    await expect.poll(() => select.locator('option').count()).toBe(2);
    await select.selectOption('dev');
    await page.getByRole('button', { name: 'Connect & test' }).click();
    const connection = page.getByRole('region', { name: 'Connection test' });
    await expect.poll(() => connection.textContent()).toContain('(context dev,');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByRole('region', { name: 'Preview' }).waitFor();

    await select.selectOption('prod');
    await screenshots(page, '46-cluster-context-changed');
    expect(await connection.count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Preview' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Push', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Preview', exact: true }).isDisabled()).toBe(true);
    // Main let go of dev too: nothing it is asked for goes there any more.
    await expect.poll(() => app.call('cluster:plan').then(() => 'connected', (e: Error) => e.message)).toContain('no cluster is connected');

    const devWrites = () => api.requests.filter((r) => r.method !== 'GET' && r.user === 'dev-admin').length;
    const before = devWrites();
    await page.getByRole('button', { name: 'Connect & test' }).click();
    await expect.poll(() => connection.textContent()).toContain('(context prod,');
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Push result' }).textContent()).toMatch(/2 created/);
    const secrets = prod.registry.find('', 'v1', 'secrets')!;
    expect(prod.store.get(secrets, NS, 'shop-basic')).toBeDefined();
    expect(devWrites()).toBe(before);
    expect(api.store.get(api.registry.find('', 'v1', 'secrets')!, NS, 'shop-basic')).toBeUndefined();
  });

  it('another namespace drops the connection as well', async () => {
    const connection = page.getByRole('region', { name: 'Connection test' });
    await expect.poll(() => connection.count()).toBe(1);
    await page.getByLabel('Namespace', { exact: true }).fill('default');
    expect(await connection.count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Push result' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Push', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Namespace', { exact: true }).inputValue()).toBe('default');
  });
});
