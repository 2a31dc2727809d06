// @vitest-environment jsdom
// The service form's endpoint-security section: typed credentials go to the vault (with the save) and only a
// reference into the workspace; the schema's errors land next to the fields; skipVerify is loudly flagged.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';
import { failure } from '../../support/fake-gatehouse';

afterEach(cleanup);

const seeded = {
  services: [{ name: 'orders', pathPrefix: '/orders', upstream: { url: 'https://127.0.0.1:8443' } }],
};

function production() {
  return within(screen.getByRole('group', { name: 'Production endpoint' }));
}

/** Opens orders with "Add request parameters" and "Enter … now" ticked. */
async function openRequestParameters() {
  await openOrders();
  fireEvent.click(production().getByLabelText('Add request parameters (headers, query) from a secret'));
  fireEvent.click(production().getByLabelText('Enter the headers and query parameters now'));
}

/** Types header row `n` (adding it after the first). */
function typeHeader(n: number, name: string, value: string) {
  if (n > 1) fireEvent.click(production().getByRole('button', { name: 'Add header' }));
  fireEvent.change(production().getByLabelText(`Header ${n}`), { target: { value: name } });
  fireEvent.change(production().getByLabelText(`Header value ${n} (${name})`), { target: { value } });
}

/** Opens orders with a client certificate and key entered now. */
async function enterCertificateAndKey(certificate: string, key: string) {
  await openOrders();
  fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'client-certificate' } });
  fireEvent.click(production().getByLabelText('Enter certificate and key now'));
  fireEvent.change(production().getByLabelText('Client certificate (PEM)'), { target: { value: certificate } });
  fireEvent.change(production().getByLabelText('Private key (PEM, unencrypted)'), { target: { value: key } });
}

async function openOrders() {
  fireEvent.click(within(screen.getByRole('region', { name: 'Service and route list' })).getByRole('button', { name: /^orders/ }));
  await screen.findByRole('group', { name: 'Production endpoint' });
}

describe('endpoint security section', () => {
  it('Basic with values entered now: the vault gets them under <service>-production-credentials, the workspace only the reference', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    expect((production().getByLabelText('Secret name') as HTMLInputElement).placeholder).toBe('orders-production-credentials');
    fireEvent.click(production().getByLabelText('Enter username and password now'));
    fireEvent.change(production().getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(production().getByLabelText('Password'), { target: { value: 's3cret-value' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');

    expect(fake.secretWrites()).toEqual([{ name: 'orders-production-credentials', set: { username: 'admin', password: 's3cret-value' } }]);
    expect(fake.workspace.services[0]!.endpointSecurity).toEqual({ type: 'basic', secret: 'orders-production-credentials', usernameKey: 'username', passwordKey: 'password' });
    const sent = JSON.stringify(fake.callsOf('workspace:save'));
    expect(sent).not.toContain('s3cret-value');
    // The typed values are gone from the form once saved.
    expect(production().queryByLabelText('Password')).toBeNull();
  });

  it('says a secret name the rule refuses once, on the Secret name field, when values are typed for it too', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.change(production().getByLabelText('Secret name'), { target: { value: 'Bad Secret!' } });
    fireEvent.click(production().getByLabelText('Enter username and password now'));
    fireEvent.change(production().getByLabelText('Username'), { target: { value: 'svc' } });
    fireEvent.change(production().getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Secret name'))).toBe('a secret name: letters, digits, ".", "_" or "-", 1-63 characters, starting and ending with a letter or digit'));
    expect(document.body.textContent!.split('starting and ending with a letter or digit')).toHaveLength(2);
    expect(fake.secretWrites()).toEqual([]);
  });

  it('checks every typed secret as main will before writing any: a refused sandbox value leaves production unwritten too', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.click(production().getByLabelText('Enter username and password now'));
    fireEvent.change(production().getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(production().getByLabelText('Password'), { target: { value: 's3cret-value' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add sandbox endpoint' }));
    const sandbox = within(screen.getByRole('group', { name: 'Sandbox endpoint' }));
    fireEvent.change(sandbox.getByLabelText('Sandbox upstream URL'), { target: { value: 'http://127.0.0.1:9090' } });
    fireEvent.change(sandbox.getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.click(sandbox.getByLabelText('Enter username and password now'));
    fireEvent.change(sandbox.getByLabelText('Username'), { target: { value: 'tester' } });
    // Longer than main's secrets:update request takes for one value.
    fireEvent.change(sandbox.getByLabelText('Password'), { target: { value: 'x'.repeat(1_000_001) } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Not saved: fix the fields marked in red.');
    // Shown where a failed write of that secret is shown: on its secret name.
    expect(errorOf(sandbox.getByLabelText('Secret name'))).toMatch(/^key "password": .*(1000000|1,000,000|too big|too long)/i);
    expect(errorOf(production().getByLabelText('Secret name'))).toBe('');
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('a reference alone writes nothing to the vault', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.change(production().getByLabelText('Secret name'), { target: { value: 'backend-creds' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.workspace.services[0]!.endpointSecurity).toMatchObject({ type: 'basic', secret: 'backend-creds' });
  });

  it('shows schema errors next to their fields (token URL, scope, sandbox URL) and writes no secret', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'oauth2-client-credentials' } });
    fireEvent.change(production().getByLabelText('Token URL'), { target: { value: 'ftp://auth.example.com/token' } });
    fireEvent.change(production().getByLabelText('Scope'), { target: { value: 'read  "write"' } });
    fireEvent.click(production().getByLabelText('Enter client id and secret now'));
    fireEvent.change(production().getByLabelText('Client id'), { target: { value: 'cid' } });
    fireEvent.change(production().getByLabelText('Client secret'), { target: { value: 'csecret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add sandbox endpoint' }));
    const sandbox = within(screen.getByRole('group', { name: 'Sandbox endpoint' }));
    fireEvent.change(sandbox.getByLabelText('Sandbox upstream URL'), { target: { value: 'not a url' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    await waitFor(() => expect(errorOf(production().getByLabelText('Token URL'))).toContain('an http:// or https:// URL'));
    expect(errorOf(production().getByLabelText('Scope'))).toContain('scope tokens');
    expect(errorOf(sandbox.getByLabelText('Sandbox upstream URL'))).not.toBe('');
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('asks for the values to enter when "enter now" is ticked but a field is empty', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.click(production().getByLabelText('Enter username and password now'));
    fireEvent.change(production().getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Password'))).toContain('enter the password'));
    expect(fake.secretWrites()).toEqual([]);
  });

  it('refuses a typed client secret holding a lone UTF-16 surrogate on its field, and writes nothing', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'oauth2-client-credentials' } });
    fireEvent.change(production().getByLabelText('Token URL'), { target: { value: 'https://idp.test/token' } });
    fireEvent.click(production().getByLabelText('Enter client id and secret now'));
    fireEvent.change(production().getByLabelText('Client id'), { target: { value: 'erp-client' } });
    fireEvent.change(production().getByLabelText('Client secret'), { target: { value: 'half \uD83D of an emoji' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Client secret'))).toBe('holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form'));
    expect(errorOf(production().getByLabelText('Client id'))).toBe('');
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('client certificate: checked by main first; a refused pair shows its message and nothing is stored', async () => {
    const fake = await renderApp(seeded, (f) => {
      f.certificateAnswer = failure('GATEHOUSE_CLIENT_CERTIFICATE', 'the private key does not belong to the certificate (subject CN=client)');
    });
    await enterCertificateAndKey('-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----');
    fireEvent.click(production().getByRole('button', { name: 'Check certificate and key' }));
    await waitFor(() => expect(production().getByText(/does not belong to the certificate/)).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Client certificate (PEM)'))).toContain('does not belong'));
    expect(fake.secretWrites()).toEqual([]);

    fake.certificateAnswer = { subject: 'CN=client', issuer: 'CN=Test CA', validFrom: '2025-01-01T00:00:00.000Z', validTo: '2030-01-01T00:00:00.000Z', fingerprint256: 'AA' };
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');
    expect(fake.secretWrites()).toEqual([{ name: 'orders-production-credentials', set: { crt: expect.stringContaining('CERTIFICATE'), key: expect.stringContaining('PRIVATE KEY') } }]);
    expect(fake.workspace.services[0]!.endpointSecurity).toEqual({ type: 'client-certificate', secret: 'orders-production-credentials', certificateKey: 'crt', privateKeyKey: 'key' });
  });

  it('client certificate: a certificate and a key both unreadable are both said, each under its own field', async () => {
    const fake = await renderApp(seeded, (f) => {
      f.certificateAnswer = failure('GATEHOUSE_CLIENT_CERTIFICATE', 'both', [{ path: 'crt', message: 'the certificate is not a readable PEM certificate' }, { path: 'key', message: 'the private key is not a readable PEM private key' }]);
    });
    await enterCertificateAndKey('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----', 'not a key at all');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Client certificate (PEM)'))).toBe('the certificate is not a readable PEM certificate'));
    expect(errorOf(production().getByLabelText('Private key (PEM, unencrypted)'))).toBe('the private key is not a readable PEM private key');
    expect(fake.secretWrites()).toEqual([]);
  });

  it('skip verification shows a clear warning and saves tls.skipVerify', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    expect(production().queryByText(/TLS verification is off/)).toBeNull();
    fireEvent.click(production().getByLabelText('Skip verification'));
    const warning = production().getByRole('alert');
    expect(warning.textContent).toContain('TLS verification is off for this endpoint');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');
    expect(fake.workspace.services[0]!.tls).toEqual({ skipVerify: true });
  });

  it('request parameters entered as rows go to the vault as headers/queryParameters JSON', async () => {
    const fake = await renderApp(seeded);
    await openRequestParameters();
    typeHeader(1, 'X-Tenant', 'acme');
    fireEvent.click(production().getByRole('button', { name: 'Add query parameter' }));
    fireEvent.change(production().getByLabelText('Query parameter 1'), { target: { value: 'client' } });
    fireEvent.change(production().getByLabelText('Query value 1 (client)'), { target: { value: '42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');
    expect(fake.secretWrites()).toEqual([{ name: 'orders-production-request-parameters', set: { headers: '{"X-Tenant":["acme"]}', queryParameters: '{"client":["42"]}' } }]);
    expect(fake.workspace.services[0]!.requestParametersSecret).toEqual({ secret: 'orders-production-request-parameters', headersKey: 'headers', queryParametersKey: 'queryParameters' });
  });

  it('checks typed request-parameter headers with the gateway\'s rule on the row at fault, before writing anything', async () => {
    const fake = await renderApp(seeded);
    await openRequestParameters();
    typeHeader(1, 'bad header', 'v1');
    typeHeader(2, 'x-emoji', 'ünï 😀');
    typeHeader(3, 'X-EMOJI', 'w');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Header 1'))).toBe("not a valid header name: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ only, no spaces (RFC 9110 token)"));
    expect(errorOf(production().getByLabelText('Header value 1 (bad header)'))).toBe('');
    expect(errorOf(production().getByLabelText('Header 2'))).toBe('');
    expect(errorOf(production().getByLabelText('Header value 2 (x-emoji)'))).toBe('a header value may hold tabs and printable Latin-1 characters only: no emoji, no other control characters, nothing beyond U+00FF');
    expect(errorOf(production().getByLabelText('Header 3'))).toBe('the same header is listed twice (header names ignore case)');
    // Nothing on the checkbox, nothing said twice, nothing written.
    expect(errorOf(production().getByLabelText('Add request parameters (headers, query) from a secret'))).toBe('');
    expect(document.body.textContent).not.toMatch(/was not saved/);
    expect(fake.secretWrites()).toEqual([]);
  });

  it('a secret main refuses is said once: which secret, and main\'s reason without its name again', async () => {
    const fake = await renderApp(seeded);
    await openRequestParameters();
    typeHeader(1, 'X-Tenant', 'acme');
    fake.refuseNextSecretUpdate = failure('GATEHOUSE_INVALID_SECRET', 'secret "orders-production-request-parameters" key "headers": the vault refused it');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(production().getByLabelText('Add request parameters (headers, query) from a secret'))).toBe('secret "orders-production-request-parameters" was not saved: key "headers": the vault refused it'));
  });

  it('"Fetch a token now" needs a saved service, then shows the lifetime or the error from main', async () => {
    const fake = await renderApp({ services: [{ ...seeded.services[0], endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: 'https://auth.example.com/token', secret: 'orders-oauth' } }] });
    await openOrders();
    const button = production().getByRole('button', { name: 'Fetch a token now' });
    expect(button).toHaveProperty('disabled', false);
    fireEvent.click(button);
    await waitFor(() => expect(production().getByText(/Token received \(Bearer\), valid for 3599 s/)).toBeTruthy());
    expect(fake.callsOf('security:fetch-token')).toEqual([{ service: 'orders', environment: 'production' }]);

    fake.fetchTokenAnswer = failure('GATEHOUSE_TOKEN_ENDPOINT', 'token endpoint https://auth.example.com/token answered HTTP 401 (invalid_client)');
    fireEvent.click(button);
    await waitFor(() => expect(production().getByText(/No token: token endpoint https:\/\/auth.example.com\/token answered HTTP 401/)).toBeTruthy());

    // Unsaved edits: the button waits for a save.
    fireEvent.change(production().getByLabelText('Scope'), { target: { value: 'read' } });
    expect(production().getByRole('button', { name: 'Fetch a token now' })).toHaveProperty('disabled', true);
  });

  it('a sandbox endpoint with its own security, and the default environment', async () => {
    const fake = await renderApp(seeded);
    await openOrders();
    fireEvent.click(screen.getByRole('button', { name: 'Add sandbox endpoint' }));
    const sandbox = within(screen.getByRole('group', { name: 'Sandbox endpoint' }));
    fireEvent.change(sandbox.getByLabelText('Sandbox upstream URL'), { target: { value: 'http://127.0.0.1:9090' } });
    fireEvent.change(sandbox.getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.change(sandbox.getByLabelText('Secret name'), { target: { value: 'sandbox-creds' } });
    fireEvent.change(screen.getByLabelText('Default environment'), { target: { value: 'sandbox' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service orders saved.');
    expect(fake.workspace.services[0]).toMatchObject({
      defaultEnvironment: 'sandbox',
      sandbox: { upstream: { url: 'http://127.0.0.1:9090' }, endpointSecurity: { type: 'basic', secret: 'sandbox-creds' } },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Remove sandbox endpoint' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(fake.workspace.services[0]!.sandbox).toBeUndefined());
    expect(fake.workspace.services[0]!.defaultEnvironment).toBe('production');
  });

  it('asks before writing typed-in credentials into a secret another service reads, and writes them only when told to', async () => {
    const fake = await renderApp({ services: [...seeded.services, { name: 'erp', pathPrefix: '/erp', upstream: { url: 'http://127.0.0.1:8081' }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } }] });
    await openOrders();
    fireEvent.change(production().getByLabelText('Authentication to the backend'), { target: { value: 'basic' } });
    fireEvent.change(production().getByLabelText('Secret name'), { target: { value: 'erp-creds' } });
    fireEvent.click(production().getByLabelText('Enter username and password now'));
    fireEvent.change(production().getByLabelText('Username'), { target: { value: 'orders-user' } });
    fireEvent.change(production().getByLabelText('Password'), { target: { value: 'orders-pass' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Write into secret erp-creds?' });
    expect(dialog.textContent).toContain('erp-creds is also read by service erp (keys username, password): saving changes it for them too.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Write into the shared secret' }));
    await screen.findByText('Service orders saved.');
    expect(fake.secrets.get('erp-creds')).toEqual({ username: 'orders-user', password: 'orders-pass' });
  });
});
