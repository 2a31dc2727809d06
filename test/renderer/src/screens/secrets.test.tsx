// @vitest-environment jsdom
// Secrets: values are masked in the list and revealed only on demand; where the workspace uses each
// secret; adding and editing keys (blank = keep the stored value); deleting.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorOf, renderApp } from '../../support/render-app';

afterEach(cleanup);

const workspace = {
  services: [{ name: 'backend', upstream: { url: 'http://127.0.0.1:8080' }, endpointSecurity: { type: 'basic', secret: 'backend-creds' } }],
  consumers: [
    { username: 'alex', basicAuth: { password: { secret: 'consumer-alex', key: 'password' } } },
    { username: 'bob', basicAuth: { password: { secret: 'consumer-bob', key: 'password' } } },
  ],
};

async function renderSecrets() {
  return renderApp(workspace, (f) => {
    f.secrets.set('consumer-alex', { password: '123456' });
    f.secrets.set('backend-creds', { username: 'admin', password: 'admin-pw' });
    f.secrets.set('spare', { token: 't0ken' });
  }, 'secrets');
}

function list() {
  return within(screen.getByRole('region', { name: 'Secret list' }));
}

describe('secrets screen', () => {
  it('lists names and keys with masked values and no value anywhere on the page', async () => {
    await renderSecrets();
    await list().findByRole('button', { name: /^consumer-alex/ });
    expect(list().getByRole('button', { name: /^consumer-alex/ }).textContent).toContain('password · used by consumer alex');
    expect(list().getByRole('button', { name: /^backend-creds/ }).textContent).toContain('username, password · used by service backend');
    expect(list().getByRole('button', { name: /^spare/ }).textContent).toContain('unused');

    fireEvent.click(list().getByRole('button', { name: /^backend-creds/ }));
    expect(screen.getByLabelText('username of backend-creds, hidden').textContent).toBe('••••••••');
    expect(screen.getByLabelText('password of backend-creds, hidden').textContent).toBe('••••••••');
    expect(document.body.textContent).not.toContain('admin-pw');
    expect(document.body.textContent).not.toContain('123456');
    const usedBy = screen.getByRole('heading', { name: 'Used by' }).parentElement!;
    expect(usedBy.textContent).toContain('service backend (keys username, password) services[0].endpointSecurity');
  });

  it('reveals one value on demand through secrets:reveal, and hides it again', async () => {
    const fake = await renderSecrets();
    fireEvent.click(await list().findByRole('button', { name: /^consumer-alex/ }));
    expect(fake.callsOf('secrets:reveal')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Reveal password of consumer-alex' }));
    expect((await screen.findByLabelText('password of consumer-alex, revealed')).textContent).toBe('123456');
    expect(fake.callsOf('secrets:reveal')).toEqual([{ name: 'consumer-alex', key: 'password' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Hide password of consumer-alex' }));
    expect(screen.getByLabelText('password of consumer-alex, hidden').textContent).toBe('••••••••');
    expect(document.body.textContent).not.toContain('123456');
  });

  it('lists secrets the workspace names but the vault lacks, and adds one from there', async () => {
    const fake = await renderSecrets();
    const missing = await list().findByRole('button', { name: /^consumer-bob/ });
    expect(missing.textContent).toContain('used by consumer bob');
    fireEvent.click(missing);
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('consumer-bob');
    expect((screen.getByLabelText('Key 1') as HTMLInputElement).value).toBe('password');
    fireEvent.change(screen.getByLabelText('Value 1 (password)'), { target: { value: 'bobs-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await screen.findByText('Secret consumer-bob saved.');
    expect(fake.secrets.get('consumer-bob')).toEqual({ password: 'bobs-password' });
  });

  it('validates a new secret with the contract schema: errors next to the name and the key', async () => {
    const fake = await renderSecrets();
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '-bad-' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'bad key' } });
    fireEvent.change(screen.getByLabelText('Value 1 (bad key)'), { target: { value: 'v' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add key' }));
    fireEvent.change(screen.getByLabelText('Key 2'), { target: { value: 'fine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Name'))).toContain('letters, digits'));
    expect(errorOf(screen.getByLabelText('Key 1'))).toBe('not a valid key name: letters, digits, ".", "_" or "-"');
    expect(document.body.textContent!.split('not a valid key name')).toHaveLength(2);
    expect(errorOf(screen.getByLabelText('Value 2 (fine)'))).toContain('a value is required for a new key');
    expect(fake.callsOf('secrets:update')).toEqual([]);
  });

  it('refuses a new secret under a name the vault holds, on the Name field, naming its users: nothing is written', async () => {
    const fake = await renderSecrets();
    await list().findByRole('button', { name: /^consumer-alex/ });
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'consumer-alex' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'password' } });
    fireEvent.change(screen.getByLabelText('Value 1 (password)'), { target: { value: 'typed-over' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Name'))).toBe('a secret named consumer-alex already exists (used by consumer alex): open it to change it, or choose another name'));
    expect(document.querySelectorAll('.field-error')).toHaveLength(1);
    expect(fake.callsOf('secrets:update')).toEqual([]);
    expect(fake.secrets.get('consumer-alex')).toEqual({ password: '123456' });
    // The same name in a namespace is another secret.
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'team-a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await screen.findByText('Secret consumer-alex saved.');
    expect(fake.secrets.get('team-a/consumer-alex')).toEqual({ password: 'typed-over' });
    expect(fake.secrets.get('consumer-alex')).toEqual({ password: '123456' });
  });

  it('asks main for a new secret only (createOnly): one stored after the list was read is refused on the Name field', async () => {
    const fake = await renderSecrets();
    await list().findByRole('button', { name: /^spare/ });
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'late' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'token' } });
    fireEvent.change(screen.getByLabelText('Value 1 (token)'), { target: { value: 'mine' } });
    // Stored by another window (or the CLI) since the Secrets screen read the list.
    fake.secrets.set('late', { token: 'theirs' });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Name'))).toBe('a secret named late already exists: open it to change it, or choose another name'));
    expect(fake.callsOf('secrets:update')).toEqual([{ name: 'late', set: { token: 'mine' }, createOnly: true }]);
    expect(fake.secrets.get('late')).toEqual({ token: 'theirs' });
    expect(errorOf(screen.getByRole('group', { name: 'Keys and values' }))).toBe('');
  });

  it('says a bad name or namespace once, on its own field, not again under the keys', async () => {
    await renderSecrets();
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ok-name' } });
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'Bad NS' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'k' } });
    fireEvent.change(screen.getByLabelText('Value 1 (k)'), { target: { value: 'v' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Namespace'))).toBe('letters, digits, ".", "_" or "-", 1-63 characters, starting and ending with a letter or digit'));
    expect(errorOf(screen.getByLabelText('Name'))).toBe('');
    expect(document.querySelectorAll('.field-error')).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Bad Name!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Name'))).not.toBe(''));
    expect(document.querySelectorAll('.field-error')).toHaveLength(2);
    expect(document.body.textContent!.split('starting and ending with a letter or digit')).toHaveLength(3);
  });

  it('refuses a value holding a lone UTF-16 surrogate on its field: the vault would keep U+FFFD instead', async () => {
    const fake = await renderSecrets();
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'erp-oauth' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'clientSecret' } });
    fireEvent.change(screen.getByLabelText('Value 1 (clientSecret)'), { target: { value: 's3cr3t\uDC00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Value 1 (clientSecret)'))).toContain('holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form: the vault would store U+FFFD in its place'));
    expect(errorOf(screen.getByLabelText('Key 1'))).toBe('');
    expect(document.body.textContent).not.toContain('s3cr3t');
    expect(fake.callsOf('secrets:update')).toEqual([]);
  });

  it('"New secret" again, its draft discarded, starts an empty form with no errors left over', async () => {
    await renderSecrets();
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'first-draft' } });
    fireEvent.change(screen.getByLabelText('Key 1'), { target: { value: 'bad key' } });
    fireEvent.change(screen.getByLabelText('Value 1 (bad key)'), { target: { value: 'v' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Key 1'))).not.toBe(''));
    fireEvent.click(screen.getByRole('button', { name: 'New secret' }));
    fireEvent.click(within(await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    // The fresh form mounts once the guard has resolved the dialog's answer: a turn after the dialog closes.
    await waitFor(() => expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe(''));
    expect((screen.getByLabelText('Key 1') as HTMLInputElement).value).toBe('');
    expect(errorOf(screen.getByLabelText('Key 1'))).toBe('');
    expect(document.querySelectorAll('.field-error')).toHaveLength(0);
    // Nothing typed in the new form: leaving it asks nothing.
    fireEvent.click(list().getByRole('button', { name: /^spare/ }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await screen.findByRole('heading', { name: 'Secret spare' });
  });

  it('edits keys: a blank stored value is kept, a removed key goes, a new key is added', async () => {
    const fake = await renderSecrets();
    fireEvent.click(await list().findByRole('button', { name: /^backend-creds/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit keys' }));
    expect((screen.getByLabelText('Value 1 (username)') as HTMLInputElement).placeholder).toBe('unchanged');
    fireEvent.change(screen.getByLabelText('Value 2 (password)'), { target: { value: 'rotated' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add key' }));
    fireEvent.change(screen.getByLabelText('Key 3'), { target: { value: 'realm' } });
    fireEvent.change(screen.getByLabelText('Value 3 (realm)'), { target: { value: 'corp' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await screen.findByText('Secret backend-creds saved.');
    expect(fake.secrets.get('backend-creds')).toEqual({ username: 'admin', password: 'rotated', realm: 'corp' });

    fireEvent.click(screen.getByRole('button', { name: 'Edit keys' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove key 3 (realm)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    await screen.findByText('Secret backend-creds saved.');
    expect(fake.secrets.get('backend-creds')).toEqual({ username: 'admin', password: 'rotated' });
  });

  it('says "Saved, not served" when the value saved leaves a user of the secret out, with what is wrong with it', async () => {
    const invalid = 'secret "backend-creds" key "username" contains ":", which ends a Basic user-id (RFC 7617)';
    await renderApp(workspace, (f) => {
      f.secrets.set('backend-creds', { username: 'admin', password: 'admin-pw' });
      f.servedAfterSave = { config: 'saved', leftOut: [{ kind: 'service', path: 'services[0]', name: 'backend', message: `service "backend": ${invalid}`, secret: { name: 'backend-creds', key: 'username', invalid } }] };
    }, 'secrets');
    fireEvent.click(await list().findByRole('button', { name: /^backend-creds/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit keys' }));
    fireEvent.change(screen.getByLabelText('Value 1 (username)'), { target: { value: 'ad:min' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save secret' }));
    expect((await screen.findByRole('alert')).textContent).toBe(`Saved, not served: service backend: ${invalid} — fix it. Everything else is served.`);
    expect(document.body.textContent).not.toContain('has no username');
  });

  it('deletes a secret after a confirmation that says who uses it', async () => {
    const fake = await renderSecrets();
    fireEvent.click(await list().findByRole('button', { name: /^consumer-alex/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete secret' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete secret consumer-alex?' });
    // What happens, not what does not: the gateway leaves its users out at once.
    expect(dialog.textContent).toContain('It is used by consumer alex. The gateway stops serving it at once, until the secret is entered again: a service answers 503, a consumer can no longer sign in.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete secret' }));
    await waitFor(() => expect(fake.secrets.has('consumer-alex')).toBe(false));
    // Still named by the workspace: now listed as missing.
    expect((await list().findByRole('button', { name: /^consumer-alex/ })).textContent).toContain('add it');
  });
});
