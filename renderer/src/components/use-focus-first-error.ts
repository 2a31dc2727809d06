import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/** After a failed save, moves focus to the first field marked invalid (or to the error notice). */
export function useFocusFirstError(): [RefObject<HTMLFormElement | null>, () => void] {
  const formRef = useRef<HTMLFormElement>(null);
  const [request, setRequest] = useState(0);
  useEffect(() => {
    if (request === 0) return;
    const form = formRef.current;
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]');
    if (target) {
      if (target.getAttribute('role') === 'alert') target.tabIndex = -1;
      target.focus();
    }
  }, [request]);
  return [formRef, useCallback(() => setRequest((n) => n + 1), [])];
}
