// The screens, as a list of buttons: Tab reaches each one, and the arrow keys, Home and End move between
// them. The current screen is marked with aria-current.
import { useRef, type KeyboardEvent } from 'react';
import { useNavigationStore, type ScreenId } from '../state/navigation-store';

export interface SidebarEntry {
  id: ScreenId;
  label: string;
  description: string;
}

export function Sidebar({ screens }: { screens: readonly SidebarEntry[] }) {
  const screen = useNavigationStore((s) => s.screen);
  const navigate = useNavigationStore((s) => s.navigate);
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(e.currentTarget);
    const target = e.key === 'ArrowDown' ? buttons[(index + 1) % buttons.length] : e.key === 'ArrowUp' ? buttons[(index - 1 + buttons.length) % buttons.length] : e.key === 'Home' ? buttons[0] : e.key === 'End' ? buttons[buttons.length - 1] : undefined;
    if (target) {
      e.preventDefault();
      target.focus();
    }
  };

  return (
    <nav className="sidebar" aria-label="Screens">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Gatehouse</span>
      </div>
      <ul ref={listRef}>
        {screens.map((s) => (
          <li key={s.id}>
            <button type="button" className="nav-item" aria-current={s.id === screen ? 'page' : undefined} onClick={() => void navigate(s.id)} onKeyDown={onKeyDown}>
              <span>{s.label}</span>
              <span className="nav-description">{s.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
