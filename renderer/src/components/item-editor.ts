// The item a list-and-details screen has open, and the editor showing it: one rule for the services, consumers
// and secrets screens — choosing another item asks first when the open form has unsaved changes, each choice
// gets a fresh editor, Escape closes the details, a newly opened item is brought into view, and closing the details
// gives the focus back to the control the item was opened from.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useNavigationStore, type NavigationTarget } from '../state/navigation-store';
import { useEscapeToClose, useRevealOnOpen } from './keyboard';

export interface ItemEditorOptions<S> {
  /** What a navigation target (a "not served" notice's link) opens on this screen; undefined for nothing. */
  fromTarget?: (target: NavigationTarget) => S | undefined | Promise<S | undefined>;
  /** What tells one opened item from another for bringing it into view; by default each new editor. */
  revealKey?: (selection: S, editor: number) => unknown;
  /** Runs with every choice the user makes, before the new item opens. */
  onChoose?: () => void;
}

export interface ItemEditor<S> {
  selection: S | undefined;
  /** The open form's key: a new editor (fresh form state) for each choice; `show` keeps the same one. */
  editor: number;
  detailRef: RefObject<HTMLDivElement | null>;
  /** The user's choice of item (undefined closes the details), once unsaved changes are kept or discarded. */
  choose(next: S | undefined): void;
  /** What the open editor now shows, after it saved or deleted: the same editor, nothing to ask. */
  show(next: S | undefined): void;
}

export function useItemEditor<S>(options: ItemEditorOptions<S> = {}): ItemEditor<S> {
  const guard = useNavigationStore((s) => s.guard);
  const [selection, setSelection] = useState<S>();
  const [editor, setEditor] = useState(0);
  const detailRef = useRef<HTMLDivElement>(null);
  useRevealOnOpen(detailRef, selection === undefined ? undefined : options.revealKey ? options.revealKey(selection, editor) : editor);

  const open = (next: S | undefined) => {
    setSelection(next);
    setEditor((n) => n + 1);
  };

  // A target is taken when the screen opens with it, and when one arrives while the screen is already shown (the
  // status bar's "Enter secret …" on the Secrets screen): the navigation that set it has already asked about
  // unsaved changes, so the item it names replaces the open form, which must not stay on screen unguarded.
  const { fromTarget, onChoose } = options;
  const pending = useNavigationStore((s) => s.target);
  useEffect(() => {
    if (!pending) return;
    const target = useNavigationStore.getState().takeTarget();
    if (!target || !fromTarget) return;
    void Promise.resolve(fromTarget(target)).then((next) => {
      if (next === undefined) return;
      onChoose?.();
      open(next);
    });
  }, [pending]);

  // The control the open item was chosen with (its list item, "New service"), not one inside the details (Edit,
  // Cancel): the details hold the focus once open, and closing them would drop it on the page.
  const openerRef = useRef<HTMLElement | null>(null);
  const refocusRef = useRef(false);
  useEffect(() => {
    if (selection !== undefined || !refocusRef.current) return;
    refocusRef.current = false;
    if (openerRef.current?.isConnected) openerRef.current.focus();
  }, [selection]);

  const choose = (next: S | undefined) => {
    // Read before the unsaved-changes question takes the focus.
    const from = document.activeElement;
    void guard(() => {
      options.onChoose?.();
      if (from instanceof HTMLElement && from !== document.body && !detailRef.current?.contains(from)) openerRef.current = from;
      refocusRef.current = next === undefined;
      open(next);
    });
  };
  useEscapeToClose(selection !== undefined ? () => choose(undefined) : undefined);

  return { selection, editor, detailRef, choose, show: setSelection };
}
