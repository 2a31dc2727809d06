// Renders the whole app (sidebar, banners, screens, dialog) against the in-memory fake.
import { act, render, screen, within } from '@testing-library/react';
import { App } from '../../../renderer/src/App';
import { useNavigationStore, type ScreenId } from '../../../renderer/src/state/navigation-store';
import { installFakeGatehouse, type FakeGatehouse } from './fake-gatehouse';
import { resetStores } from './reset-stores';

export async function renderApp(workspace?: unknown, setup?: (fake: FakeGatehouse) => void, start: ScreenId = 'services'): Promise<FakeGatehouse> {
  resetStores();
  const fake = installFakeGatehouse(workspace);
  setup?.(fake);
  useNavigationStore.setState({ screen: start });
  render(<App />);
  // The workspace and the statuses arrive asynchronously.
  await screen.findByText(/Gateway: /);
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
  return fake;
}

export function sidebar() {
  return within(screen.getByRole('navigation', { name: 'Screens' }));
}

/** The error text an input points at with aria-describedby. */
export function errorOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}
