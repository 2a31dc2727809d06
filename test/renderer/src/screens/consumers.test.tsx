// @vitest-environment jsdom
// Consumers: the password field (show/hide, strength hint) and where the password goes: the vault through
// the save that carries it, with only the reference {secret, key} in the workspace.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';

afterEach(cleanup);

const walkthrough = {
  services: [{ name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: 'http://127.0.0.1:8080' } }, { name: 'whole', pathPrefix: '/whole', upstream: { url: 'http://127.0.0.1:8081' }, plugins: { 'basic-auth': {} } }],
  routes: [
    { name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'], plugins: { 'basic-auth': {} } },
    { name: 'open', service: 'basic-auth-app', path: '/open' },
  ],
};

describe('consumer form', () => {
  it('hides the password by default, shows it on demand, and hints at its strength', async () => {
    await renderApp(walkthrough, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: 'New consumer' }));
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    expect(password.type).toBe('password');
    fireEvent.change(password, { target: { value: '123456' } });
    const toggle = screen.getByRole('button', { name: 'Show' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(password.type).toBe('text');
    expect(screen.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(password.type).toBe('password');

    const strength = document.getElementById('consumer-password-strength')!;
    expect(password.getAttribute('aria-describedby')).toContain('consumer-password-strength');
    expect(strength.textContent).toMatch(/^Weak: 6 characters, a very common password/);
    fireEvent.change(password, { target: { value: 'Tr0ub4dor&3xyz' } });
    expect(strength.textContent).toMatch(/^Strong/);
    fireEvent.change(password, { target: { value: 'horsebattery' } });
    expect(strength.textContent).toMatch(/^Fair/);
  });

  it('stores the password in the vault as consumer-<username> and the workspace only as a reference', async () => {
    const fake = await renderApp(walkthrough, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: 'New consumer' }));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alex' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer alex saved; the password is in the vault.');

    expect(fake.secretWrites()).toEqual([{ name: 'consumer-alex', set: { password: '123456' } }]);
    // The secret goes with the workspace that names it: main writes it only for a save it takes.
    expect(fake.calls.map((c) => c.channel).filter((c) => c === 'secrets:update' || c === 'workspace:save')).toEqual(['workspace:save']);
    expect(fake.workspace.consumers).toEqual([{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }]);
    for (const payload of fake.callsOf('workspace:save')) expect(JSON.stringify(payload)).not.toContain('123456');
    // The field is emptied after saving; the hint names the secret.
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.getElementById('consumer-password-hint')!.textContent).toContain('consumer-alex');
  });

  it('lists the routes whose effective basic auth is on (route overrides service)', async () => {
    await renderApp({ ...walkthrough, consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }] }, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    const accepted = screen.getByRole('heading', { name: 'Accepted on' }).parentElement!;
    const items = within(accepted).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['GET /v1/json route json of basic-auth-app', 'any /whole (prefix) service whole']);
    // The reference points at nothing in the vault: the form says so.
    expect((await screen.findByText(/cannot sign in until a password is saved here/)).textContent).toContain('consumer-alex');
  });

  it('keeps the stored password when the field is left empty, and updates the same secret when it is typed', async () => {
    const fake = await renderApp({ consumers: [{ username: 'alex', basicAuth: { password: { secret: 'shared', key: 'alex' } } }] }, (f) => {
      f.secrets.set('shared', { alex: 'old', bob: 'bobs' });
    }, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    expect(screen.queryByText(/cannot sign in/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alexandra' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer alexandra saved.');
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.workspace.consumers).toEqual([{ username: 'alexandra', basicAuth: { password: { secret: 'shared', key: 'alex' } } }]);

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a much better password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer alexandra saved; the password is in the vault.');
    // The other key of the shared secret survives (the vault replaces a secret's whole data).
    expect(fake.secrets.get('shared')).toEqual({ alex: 'a much better password', bob: 'bobs' });
  });

  it('asks before writing a password into a secret key another consumer reads too, and writes it only when told to', async () => {
    const team = { secret: 'team', key: 'password' };
    const fake = await renderApp({ consumers: [{ username: 'alex', basicAuth: { password: team } }, { username: 'sam', basicAuth: { password: team } }] }, (f) => {
      f.secrets.set('team', { password: 'old' });
    }, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a new team password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    let dialog = await screen.findByRole('alertdialog', { name: 'Write into secret team?' });
    expect(dialog.textContent).toContain('team is also read by consumer sam (key password): saving changes it for them too.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Password'))).toContain('also read by consumer sam (key password): choose another secret name'));
    expect(fake.callsOf('workspace:save')).toEqual([]);
    expect(fake.secrets.get('team')).toEqual({ password: 'old' });

    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    dialog = await screen.findByRole('alertdialog', { name: 'Write into secret team?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Write into the shared secret' }));
    await screen.findByText('Consumer alex saved; the password is in the vault.');
    expect(fake.secrets.get('team')).toEqual({ password: 'a new team password' });
  });

  it('shows schema errors by field and sends nothing', async () => {
    const fake = await renderApp({ consumers: [{ username: 'alex' }] }, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: 'New consumer' }));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alex' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Username'))).toContain('duplicate consumer "alex"'));
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
  });

  it('refuses a password no client could sign in with (a tab, a C1 control) on its field, before anything is written', async () => {
    const fake = await renderApp({ consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }] }, (f) => {
      f.secrets.set('consumer-alex', { password: 'old' });
    }, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    for (const [typed, said] of [['pass\tword', 'contains control characters (RFC 7617); no client can send it'], ['pass\u0085word', 'contains control characters (U+0080–U+009F); no client can send it']] as const) {
      fireEvent.change(screen.getByLabelText('Password'), { target: { value: typed } });
      fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
      await waitFor(() => expect(errorOf(screen.getByLabelText('Password'))).toContain(said));
      expect(screen.getByText('Not saved: fix the fields marked in red.')).toBeTruthy();
    }
    expect(fake.secretWrites()).toEqual([]);
    expect(fake.callsOf('workspace:save')).toEqual([]);
    expect(fake.secrets.get('consumer-alex')).toEqual({ password: 'old' });
    // What a client can send in UTF-8 is saved: a non-breaking space and letters past ASCII are not controls.
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'p\u00e4ss\u00a0word' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer alex saved; the password is in the vault.');
    expect(fake.secrets.get('consumer-alex')).toEqual({ password: 'p\u00e4ss\u00a0word' });
  });

  it('saves the optional consumer id and custom id, shows them again, and removes them when emptied', async () => {
    const fake = await renderApp({ consumers: [{ username: 'guest' }, { username: 'bob', id: 'taken' }] }, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^guest/ }));
    expect(document.getElementById('consumer-id-hint')!.textContent).toContain('X-Consumer-ID');
    expect(document.getElementById('consumer-custom-id-hint')!.textContent).toContain('X-Consumer-Custom-ID');
    // A duplicate id is the field's error, and nothing is saved.
    fireEvent.change(screen.getByLabelText('Consumer ID'), { target: { value: 'taken' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Consumer ID'))).toContain('duplicate consumer id "taken"'));
    expect(fake.callsOf('workspace:save')).toEqual([]);

    fireEvent.change(screen.getByLabelText('Consumer ID'), { target: { value: 'anon-0' } });
    expect(screen.getByRole('button', { name: 'Discard changes' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Custom ID'), { target: { value: 'public' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer guest saved.');
    expect(fake.workspace.consumers[0]).toEqual({ username: 'guest', id: 'anon-0', customId: 'public' });
    // Saved: the form is clean and shows what was saved.
    expect(screen.queryByRole('button', { name: 'Discard changes' })).toBeNull();
    expect((screen.getByLabelText('Custom ID') as HTMLInputElement).value).toBe('public');

    fireEvent.change(screen.getByLabelText('Consumer ID'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await waitFor(() => expect(fake.workspace.consumers[0]).toEqual({ username: 'guest', customId: 'public' }));
  });

  it('deletes a consumer and its password secret when nothing else uses it', async () => {
    const fake = await renderApp({ consumers: [{ username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } }] }, (f) => {
      f.secrets.set('consumer-alex', { password: '123456' });
    }, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete consumer' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('secret consumer-alex');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete consumer' }));
    await screen.findByText('No consumers yet');
    expect(fake.workspace.consumers).toEqual([]);
    // The list empties when the workspace is saved; the secret is deleted after that, so wait for it.
    await waitFor(() => expect(fake.secrets.has('consumer-alex')).toBe(false));
  });

  it('saves a username without the spaces typed around it, so "alex " is the duplicate of alex it looks like', async () => {
    const fake = await renderApp({ consumers: [{ username: 'alex' }] }, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: 'New consumer' }));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alex ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Username'))).toContain('duplicate consumer "alex"'));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: '  sam ' } });
    fireEvent.change(screen.getByLabelText('Custom ID'), { target: { value: ' s-1 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer sam saved.');
    expect(fake.workspace.consumers).toEqual([{ username: 'alex' }, { username: 'sam', customId: 's-1' }]);
    // The form shows what was saved, and nothing is left to save.
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('sam');
    expect(screen.queryByRole('button', { name: 'Discard changes' })).toBeNull();
  });

  it('does not delete the anonymous consumer of a service or route: it names them, before asking or sending anything', async () => {
    const fake = await renderApp({
      services: [{ name: 'api', pathPrefix: '/api', upstream: { url: 'http://127.0.0.1:8080' }, plugins: { 'basic-auth': { anonymousConsumer: 'anon' } } }],
      routes: [{ name: 'open', service: 'api', path: '/open', plugins: { 'basic-auth': { anonymousConsumer: 'anon' } } }],
      consumers: [{ username: 'anon' }],
    }, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^anon/ }));
    const accepted = screen.getByRole('heading', { name: 'Accepted on' }).parentElement!;
    expect(accepted.textContent).toContain('Anonymous consumer of service api, route open');
    fireEvent.click(screen.getByRole('button', { name: 'Delete consumer' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not deleted: anon is the anonymous consumer of service api, route open: choose another there first.');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.callsOf('workspace:save')).toEqual([]);
    expect(fake.workspace.consumers).toEqual([{ username: 'anon' }]);
  });
});
