// @vitest-environment jsdom
// The Import screen (placeholders, preview, import) and the Cluster screen (connect, preview, push, force after
// confirming) against the in-memory fake; the browser tests drive the same screens against the real services.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';
import { findPlaceholders } from '../../../../renderer/src/model/import-placeholders';
import { failure } from '../../support/fake-gatehouse';

afterEach(cleanup);

describe('import screen', () => {
  it('finds {{Name}} and {NAME} placeholders once each', () => {
    expect(findPlaceholders('"name": "{{ServiceName}}", "ns": "{{ ServiceNamespace }}", "x": "{HOST}", again {{ServiceName}}, json: {\n "a": 1 }').map((p) => p.written)).toEqual(['{{ServiceName}}', '{{ServiceNamespace}}', '{HOST}']);
  });

  it('offers an input per placeholder, previews names and keys only, then imports', async () => {
    const fake = await renderApp({}, (f) => {
      f.importPreview = { services: ['backend'], routes: [], consumers: [], applications: [], secrets: [{ name: 'backend-production-credentials', keys: ['username', 'password'] }], notes: ['the inline username and password went to the vault'] };
      f.importResult = { workspace: { services: [{ name: 'backend', upstream: { url: 'http://backend.apk:80' } }] }, secrets: [{ name: 'backend-production-credentials', data: { username: 'admin', password: 'admin' } }] };
    }, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: '"serviceInfo": { "name": "{{ServiceName}}", "namespace": "{{ServiceNamespace}}" }' } });
    fireEvent.change(screen.getByLabelText('{{ServiceName}}'), { target: { value: 'backend' } });
    fireEvent.change(screen.getByLabelText('{{ServiceNamespace}}'), { target: { value: 'apk' } });
    expect(screen.getByRole('button', { name: 'Import' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(preview.textContent).toContain('backend');
    expect(preview.textContent).toContain('backend-production-credentials: username, password');
    expect(preview.textContent).toContain('the inline username and password will go to the vault');
    expect(preview.textContent).not.toContain('admin');
    expect(fake.callsOf('import:preview')).toEqual([{ text: expect.any(String), vars: { ServiceName: 'backend', ServiceNamespace: 'apk' } }]);

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await screen.findByText(/Imported 1 service and 1 secret to the vault\./);
    expect(fake.callsOf('import:apply')).toHaveLength(1);
    expect(fake.workspace.services.map((s) => s.name)).toEqual(['backend']);
  });

  it('shows what main refuses, with field paths', async () => {
    await renderApp({}, undefined, 'import');
    window.gatehouse!.invoke = (async () => {
      throw failure('GATEHOUSE_IMPORT', 'pasted document: no document Gatehouse can import (line 1)');
    }) as never;
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no document Gatehouse can import');
  });
});

describe('cluster screen', () => {
  const contexts = { files: ['/home/me/.kube/config'], currentContext: 'dev', contexts: [{ name: 'dev', cluster: 'dev', user: 'admin', namespace: 'kyma-integration', server: 'https://127.0.0.1:6443', auth: 'token' }] };
  const report = { context: 'dev', server: 'https://127.0.0.1:6443', user: 'admin', namespace: 'kyma-integration', serverVersion: 'v1.31.0', permissions: [], missing: ['create applications'], targets: { kymaApplications: true, apkBackends: false, apisix: false } };
  const ref = { apiVersion: 'v1', kind: 'Secret', name: 'erp-basic', namespace: 'kyma-integration' };
  const appRef = { apiVersion: 'applicationconnector.kyma-project.io/v1alpha1', kind: 'Application', name: 'commerce' };

  it('connects, previews, pushes; forcing a conflict asks first', async () => {
    const fake = await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:connect'] = report;
      f.answers['cluster:plan'] = {
        upToDate: false,
        items: [
          { ref, label: 'Secret kyma-integration/erp-basic', action: 'create', changes: [{ path: 'data.password', change: 'added', hidden: true }] },
          { ref: appRef, label: 'Application commerce', action: 'update', changes: [{ path: 'spec.services[0].entries[0].targetUrl', change: 'changed', before: '"https://old.example.com"', after: '"https://erp.example.com"' }] },
        ],
        workspaceItems: [
          { kind: 'application', name: 'commerce', status: 'pushed', objects: [appRef, ref] },
          { kind: 'service', name: 'billing', status: 'skipped', objects: [], reason: 'a WSO2 APK Backend carries only Basic credentials' },
          { kind: 'consumer', name: 'alex', status: 'not-applicable', objects: [], reason: 'this cluster does not serve APISIX consumers and routes' },
        ],
      };
      f.answers['cluster:push'] = (r: { force?: unknown }) => r.force
        ? { ok: true, counts: { updated: 1 }, items: [{ ref, label: 'Secret kyma-integration/erp-basic', outcome: 'updated' }], workspaceItems: [] }
        : { ok: false, counts: { conflict: 1 }, items: [{ ref, label: 'Secret kyma-integration/erp-basic', outcome: 'conflict', conflicts: [{ manager: 'kubectl', field: '.data.password' }] }], workspaceItems: [] };
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    expect((screen.getByLabelText('Namespace') as HTMLInputElement).value).toBe('kyma-integration');
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    const connection = await screen.findByRole('region', { name: 'Connection test' });
    expect(connection.textContent).toContain('v1.31.0');
    expect(connection.textContent).toContain('create applications');

    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const plan = await screen.findByRole('region', { name: 'Preview' });
    expect(plan.textContent).toContain('create');
    expect(plan.textContent).toContain('password: added, value hidden');
    // Nested fields: spec → services[0] → entries[0] → targetUrl, each its own list item.
    const leaf = within(plan).getByText('targetUrl').closest('li')!;
    expect(leaf.textContent).toContain('"https://old.example.com" → "https://erp.example.com"');
    expect(leaf.parentElement!.closest('li')!.firstElementChild!.textContent).toBe('entries[0]');
    const items = within(plan).getByRole('region', { name: 'Workspace items' });
    expect(within(items).getByText('billing').closest('tr')!.textContent).toContain('skipped');
    expect(within(items).getByText('alex').closest('tr')!.textContent).toContain('not applicable');

    fireEvent.click(screen.getByRole('button', { name: 'Push' }));
    const pushed = await screen.findByRole('region', { name: 'Push result' });
    expect(pushed.textContent).toContain('kubectl owns .data.password');
    fireEvent.click(screen.getByRole('button', { name: 'Force conflicting objects…' }));
    const dialog = await screen.findByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('cluster:push')).toEqual([{}]);
    fireEvent.click(screen.getByRole('button', { name: 'Force conflicting objects…' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Force push' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Push result' }).textContent).toContain('updated'));
    expect(fake.callsOf('cluster:push')).toEqual([{}, { force: [ref] }]);
  });

  it('prunes only after the confirm dialog, and warns about secret values in the export', async () => {
    const fake = await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:connect'] = report;
      f.answers['cluster:prune-candidates'] = [{ ref, label: 'Secret kyma-integration/old' }];
      f.answers['cluster:prune'] = [{ label: 'Secret kyma-integration/old', outcome: 'deleted' }];
      f.answers['cluster:export'] = { yaml: 'apiVersion: v1\nkind: Secret\n', objectCount: 1, leftOut: [] };
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    await screen.findByRole('region', { name: 'Connection test' });
    fireEvent.click(screen.getByRole('button', { name: 'List objects to prune' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete 1 object…' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete from cluster' }));
    await screen.findByText('Secret kyma-integration/old: deleted');
    expect(fake.callsOf('cluster:prune')).toEqual([{ candidates: [{ ref, label: 'Secret kyma-integration/old' }], confirm: true }]);

    fireEvent.click(screen.getByLabelText('Include secret values'));
    expect(screen.getByText('The export will contain secret values.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export YAML' }));
    await waitFor(() => expect((screen.getByLabelText('kubectl apply -f ready YAML') as HTMLTextAreaElement).value).toContain('kind: Secret'));
    expect(fake.callsOf('cluster:export')).toEqual([{ includeSecretValues: true }]);
  });

  it("says beside the exported YAML what it left out, in main's lines; with no object, why instead of a file", async () => {
    const leftOut = [
      '  service plain   not applicable: no backend credentials and its upstream is outside the cluster: nothing for the cluster to hold',
      '  consumer alex   exported as ApisixConsumer default/alex, Secret default/gatehouse-consumer-alex; its id (X-Consumer-ID) is not pushed: an ApisixConsumer carries only credentials (spec.authParameter)',
    ];
    const answers = [
      { yaml: 'apiVersion: apisix.apache.org/v2\nkind: ApisixConsumer\n', objectCount: 1, leftOut },
      { objectCount: 0, nothingToExport: 'no item of the workspace becomes a cluster object', leftOut: leftOut.slice(0, 1) },
    ];
    await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:export'] = () => answers.shift();
    }, 'cluster');
    const section = screen.getByRole('region', { name: 'Export YAML' });
    fireEvent.click(within(section).getByRole('button', { name: 'Export YAML' }));
    const yaml = await within(section).findByLabelText('kubectl apply -f ready YAML');
    expect((yaml as HTMLTextAreaElement).value).toContain('kind: ApisixConsumer');
    const list = within(section).getByRole('region', { name: 'Left out of the export' });
    expect(list.firstElementChild!.textContent).toBe('Left out, whole or in part:');
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(leftOut.map((line) => line.trim()));
    expect(within(section).queryByText(/^Nothing to export/)).toBeNull();

    // The workspace changed so that nothing becomes an object: the YAML before goes, and no file of comments comes.
    fireEvent.click(within(section).getByRole('button', { name: 'Export YAML' }));
    await within(section).findByText('Nothing to export: no item of the workspace becomes a cluster object.');
    expect(within(section).queryByLabelText('kubectl apply -f ready YAML')).toBeNull();
    expect(within(within(section).getByRole('region', { name: 'Left out of the export' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([leftOut[0]!.trim()]);
  });

  it('warns when the namespace connected to is not on the cluster', async () => {
    await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:connect'] = { ...report, namespace: 'no-such-ns', namespaceMissing: true };
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    const test = await screen.findByRole('region', { name: 'Connection test' });
    expect(test.textContent).toContain('Namespace no-such-ns does not exist on this cluster: a push there fails until it is created (kubectl create namespace no-such-ns).');
  });

  it('says on the Namespace and Application name fields what main would refuse, and sends nothing', async () => {
    const fake = await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:connect'] = report;
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    // A namespace is a DNS-1123 label, as main checks it: "Team_A" and "team.a" (good secret namespaces) are refused
    // on the field too, not in a banner after main was asked.
    for (const namespace of ['Bad NS!', 'Team_A', 'team.a']) {
      fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: namespace } });
      fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
      await waitFor(() => expect(errorOf(screen.getByLabelText('Namespace'))).toBe('a namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit'));
    }
    expect(fake.callsOf('cluster:connect')).toEqual([]);
    expect(screen.queryByText(/invalid request on cluster:connect|is not a valid namespace name/)).toBeNull();

    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'team-a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    await screen.findByRole('region', { name: 'Connection test' });
    expect(errorOf(screen.getByLabelText('Namespace'))).toBe('');
    fireEvent.change(screen.getByLabelText('Application name'), { target: { value: 'Bad App!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import Application' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Application name'))).toBe('an Application name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit'));
    expect(fake.callsOf('cluster:import-application')).toEqual([]);
    // The connection stays: only the request was wrong.
    expect(screen.getByRole('button', { name: 'Disconnect' })).toBeTruthy();
  });

  it('keeps the connection, the preview and the push result while the user visits another screen', async () => {
    const fake = await renderApp({}, (f) => {
      f.answers['cluster:contexts'] = contexts;
      f.answers['cluster:connect'] = report;
      f.answers['cluster:plan'] = { upToDate: true, items: [{ ref, label: 'Secret kyma-integration/erp-basic', action: 'unchanged', changes: [] }], workspaceItems: [] };
    }, 'cluster');
    await waitFor(() => expect((screen.getByLabelText('Context') as HTMLSelectElement).value).toBe('dev'));
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'team-a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect & test' }));
    await screen.findByRole('region', { name: 'Connection test' });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('region', { name: 'Preview' });

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Screens' })).getByRole('button', { name: /^Secrets/ }));
    await screen.findByRole('heading', { level: 1, name: 'Secrets' });
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Screens' })).getByRole('button', { name: /^Cluster/ }));
    await screen.findByRole('heading', { level: 1, name: 'Cluster' });
    expect(screen.getByRole('region', { name: 'Connection test' }).textContent).toContain('v1.31.0');
    expect(screen.getByRole('region', { name: 'Preview' }).textContent).toContain('The cluster is up to date.');
    expect((screen.getByLabelText('Namespace') as HTMLInputElement).value).toBe('team-a');
    expect(fake.callsOf('cluster:contexts')).toHaveLength(1);
  });
});
