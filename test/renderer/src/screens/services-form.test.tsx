// @vitest-environment jsdom
// The service and route forms: the gateway's own zod schema runs before anything is sent, errors from main
// land next to the field their path names, and saving sends the whole workspace with untouched fields kept.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';

afterEach(cleanup);

const seeded = {
  services: [{ name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: 'http://127.0.0.1:8080' }, endpointSecurity: { type: 'basic', secret: 'backend-creds' }, timeouts: { connectMs: 500, responseMs: 1000 } }],
  routes: [{ name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'] }],
  consumers: [{ username: 'alex' }],
};

function list() {
  return within(screen.getByRole('region', { name: 'Service and route list' }));
}

describe('service form', () => {
  it('checks with the workspace schema before sending: errors show next to their fields, nothing is saved', async () => {
    const fake = await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'New service' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'bad name!' } });
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: 'v1' } });
    fireEvent.change(screen.getByLabelText('Hosts'), { target: { value: 'api.example.com, bad_host!' } });
    fireEvent.change(screen.getByLabelText('Upstream URL'), { target: { value: 'http://user:pw@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    const name = await screen.findByLabelText('Name');
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(name)).toContain('letters, digits');
    expect(errorOf(screen.getByLabelText('Path prefix'))).toContain('a path starting with "/"');
    expect(errorOf(screen.getByLabelText('Hosts'))).toContain('item 2: a hostname such as api.example.com');
    expect(errorOf(screen.getByLabelText('Upstream URL'))).toContain('no credentials in the URL');
    expect(screen.getByRole('alert').textContent).toContain('Not saved');
    expect(fake.callsOf('workspace:save')).toEqual([]);
    // Focus goes to the first field in error.
    expect(document.activeElement).toBe(name);
  });

  it('says a CSRF token endpoint\'s problem on its field as its own, not prefixed with the member it edits', async () => {
    const fake = await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'New service' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'orders' } });
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/orders' } });
    fireEvent.change(screen.getByLabelText('Upstream URL'), { target: { value: 'https://orders.example.com' } });
    fireEvent.change(screen.getByLabelText('CSRF token endpoint'), { target: { value: 'ftp://x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    const csrf = screen.getByLabelText('CSRF token endpoint');
    await waitFor(() => expect(errorOf(csrf)).toContain('http:// or https://'));
    expect(errorOf(csrf)).not.toMatch(/tokenEndpointUrl/i);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('shows errors main returns (errors[].path) next to the field they name', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(list().getByRole('button', { name: /^basic-auth-app/ }));
    fake.refuseNextSave = [
      { path: 'services[0].upstream.url', message: 'refused by main' },
      { path: 'gateway.port', message: 'port taken' },
    ];
    fireEvent.change(screen.getByLabelText('Upstream URL'), { target: { value: 'http://127.0.0.1:9999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    const url = screen.getByLabelText('Upstream URL');
    await waitFor(() => expect(errorOf(url)).toContain('refused by main'));
    // An error no field of this form shows is listed with its path.
    expect(screen.getByRole('alert').textContent).toContain('gateway.port: port taken');
    expect(fake.callsOf('workspace:save')).toHaveLength(1);
  });

  it('narrows the Kubernetes upstream errors to the fields they are about', async () => {
    await renderApp(seeded);
    fireEvent.click(list().getByRole('button', { name: /^basic-auth-app/ }));
    fireEvent.click(screen.getByLabelText('Kubernetes service'));
    fireEvent.change(screen.getByLabelText('Service name'), { target: { value: 'orders' } });
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '99999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    // The rule, said plainly, not zod's "Too big: expected number to be <=65535" or "received NaN".
    await waitFor(() => expect(errorOf(screen.getByLabelText('Port'))).toBe('a port is a whole number from 1 to 65535'));
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '8o' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Port'))).toBe('a port is a whole number from 1 to 65535'));
  });

  it('saves the whole workspace and keeps what the form does not edit (endpointSecurity, timeouts)', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(list().getByRole('button', { name: /^basic-auth-app/ }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'renamed-app' } });
    fireEvent.click(screen.getByLabelText('On'));
    fireEvent.change(screen.getByLabelText('Realm'), { target: { value: 'my api' } });
    fireEvent.click(screen.getByLabelText('Hide credentials from the upstream'));
    fireEvent.change(screen.getByLabelText('Anonymous consumer'), { target: { value: 'alex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service renamed-app saved.');

    const sent = fake.callsOf('workspace:save')[0] as { services: unknown[]; routes: unknown[]; consumers: unknown[] };
    expect(sent.services).toEqual([
      expect.objectContaining({
        name: 'renamed-app',
        endpointSecurity: { type: 'basic', secret: 'backend-creds', usernameKey: 'username', passwordKey: 'password' },
        timeouts: { connectMs: 500, responseMs: 1000, clientReadMs: 60_000 },
        plugins: { 'basic-auth': { enabled: true, realm: 'my api', hideCredentials: true, anonymousConsumer: 'alex' } },
      }),
    ]);
    // The route follows its service's rename; the rest of the workspace is sent as it was.
    expect(sent.routes).toEqual([expect.objectContaining({ name: 'json', service: 'renamed-app' })]);
    expect(sent.consumers).toEqual([{ username: 'alex' }]);
    expect(list().getByRole('button', { name: /^renamed-app/ }).getAttribute('aria-current')).toBe('true');
  });

  it('says "Saved, not served" with the reason when the gateway leaves the saved service out', async () => {
    const fake = await renderApp(seeded, (f) => {
      f.servedAfterSave = { config: 'saved', leftOut: [{ kind: 'service', path: 'services[0]', name: 'basic-auth-app', message: 'service "basic-auth-app": secret "backend-creds" not found', secret: { name: 'backend-creds' } }] };
    });
    fireEvent.click(list().getByRole('button', { name: /^basic-auth-app/ }));
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/v2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Saved, not served: service basic-auth-app: secret backend-creds is not in the vault — enter it. Everything else is served.');
    expect(fake.workspace.services[0]!.pathPrefix).toBe('/v2');
    // The list marks it, the form says why at its top, and the status bar is not green.
    expect(list().getByText('not served')).toBeTruthy();
    expect(screen.getByRole('note').textContent).toContain('Not served: secret backend-creds is not in the vault — enter it.');
    expect(screen.getByText('Running with 1 item left out')).toBeTruthy();
  });

  it('deletes a service with its routes after confirming', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(list().getByRole('button', { name: /^basic-auth-app/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete service' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete service basic-auth-app?' });
    expect(dialog.textContent).toContain('json');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete service' }));
    await screen.findByText('No services yet');
    expect(fake.workspace.services).toEqual([]);
    expect(fake.workspace.routes).toEqual([]);
  });
});

describe('route form', () => {
  it('adds a route with exact match, methods and a basic-auth override', async () => {
    const fake = await renderApp({ services: seeded.services });
    fireEvent.click(screen.getByRole('button', { name: '+ Add route to basic-auth-app' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'json' } });
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/json' } });
    expect(screen.getByText('/v1/json')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Exact path'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'GET' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'POST' }));
    expect(screen.getByLabelText('As the service (off)')).toHaveProperty('checked', true);
    fireEvent.click(screen.getByLabelText('On for this route'));
    fireEvent.click(screen.getByRole('button', { name: 'Save route' }));
    await screen.findByText('Route json saved.');
    expect(fake.workspace.routes).toEqual([
      { name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET', 'POST'], plugins: { 'basic-auth': { enabled: true, realm: '.', hideCredentials: false } } },
    ]);
    expect(list().getByRole('button', { name: /^json/ }).textContent).toContain('basic auth');
  });

  it('turning basic auth off on a route is an explicit override; "as the service" removes it', async () => {
    const fake = await renderApp({ ...seeded, services: [{ ...seeded.services[0], plugins: { 'basic-auth': {} } }] });
    fireEvent.click(list().getByRole('button', { name: /^json/ }));
    fireEvent.click(screen.getByLabelText('Off for this route'));
    fireEvent.click(screen.getByRole('button', { name: 'Save route' }));
    await screen.findByText('Route json saved.');
    expect(fake.workspace.routes[0]!.plugins).toEqual({ 'basic-auth': { enabled: false, realm: '.', hideCredentials: false } });
    fireEvent.click(screen.getByLabelText('As the service (on)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save route' }));
    await waitFor(() => expect(fake.workspace.routes[0]!.plugins).toEqual({}));
  });

  it('refuses a duplicate route name with the error next to Name, and an empty method list is "any method"', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: '+ Add route to basic-auth-app' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'json' } });
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/other' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save route' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Name'))).toContain('duplicate route name "json"'));
    expect(fake.callsOf('workspace:save')).toEqual([]);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'other' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save route' }));
    await screen.findByText('Route other saved.');
    expect(fake.workspace.routes[1]).not.toHaveProperty('methods');
  });

  it('refuses a service no request would reach, next to Path prefix; and on the earlier one\'s form when its edit is the cause', async () => {
    const fake = await renderApp({ services: [{ name: 'alpha', pathPrefix: '/same', upstream: { url: 'http://127.0.0.1:8080' } }, { name: 'beta', pathPrefix: '/other', upstream: { url: 'http://127.0.0.1:8081' } }] });
    fireEvent.click(screen.getByRole('button', { name: 'New service' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'gamma' } });
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/same' } });
    fireEvent.change(screen.getByLabelText('Upstream URL'), { target: { value: 'http://127.0.0.1:8082' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Path prefix'))).toContain('"/same" is already service "alpha"\'s: no request would reach service "gamma"'));
    // Another host makes it reachable.
    fireEvent.change(screen.getByLabelText('Hosts'), { target: { value: 'gamma.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await screen.findByText('Service gamma saved.');
    expect(fake.callsOf('workspace:save')).toHaveLength(1);

    // alpha moved to beta's prefix: beta, later in the list, is the one left without requests; alpha's form shows it.
    fireEvent.click(list().getByRole('button', { name: /^alpha/ }));
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/other' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Path prefix'))).toContain('"/other" is already service "alpha"\'s: no request would reach service "beta"'));
    expect(fake.callsOf('workspace:save')).toHaveLength(1);
  });
});
