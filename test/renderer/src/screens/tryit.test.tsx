// @vitest-environment jsdom
// Try it: the request is checked with the contract's TryItRequest schema, sent with `tryit:send`, and the
// status, headers and body are shown. "Copy as curl" never carries the password unless asked.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';
import { failure, textBody } from '../../support/fake-gatehouse';

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(navigator, 'clipboard');
});

const workspace = {
  services: [
    { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: 'http://127.0.0.1:8080' } },
    { name: 'no-routes', pathPrefix: '/whole', upstream: { url: 'http://127.0.0.1:8081' } },
  ],
  applications: [{ name: 'erp', services: [{ id: '2f3b2a7e-1111-4c1e-9a0d-000000000001', name: 'orders', displayName: 'Orders API', entries: [{ type: 'API', targetUrl: 'http://127.0.0.1:8082/api' }] }] }],
  routes: [{ name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'], plugins: { 'basic-auth': {} } }],
};

async function fillWalkthroughRequest() {
  fireEvent.change(screen.getByLabelText('Start from a route or service'), { target: { value: 'route:json' } });
  expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/v1/json');
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alex' } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: '123456' } });
}

describe('Try it', () => {
  it('sends the request and shows status, headers and the body', async () => {
    const fake = await renderApp(workspace, (f) => {
      f.tryItResponse = { status: 401, headers: [['www-authenticate', 'Basic realm=".", charset="UTF-8"'], ['content-type', 'application/json']], body: textBody('{"message":"Missing authorization in request"}', 'application/json'), durationMs: 4 };
    }, 'tryit');
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/v1/json' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add header' }));
    fireEvent.change(screen.getByLabelText('Header name 1'), { target: { value: 'X-Trace' } });
    fireEvent.change(screen.getByLabelText('Header value 1 (X-Trace)'), { target: { value: 'abc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByTestId('response-status')).textContent).toBe('401 Unauthorized');
    expect(fake.callsOf('tryit:send')).toEqual([{ method: 'GET', path: '/v1/json', headers: [{ name: 'X-Trace', value: 'abc' }] }]);
    const headers = within(screen.getByRole('table', { name: 'Response headers' }));
    expect(headers.getByRole('row', { name: /www-authenticate/ }).textContent).toContain('Basic realm=".", charset="UTF-8"');
    expect(screen.getByLabelText('Response body').textContent).toBe('{\n  "message": "Missing authorization in request"\n}');
  });

  it('sends basic auth and a body for a POST', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'POST' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: '{"a":1}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('200 OK');
    expect(fake.callsOf('tryit:send')).toEqual([{ method: 'POST', path: '/v1/json', headers: [], body: '{"a":1}', basicAuth: { username: 'alex', password: '123456' } }]);
  });

  it('shows request errors next to their fields and sends nothing', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: 'no-slash' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add header' }));
    fireEvent.change(screen.getByLabelText('Header name 1'), { target: { value: 'Bad Header' } });
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'a:b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Path'))).toContain('a path starting with "/"'));
    expect(errorOf(screen.getByLabelText('Header name 1'))).toContain('a header name');
    expect(errorOf(screen.getByLabelText('Username'))).toContain('no ":"');
    expect(fake.callsOf('tryit:send')).toEqual([]);
  });

  it('says in plain words that a body over 1,000,000 characters is too large, and sends nothing', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'POST' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: 'b'.repeat(1_000_001) } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Body'))).toBe('The body is larger than the 1,000,000 characters Try it sends'));
    expect(fake.callsOf('tryit:send')).toEqual([]);
  });

  it('says why nothing was sent when main refuses (gateway not running)', async () => {
    await renderApp(workspace, (f) => {
      f.gateway = { state: 'failed', restarts: 3, inFlight: 0, lastError: 'port in use', served: { config: 'saved', leftOut: [] } };
    }, 'tryit');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not sent: the gateway could not start: port in use');
  });
});

describe('Try it, when the gateway does not answer in full', () => {
  it('says a request that went out got no answer, and why; the history says "no answer", not "not sent"', async () => {
    await renderApp(workspace, (f) => {
      f.tryItFailure = failure('GATEHOUSE_TRYIT_NO_ANSWER', 'the request was sent, and the gateway at http://127.0.0.1:9080 closed the connection (UND_ERR_SOCKET) without an answer: did its process exit or restart?');
    }, 'tryit');
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/v1/json' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No answer: the request was sent, and the gateway at http://127.0.0.1:9080 closed the connection (UND_ERR_SOCKET) without an answer: did its process exit or restart?');
    const history = within(screen.getByRole('region', { name: 'History' }));
    expect(history.getByRole('button', { name: /^Restore GET \/v1\/json/ }).textContent).toContain('no answer');
  });

  it('shows the part of a body that arrived, and that and why it broke off', async () => {
    await renderApp(workspace, (f) => {
      f.tryItResponse = { status: 200, headers: [['content-type', 'text/plain']], body: { ...textBody('0123456789', 'text/plain'), complete: false }, durationMs: 5, cutShort: "the answer broke off after 10 bytes: the gateway closed the connection (UND_ERR_SOCKET), as it does when the backend's answer breaks off (Traffic shows the backend's side)" };
    }, 'tryit');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('200 OK');
    expect(screen.getByText(/^Incomplete: the answer broke off after 10 bytes/).textContent).toBe("Incomplete: the answer broke off after 10 bytes: the gateway closed the connection (UND_ERR_SOCKET), as it does when the backend's answer breaks off (Traffic shows the backend's side).");
    expect(screen.getByText(/cut short/).textContent).not.toContain('still arriving');
  });

  it('says when the body is shown without credential values masked, and why', async () => {
    await renderApp(workspace, (f) => {
      f.tryItResponse = { status: 200, headers: [], body: textBody('{}', 'application/json'), durationMs: 2, unmasked: 'Traffic capture is paused, so credential values the gateway added are not masked in this body' };
    }, 'tryit');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('200 OK');
    expect(screen.getByText(/^Not masked:/).textContent).toBe('Not masked: Traffic capture is paused, so credential values the gateway added are not masked in this body.');
  });
});

describe('Copy as curl', () => {
  it('uses -u user (curl prompts for the password) and falls back to a selectable text box without a clipboard', async () => {
    await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    expect(navigator.clipboard).toBeUndefined();
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    const box = (await screen.findByLabelText('The clipboard is not available here: select the command and copy it.')) as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    expect(box.value).toBe("curl -i -u 'alex' 'http://127.0.0.1:9080/v1/json'");
    expect(box.value).not.toContain('123456');
  });

  it('includes the password only when the user opts in, and copies to the clipboard when there is one', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'PUT' } });
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: "it's" } });
    fireEvent.click(screen.getByLabelText('Include credentials in curl'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    const box = (await screen.findByLabelText('Copied to the clipboard:')) as HTMLTextAreaElement;
    expect(box.value).toBe("curl -i -X PUT -u 'alex:123456' --data-raw 'it'\\''s' 'http://127.0.0.1:9080/v1/json'");
    expect(copied).toEqual([box.value]);
  });

  it('falls back to the text box when the clipboard refuses', async () => {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('denied')) } });
    await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    expect(((await screen.findByLabelText(/clipboard is not available/)) as HTMLTextAreaElement).value).not.toContain('123456');
  });
});

describe('Try it defects and shortcuts (issue 14)', () => {
  it('unticking "Include credentials" takes the password out of the text box and the clipboard at once', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.click(screen.getByLabelText('Include credentials in curl'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    const box = (await screen.findByLabelText('Copied to the clipboard:')) as HTMLTextAreaElement;
    expect(box.value).toContain("-u 'alex:123456'");
    fireEvent.click(screen.getByLabelText('Include credentials in curl'));
    await waitFor(() => expect(box.value).toBe("curl -i -u 'alex' 'http://127.0.0.1:9080/v1/json'"));
    expect(copied.at(-1)).toBe(box.value);
  });

  it('keeps the password with the username after visiting another screen, and says so when it is empty', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    await fillWalkthroughRequest();
    fireEvent.click(screen.getByRole('button', { name: /^Traffic/ }));
    await screen.findByRole('heading', { level: 1, name: 'Traffic' });
    fireEvent.click(screen.getByRole('button', { name: /^Try it/ }));
    await screen.findByRole('heading', { level: 1, name: 'Try it' });
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('123456');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('200 OK');
    expect((fake.callsOf('tryit:send').at(-1) as { basicAuth: unknown }).basicAuth).toEqual({ username: 'alex', password: '123456' });

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: '' } });
    expect(screen.getByText('Empty: the request goes as "alex:" with no password.')).toBeTruthy();
    fake.tryItResponse = { status: 401, headers: [], body: textBody('{"message":"Invalid user authorization"}', 'application/json'), durationMs: 2 };
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByText(/sent with a username and an empty password/)).textContent).toContain('Enter the password and send again.');
  });

  it('sends with Ctrl+Enter (and Cmd+Enter) from any field', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/v1/json' } });
    fireEvent.keyDown(screen.getByLabelText('Path'), { key: 'Enter', ctrlKey: true });
    await screen.findByText('200 OK');
    fireEvent.keyDown(screen.getByLabelText('Body'), { key: 'Enter', metaKey: true });
    await waitFor(() => expect(fake.callsOf('tryit:send')).toHaveLength(2));
  });

  it('offers services without routes and Kyma application services, and edits the query as rows', async () => {
    const fake = await renderApp(workspace, undefined, 'tryit');
    const picker = screen.getByLabelText('Start from a route or service');
    expect(within(picker).getByRole('group', { name: 'Services without routes' }).textContent).toContain('no-routes: /whole');
    expect(within(picker).getByRole('group', { name: 'Kyma application services' }).textContent).toContain('erp/orders: /erp/orders-api/');
    fireEvent.change(picker, { target: { value: 'kyma:erp/orders' } });
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/erp/orders-api/');
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/erp/orders-api/list?top=5' } });
    fireEvent.blur(screen.getByLabelText('Path'));
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/erp/orders-api/list');
    fireEvent.click(screen.getByRole('button', { name: 'Add query parameter' }));
    fireEvent.change(screen.getByLabelText('Parameter name 2'), { target: { value: 'q' } });
    fireEvent.change(screen.getByLabelText('Parameter value 2 (q)'), { target: { value: 'a b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('200 OK');
    expect((fake.callsOf('tryit:send')[0] as { path: string }).path).toBe('/erp/orders-api/list?top=5&q=a%20b');
    expect(screen.getByTestId('response-meta').textContent).toContain('11 B');
    const history = screen.getByRole('region', { name: 'History' });
    expect(history.textContent).toContain('/erp/orders-api/list?top=5&q=a%20b');
  });
});
