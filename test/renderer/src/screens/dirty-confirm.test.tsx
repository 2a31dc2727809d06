// @vitest-environment jsdom
// Unsaved changes are never dropped silently: leaving a dirty form (another screen, another item) asks
// first, and closing the window is refused through `beforeunload` while a form is dirty.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useNavigationStore } from '../../../../renderer/src/state/navigation-store';
import { renderApp, sidebar } from '../../support/render-app';

afterEach(cleanup);

const seeded = {
  services: [
    { name: 'one', pathPrefix: '/one', upstream: { url: 'http://127.0.0.1:8080' } },
    { name: 'two', pathPrefix: '/two', upstream: { url: 'http://127.0.0.1:8081' } },
  ],
  consumers: [{ username: 'alex' }],
};

function beforeUnloadPrevented(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('leaving a dirty form', () => {
  it('navigates freely while nothing is changed', async () => {
    await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: /^one/ }));
    fireEvent.click(sidebar().getByRole('button', { name: /^Consumers/ }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await screen.findByRole('heading', { level: 1, name: 'Consumers' });
    expect(beforeUnloadPrevented()).toBe(false);
  });

  it('asks before switching screens; "Keep editing" keeps the form and its changes', async () => {
    await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: /^one/ }));
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/changed' } });
    fireEvent.click(sidebar().getByRole('button', { name: /^Consumers/ }));

    const dialog = await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' });
    expect(dialog.textContent).toContain('service one');
    // The safe choice has the focus, and the app behind is inert.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(document.querySelector('.app')!.hasAttribute('inert')).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep editing' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(useNavigationStore.getState().screen).toBe('services');
    expect((screen.getByLabelText('Path prefix') as HTMLInputElement).value).toBe('/changed');
  });

  it('Escape is "Keep editing"; "Discard changes" leaves and drops them', async () => {
    const fake = await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: /^one/ }));
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/changed' } });
    fireEvent.click(sidebar().getByRole('button', { name: /^Try it/ }));
    fireEvent.keyDown(await screen.findByRole('alertdialog'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(useNavigationStore.getState().screen).toBe('services');

    fireEvent.click(sidebar().getByRole('button', { name: /^Try it/ }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }));
    await screen.findByRole('heading', { level: 1, name: 'Try it' });
    expect(fake.workspace.services[0]!.pathPrefix).toBe('/one');
    expect(useNavigationStore.getState().dirty).toEqual({});
  });

  it('asks before opening another item of the same list', async () => {
    await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: /^one/ }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'uno' } });
    fireEvent.click(screen.getByRole('button', { name: /^two/ }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Keep editing' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Service one');

    fireEvent.click(screen.getByRole('button', { name: /^two/ }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Service two'));
  });

  it('refuses to unload the window while a form is dirty, and not after saving', async () => {
    await renderApp(seeded, undefined, 'consumers');
    fireEvent.click(screen.getByRole('button', { name: /^alex/ }));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a new password' } });
    expect(beforeUnloadPrevented()).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save consumer' }));
    await screen.findByText('Consumer alex saved; the password is in the vault.');
    // The form's clean state may commit a render after the message: wait for it, the test timeout catches "never".
    await waitFor(() => expect(beforeUnloadPrevented()).toBe(false));
  });

  it('the Discard changes button of a form resets it without asking', async () => {
    await renderApp(seeded);
    fireEvent.click(screen.getByRole('button', { name: /^one/ }));
    fireEvent.change(screen.getByLabelText('Path prefix'), { target: { value: '/changed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect((screen.getByLabelText('Path prefix') as HTMLInputElement).value).toBe('/one');
    expect(beforeUnloadPrevented()).toBe(false);
  });
});
