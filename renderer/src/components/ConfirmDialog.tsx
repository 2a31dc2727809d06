// The one modal: asks before discarding unsaved changes or deleting. Focus starts on the safe choice,
// Tab stays inside, Escape cancels, and focus returns where it was. The rest of the app is inert meanwhile.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useConfirmStore } from '../state/confirm-store';

export function ConfirmDialog() {
  const open = useConfirmStore((s) => s.open);
  const answer = useConfirmStore((s) => s.answer);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    return () => {
      if (previous && previous.isConnected) previous.focus();
    };
  }, [open]);

  if (!open) return null;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      answer(false);
    } else if (e.key === 'Tab') {
      const first = cancelRef.current;
      const last = confirmRef.current;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-message" onKeyDown={onKeyDown}>
        <h2 id="confirm-title">{open.title}</h2>
        <p id="confirm-message">{open.message}</p>
        <div className="button-row end">
          <button ref={cancelRef} type="button" className="secondary" onClick={() => answer(false)}>
            {open.cancelLabel ?? 'Cancel'}
          </button>
          <button ref={confirmRef} type="button" className={open.danger ? 'danger' : 'primary'} onClick={() => answer(true)}>
            {open.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
