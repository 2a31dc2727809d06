import type { ReactNode } from 'react';

/** The screen's title (focused after navigating to it, so screen readers announce it) and its actions. */
export function ScreenHeader({ id, title, children }: { id: string; title: string; children?: ReactNode }) {
  return (
    <header className="screen-header">
      <h1 id={`${id}-title`} tabIndex={-1}>
        {title}
      </h1>
      {children && <div className="screen-actions">{children}</div>}
    </header>
  );
}
