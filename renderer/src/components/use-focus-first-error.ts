import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { revealAboveBar } from './reveal-above-bar';

/** After a failed save, moves focus to the first field marked invalid (or to the error notice), its message in sight above the action bar. */
export function useFocusFirstError(): [RefObject<HTMLFormElement | null>, () => void] {
  const formRef = useRef<HTMLFormElement>(null);
  const [request, setRequest] = useState(0);
  useEffect(() => {
    if (request === 0) return;
    const form = formRef.current;
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]');
    if (!target || !form) return;
    if (target.getAttribute('role') === 'alert') {
      // The notice is in the action bar, always in sight.
      target.tabIndex = -1;
      target.focus();
      return;
    }
    target.focus({ preventScroll: true });
    revealAboveBar(target, form);
  }, [request]);
  return [formRef, useCallback(() => setRequest((n) => n + 1), [])];
}
