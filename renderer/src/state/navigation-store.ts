// Which screen is shown, and which forms hold unsaved changes. Leaving a dirty form (another screen,
// another item in a list) asks first; closing the window is guarded by `beforeunload` (see App).
import { useLayoutEffect } from 'react';
import { create } from 'zustand';
import { confirmAction } from './confirm-store';

export type ScreenId = 'services' | 'consumers' | 'secrets' | 'tryit' | 'traffic' | 'import' | 'cluster';

/** What to open on the screen navigated to: a secret to enter, or a workspace item by its path (`services[2]`). */
export type NavigationTarget = { kind: 'secret'; name: string; namespace?: string; keys?: string[] } | { kind: 'item'; path: string };

interface NavigationState {
  screen: ScreenId;
  /** Set by `navigate(screen, target)`; the screen opens it and clears it with `takeTarget`. */
  target: NavigationTarget | undefined;
  takeTarget(): NavigationTarget | undefined;
  /** Form id → what it edits ("service basic-auth-app"), for every form with unsaved changes. */
  dirty: Record<string, string>;
  setDirty(form: string, what: string | undefined): void;
  /** Runs `action` now, or after the user agrees to discard unsaved changes. Resolves whether it ran. */
  guard(action: () => void): Promise<boolean>;
  navigate(screen: ScreenId, target?: NavigationTarget): Promise<boolean>;
}

export const useNavigationStore = create<NavigationState>((set, get) => ({
  screen: 'services',
  target: undefined,
  takeTarget() {
    const target = get().target;
    if (target) set({ target: undefined });
    return target;
  },
  dirty: {},
  setDirty(form, what) {
    const dirty = { ...get().dirty };
    if (what === undefined) {
      if (!(form in dirty)) return;
      delete dirty[form];
    } else {
      if (dirty[form] === what) return;
      dirty[form] = what;
    }
    set({ dirty });
  },
  async guard(action) {
    const pending = Object.values(get().dirty);
    if (pending.length > 0) {
      const confirmed = await confirmAction({
        title: 'Discard unsaved changes?',
        message: `You have unsaved changes to ${pending.join(', ')}. They will be lost.`,
        confirmLabel: 'Discard changes',
        cancelLabel: 'Keep editing',
        danger: true,
      });
      if (!confirmed) return false;
      set({ dirty: {} });
    }
    action();
    return true;
  },
  navigate(screen, target) {
    if (screen === get().screen && !target) return Promise.resolve(true);
    return get().guard(() => set({ screen, target }));
  },
}));

export function hasUnsavedChanges(): boolean {
  return Object.keys(useNavigationStore.getState().dirty).length > 0;
}

/**
 * Registers a form's unsaved state while it is mounted. A layout effect, so the guard agrees with what the
 * screen shows from the same commit on: once "saved" is on screen, closing the window is no longer refused.
 */
export function useDirtyForm(form: string, dirty: boolean, what: string): void {
  const setDirty = useNavigationStore((s) => s.setDirty);
  useLayoutEffect(() => {
    setDirty(form, dirty ? what : undefined);
  }, [form, dirty, what, setDirty]);
  useLayoutEffect(() => () => setDirty(form, undefined), [form, setDirty]);
}
