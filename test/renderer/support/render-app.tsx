// Renders the whole app (sidebar, banners, screens, dialog) against the in-memory fake.
import { act, configure, render, screen, within } from '@testing-library/react';
import { App } from '../../../renderer/src/App';
import { useNavigationStore, type ScreenId } from '../../../renderer/src/state/navigation-store';
import { installFakeGatehouse, type FakeGatehouse } from './fake-gatehouse';
import { resetStores } from './reset-stores';

// findBy*/waitFor wait for what the page shows; on a busy machine that must not fail after testing-library's
// 1 s default. Only a hang should fail them, and the test's own timeout judges that.
configure({ asyncUtilTimeout: 25_000 });

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
