// The app's keyboard commands: Ctrl/Cmd+S submits the open form, Escape closes the open details. The app
// menu sends the same commands (its accelerators may never reach the page as key presses).
import { useEffect, useRef, type RefObject } from 'react';
import { useConfirmStore } from '../state/confirm-store';

/** The form to save: the one holding the focus, else the only form with a save action bar on screen. */
export function submitOpenForm(): boolean {
  const focused = document.activeElement?.closest('form');
  const forms = [...document.querySelectorAll('.form-actions')].map((bar) => bar.closest('form')).filter((f): f is HTMLFormElement => f !== null);
  const form = focused && forms.includes(focused) ? focused : forms.length === 1 ? forms[0] : undefined;
  if (!form) return false;
  form.requestSubmit();
  return true;
}

export function isSaveShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's';
}

/**
 * Escape closes the open details (an editor, a traffic row) while no dialog is open; `close` may ask first
 * (unsaved changes). Undefined while nothing is open.
 */
export function useEscapeToClose(close: (() => void) | undefined): void {
  const latest = useRef(close);
  latest.current = close;
  const open = close !== undefined;
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || useConfirmStore.getState().open) return;
      // A select or a text box uses Escape itself first (closing its list, clearing a search).
      if (e.target instanceof HTMLSelectElement || (e.target instanceof HTMLInputElement && e.target.type === 'search')) return;
      e.preventDefault();
      latest.current?.();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);
}

/**
 * Brings the details into view when a new item is opened: in a narrow window the editor sits below the list, and a
 * click would otherwise seem to do nothing. Focus moves to its heading so it is announced.
 */
export function useRevealOnOpen(ref: RefObject<HTMLElement | null>, openedKey: unknown): void {
  useEffect(() => {
    const element = ref.current;
    if (!element || openedKey === undefined) return;
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight / 2) element.scrollIntoView({ block: 'start' });
    const heading = element.querySelector<HTMLElement>('h2');
    if (heading && !element.contains(document.activeElement)) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }, [ref, openedKey]);
}
