// @vitest-environment jsdom
// The Import screen speaks the screen's language, not the CLI's (issue 14 §2.8), keeps its state while the user
// visits another screen (issue 12 §3), and takes a file as well as pasted text (issue 14 §3).
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderApp, sidebar } from '../../support/render-app';
import { failure } from '../../support/fake-gatehouse';

afterEach(cleanup);

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
});
