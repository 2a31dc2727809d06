// @vitest-environment jsdom
// The Kyma application form: applications and their services are added, edited and deleted in the GUI, checked
// with the workspace schema before sending (errors next to their fields), and served at /{app}/{segment}.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';
import { kymaServiceName } from '../../../../renderer/src/model/kyma-draft';

afterEach(cleanup);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const seeded = {
  applications: [
    {
      name: 'shop',
      namespace: 'kyma-integration',
      services: [{ id: 'svc-1', name: 'orders', displayName: 'Orders', entries: [{ targetUrl: 'https://orders.example.com', credentials: { type: 'Basic', secretName: 'orders-creds' } }] }],
    },
  ],
};

function service(legend: string | RegExp) {
  return within(screen.getByRole('group', { name: legend }));
}

async function newApplicationWithService(appName: string, displayName: string) {
  fireEvent.click(screen.getByRole('button', { name: 'Add Kyma application' }));
  fireEvent.change(await screen.findByLabelText('Application name'), { target: { value: appName } });
  fireEvent.click(screen.getByRole('button', { name: 'Add service' }));
  fireEvent.change(service('Service 1').getByLabelText('Display name'), { target: { value: displayName } });
}

describe('Kyma application form', () => {
  it('creates an application with a Basic service: a generated id, the name derived from the display name', async () => {
    const fake = await renderApp();
    await newApplicationWithService('shop', 'Orders API v2');
    const svc = service('Orders API v2');
    expect(svc.getByText('/shop/orders-api-v2/…')).toBeTruthy();
    expect((svc.getByLabelText('Name') as HTMLInputElement).value).toBe('orders-api-v2');
    fireEvent.change(svc.getByLabelText('Provider'), { target: { value: 'ACME' } });
    fireEvent.change(svc.getByLabelText('Target URL'), { target: { value: 'https://orders.example.com/api' } });
    fireEvent.change(svc.getByLabelText('Credentials'), { target: { value: 'Basic' } });
    expect(svc.getByText(/with keys “username” and “password”/)).toBeTruthy();
    fireEvent.change(svc.getByLabelText('Secret name'), { target: { value: 'orders-creds' } });
    fireEvent.click(screen.getByLabelText('Skip TLS verification of the targets'));
    expect(screen.getByText(/TLS verification is off for this application's targets/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Kyma application shop saved.');

    expect(fake.callsOf('workspace:save')).toHaveLength(1);
    expect(fake.secretWrites()).toEqual([]);
    const [app] = fake.workspace.applications;
    expect(app).toEqual({
      name: 'shop',
      namespace: 'kyma-integration',
      description: '',
      skipVerify: true,
      targetErrors: 'pass-through',
      services: [
        {
          id: expect.stringMatching(UUID) as string,
          name: 'orders-api-v2',
          displayName: 'Orders API v2',
          description: '',
          providerDisplayName: 'ACME',
          entries: [{ type: 'API', targetUrl: 'https://orders.example.com/api', credentials: { type: 'Basic', secretName: 'orders-creds' } }],
        },
      ],
    });
    // The list shows the saved application, selected, with its served path.
    const list = within(screen.getByRole('region', { name: 'Kyma applications' }));
    expect(list.getByRole('button', { name: /^shop/ }).getAttribute('aria-current')).toBe('true');
    expect(list.getByText('/shop/orders-api-v2/ → https://orders.example.com/api')).toBeTruthy();
  });

  it('takes a service\'s credential values inline and writes them to the vault as the secret it names; empty fields keep the vault\'s', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(within(screen.getByRole('region', { name: 'Kyma applications' })).getByRole('button', { name: /^shop/ }));
    const svc = service('Orders');
    expect(svc.getByText(/Not in the vault yet: secret/)).toBeTruthy();
    fireEvent.change(svc.getByLabelText('Username'), { target: { value: 'erp-user' } });
    fireEvent.change(svc.getByLabelText('Password'), { target: { value: 'erp pass wörd' } });
    expect((svc.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Kyma application shop saved; the credentials are in the vault.');

    expect(fake.secrets.get('kyma-integration/orders-creds')).toEqual({ username: 'erp-user', password: 'erp pass wörd' });
    // The workspace names the secret only; the form forgets the values once they are stored.
    expect(JSON.stringify(fake.workspace)).not.toContain('erp pass');
    expect((service('Orders').getByLabelText('Password') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(service('Orders').getByText(/is in the vault with keys “username” and “password”/)).toBeTruthy());

    // Only the password typed this time: the stored username stays.
    fireEvent.change(service('Orders').getByLabelText('Password'), { target: { value: 'rotated' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Kyma application shop saved; the credentials are in the vault.');
    expect(fake.secrets.get('kyma-integration/orders-creds')).toEqual({ username: 'erp-user', password: 'rotated' });
  });

  it('refuses inline credential values for a service without a secret name, writing nothing', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(within(screen.getByRole('region', { name: 'Kyma applications' })).getByRole('button', { name: /^shop/ }));
    fireEvent.change(service('Orders').getByLabelText('Secret name'), { target: { value: '' } });
    fireEvent.change(service('Orders').getByLabelText('Password'), { target: { value: 'lost?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Not saved: fix the fields marked in red.');
    expect(errorOf(service('Orders').getByLabelText('Secret name'))).toBeTruthy();
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('keeps an existing service id when the service is edited', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(within(screen.getByRole('region', { name: 'Kyma applications' })).getByRole('button', { name: /^shop/ }));
    fireEvent.change(service('Orders').getByLabelText('Display name'), { target: { value: 'Orders v2' } });
    // An existing service keeps its name when the display name changes.
    expect((service('Orders v2').getByLabelText('Name') as HTMLInputElement).value).toBe('orders');
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Kyma application shop saved.');
    expect(fake.workspace.applications[0]!.services[0]).toMatchObject({ id: 'svc-1', name: 'orders', displayName: 'Orders v2' });
  });

  it('an invalid target URL: the error shows next to the field and nothing is saved', async () => {
    const fake = await renderApp();
    await newApplicationWithService('shop', 'Orders');
    const url = service('Orders').getByLabelText('Target URL');
    fireEvent.change(url, { target: { value: 'not a url' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(url)).not.toBe('');
    expect(document.activeElement).toBe(url);
    expect(screen.getByRole('alert').textContent).toContain('Not saved');
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('OAuth without an authentication URL: the error shows next to Authentication URL', async () => {
    const fake = await renderApp();
    await newApplicationWithService('shop', 'Orders');
    const svc = service('Orders');
    fireEvent.change(svc.getByLabelText('Target URL'), { target: { value: 'https://orders.example.com' } });
    fireEvent.change(svc.getByLabelText('Credentials'), { target: { value: 'OAuth' } });
    expect(svc.getByText(/with keys “clientId” and “clientSecret”/)).toBeTruthy();
    fireEvent.change(svc.getByLabelText('Secret name'), { target: { value: 'orders-oauth' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await waitFor(() => expect(errorOf(svc.getByLabelText('Authentication URL'))).toContain('required for type OAuth'));
    expect(fake.callsOf('workspace:save')).toEqual([]);

    fireEvent.change(svc.getByLabelText('Authentication URL'), { target: { value: 'https://auth.example.com/oauth/token' } });
    fireEvent.change(svc.getByLabelText('CSRF token endpoint'), { target: { value: 'https://orders.example.com/csrf' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save application' }));
    await screen.findByText('Kyma application shop saved.');
    expect(fake.workspace.applications[0]!.services[0]!.entries[0]!.credentials).toEqual({
      type: 'OAuth', secretName: 'orders-oauth', authenticationUrl: 'https://auth.example.com/oauth/token', csrfInfo: { tokenEndpointURL: 'https://orders.example.com/csrf' },
    });
  });

  it('deletes an application only after confirming', async () => {
    const fake = await renderApp(seeded);
    const list = () => within(screen.getByRole('region', { name: 'Kyma applications' }));
    fireEvent.click(list().getByRole('button', { name: /^shop/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete application' }));
    let dialog = await screen.findByRole('alertdialog', { name: 'Delete Kyma application shop?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(fake.workspace.applications).toHaveLength(1);
    expect(fake.callsOf('workspace:save')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Delete application' }));
    dialog = await screen.findByRole('alertdialog', { name: 'Delete Kyma application shop?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete application' }));
    await waitFor(() => expect(fake.workspace.applications).toEqual([]));
    expect(screen.queryByRole('region', { name: 'Kyma applications' })).toBeNull();
  });

  it('asks before leaving unsaved changes for another item', async () => {
    await renderApp({ ...seeded, services: [{ name: 'backend', pathPrefix: '/v1', upstream: { url: 'http://127.0.0.1:8080' } }] });
    fireEvent.click(within(screen.getByRole('region', { name: 'Kyma applications' })).getByRole('button', { name: /^shop/ }));
    fireEvent.change(screen.getByLabelText('Application description'), { target: { value: 'changed' } });
    fireEvent.click(within(screen.getByRole('region', { name: 'Service and route list' })).getByRole('button', { name: /^backend/ }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' });
    expect(dialog.textContent).toContain('Kyma application shop');
  });

  it('derives service names as the schema wants them', () => {
    expect(kymaServiceName('  Orders API (v2)!  ')).toBe('orders-api-v2');
    expect(kymaServiceName('x'.repeat(80))).toHaveLength(63);
  });
});
