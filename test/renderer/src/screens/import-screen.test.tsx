// @vitest-environment jsdom
// The Import screen speaks the screen's language, not the CLI's (issue 14 §2.8), keeps its state while the user
// visits another screen (issue 12 §3), and takes a file as well as pasted text (issue 14 §3).
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { errorOf, renderApp, sidebar } from '../../support/render-app';
import { failure, type FakeGatehouse } from '../../support/fake-gatehouse';
import { importDocuments } from '../../../../main/services/import/import-documents';
import { GatehouseError, failureOf } from '../../../../gateway/errors/gatehouse-error';
import type { DocumentImportRequest } from '../../../../main/ipc/contract';

afterEach(cleanup);

/**
 * `import:preview` read by main's real import (plain Node, it runs here as it does in main), answered and
 * failing as main's dispatcher and preload pass it on: the messages the screen shows are the real ones.
 */
function realImportPreview(f: FakeGatehouse): void {
  const invoke = f.invoke.bind(f);
  f.invoke = (async (channel: string, request: unknown) => {
    const answer = await invoke(channel as never, request as never); // records the call and checks the request schema
    if (channel !== 'import:preview') return answer;
    const r = request as DocumentImportRequest;
    try {
      // Main's previewImport (main/app/import-handlers.ts) by hand: importing main/app would bring the vault and gateway in.
      const imported = importDocuments(r.text, 'pasted document', r);
      const names = (list: { name: string }[]) => list.map((x) => x.name);
      return { services: names(imported.services), routes: names(imported.routes), consumers: imported.consumers.map((c) => c.username), applications: names(imported.applications), secrets: imported.secrets.map((s) => ({ name: s.name, namespace: s.namespace, keys: Object.keys(s.data) })), notes: imported.notes };
    } catch (error) {
      if (error instanceof GatehouseError) throw Object.assign(new Error(error.message), failureOf(error));
      throw error;
    }
  }) as typeof f.invoke;
}

const KYMA_DATA_SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {MY_SECRET_NAME}\n  namespace: kyma-integration\ndata:\n  username: {MY_USER_NAME}\n  password: {MY_PASSWORD}\n';
const BARE_SERVICES = 'services:\n  - id: 721da9cc-616e-4558-b4dc-4b58554ce7ee\n    name: erp\n    displayName: ERP\n    entries:\n      - type: API\n        targetUrl: https://erp.example.com/api\n';

const KYMA = 'kind: Secret\nmetadata:\n  name: {MY_SECRET_NAME}\nstringData:\n  password: {MY_PASSWORD}\n';

describe('import screen', () => {
  it('labels placeholders as the document writes them and takes a password placeholder like a password', async () => {
    await renderApp({}, undefined, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: KYMA } });
    expect((screen.getByLabelText('{MY_SECRET_NAME}') as HTMLInputElement).type).toBe('text');
    expect((screen.getByLabelText('{MY_PASSWORD}') as HTMLInputElement).type).toBe('password');
  });

  it('names missing placeholders as fields to fill in, not as --var options', async () => {
    await renderApp({}, (f) => {
      // As main's import answers a document with an unfilled placeholder (its message is the CLI's too).
      const invoke = f.invoke.bind(f);
      f.invoke = (async (channel: string, request: unknown) => {
        if (channel === 'import:preview') throw failure('GATEHOUSE_IMPORT_FAILED', 'pasted document: needs a value for {{MY_PASSWORD}}: give --var MY_PASSWORD=...', [{ path: '(placeholders)', message: 'needs a value for {{MY_PASSWORD}}: give --var MY_PASSWORD=...' }]);
        return invoke(channel as never, request as never);
      }) as typeof f.invoke;
    }, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: KYMA } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('needs a value for MY_PASSWORD: fill in the placeholder fields');
    expect(document.body.textContent).not.toContain('--var');
  });

  it('keeps the document, its values and the preview while the user visits another screen', async () => {
    await renderApp({}, undefined, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: KYMA } });
    fireEvent.change(screen.getByLabelText('{MY_SECRET_NAME}'), { target: { value: 'erp-basic' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('region', { name: 'Import preview' });
    fireEvent.click(sidebar().getByRole('button', { name: /^Secrets/ }));
    await screen.findByRole('heading', { name: 'Secrets' });
    fireEvent.click(sidebar().getByRole('button', { name: /^Import/ }));
    expect((await screen.findByLabelText('Document') as HTMLTextAreaElement).value).toBe(KYMA);
    expect((screen.getByLabelText('{MY_SECRET_NAME}') as HTMLInputElement).value).toBe('erp-basic');
    expect(screen.getByRole('region', { name: 'Import preview' })).toBeTruthy();
  });

  it('reads a chosen file into the document box', async () => {
    await renderApp({}, undefined, 'import');
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const file = new File(['{"endpoint": "{{ServiceName}}"}'], 'endpoint.json', { type: 'application/json' });
    await act(async () => {
      fireEvent.change(input, { target: { files: [file] } });
    });
    await waitFor(() => expect((screen.getByLabelText('Document') as HTMLTextAreaElement).value).toBe('{"endpoint": "{{ServiceName}}"}'));
    expect(screen.getByText('From the file endpoint.json.')).toBeTruthy();
  });

  it('takes a dropped file into the document box', async () => {
    await renderApp({}, undefined, 'import');
    const box = screen.getByLabelText('Document');
    const file = new File(['services:\n  - name: erp\n'], 'kyma-services.yaml', { type: 'application/yaml' });
    fireEvent.dragOver(box, { dataTransfer: { files: [file], types: ['Files'] } });
    expect(box.closest('.file-drop')!.className).toContain('file-drop-over');
    await act(async () => {
      fireEvent.drop(box, { dataTransfer: { files: [file], types: ['Files'] } });
    });
    await waitFor(() => expect((screen.getByLabelText('Document') as HTMLTextAreaElement).value).toBe('services:\n  - name: erp\n'));
    expect(screen.getByText('From the file kyma-services.yaml.')).toBeTruthy();
    expect(box.closest('.file-drop')!.className).not.toContain('file-drop-over');
  });

  it('names the Secret data field that is not base64 and takes the values as plain text when asked', async () => {
    const fake = await renderApp({}, realImportPreview, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: KYMA_DATA_SECRET } });
    fireEvent.change(screen.getByLabelText('{MY_SECRET_NAME}'), { target: { value: 'erp-basic' } });
    fireEvent.change(screen.getByLabelText('{MY_USER_NAME}'), { target: { value: 'erp-user' } });
    fireEvent.change(screen.getByLabelText('{MY_PASSWORD}'), { target: { value: 'erp-pw' } });
    const plain = screen.getByLabelText("The Secret's data values are plain text, not base64") as HTMLInputElement;
    expect(plain.checked).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const alert = await screen.findByRole('alert');
    // "erp-user" is not base64 ("-"): main names the field and says what to do.
    expect(alert.textContent).toContain('data.username: expected base64');
    expect(alert.textContent).toContain('put plain text under stringData');
    expect(screen.queryByRole('region', { name: 'Import preview' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Take the data values as plain text' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(plain.checked).toBe(true);
    expect(preview.textContent).toContain('kyma-integration/erp-basic: username, password');
    expect(preview.textContent).toContain('Secret "erp-basic": data.username, data.password taken as plain text, as written (not base64-decoded)');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fake.callsOf('import:preview').at(-1)).toMatchObject({ plainSecretData: true, vars: { MY_PASSWORD: 'erp-pw' } });

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await screen.findByText(/^Imported 1 secret to the vault\./);
    expect(fake.callsOf('import:apply').at(-1)).toMatchObject({ plainSecretData: true });
  });

  it('catches a plain word that happens to be valid base64 under data', async () => {
    await renderApp({}, realImportPreview, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: 'kind: Secret\nmetadata:\n  name: erp-basic\ndata:\n  password: password\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('alert')).textContent).toContain('data.password: expected base64 of text');
  });

  it('offers no plain-text choice for a Secret that only has stringData', async () => {
    await renderApp({}, undefined, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: KYMA } });
    expect(screen.queryByLabelText("The Secret's data values are plain text, not base64")).toBeNull();
  });

  it('asks for the application name of a bare services: document, checks it, and previews it', async () => {
    await renderApp({}, realImportPreview, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: '{"endpointConfig": {"production_endpoints": {"url": "https://erp.example.com"}}}' } });
    expect(screen.getByLabelText('Service name')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Document'), { target: { value: BARE_SERVICES } });
    expect(screen.getByText('The document does not name the application: without a name here it is imported-application.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('region', { name: 'Import preview' })).textContent).toContain('imported-application');

    const name = screen.getByLabelText('Application name');
    fireEvent.change(name, { target: { value: 'ERP app!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(errorOf(name)).toContain('letters, digits'));
    expect(screen.queryByRole('region', { name: 'Import preview' })).toBeNull();

    fireEvent.change(name, { target: { value: 'erp-app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(preview.textContent).toContain('erp-app');
    expect(preview.textContent).not.toContain('imported-application');
    expect(errorOf(name)).toBe('');
  });

  it("says the name replaces a Kyma Application's own metadata.name", async () => {
    await renderApp({}, undefined, 'import');
    fireEvent.change(screen.getByLabelText('Document'), { target: { value: `kind: Application\nmetadata:\n  name: commerce\nspec:\n${BARE_SERVICES.replace(/^/gm, '  ')}` } });
    expect(screen.getByLabelText('Application name')).toBeTruthy();
    expect(screen.getByText("Optional: replaces the document's metadata.name.")).toBeTruthy();
  });
});
