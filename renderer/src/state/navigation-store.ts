// Which screen is shown, and which forms hold unsaved changes. Leaving a dirty form (another screen,
// another item in a list) asks first; closing the window is guarded by `beforeunload` (see App).
import { useEffect } from 'react';
import { create } from 'zustand';
import { confirmAction } from './confirm-store';

export type ScreenId = 'services' | 'consumers' | 'secrets' | 'tryit' | 'traffic' | 'import' | 'cluster';

interface NavigationState {
  screen: ScreenId;
  /** Form id → what it edits ("service basic-auth-app"), for every form with unsaved changes. */
  dirty: Record<string, string>;
  setDirty(form: string, what: string | undefined): void;
  /** Runs `action` now, or after the user agrees to discard unsaved changes. Resolves whether it ran. */
  guard(action: () => void): Promise<boolean>;
  navigate(screen: ScreenId): Promise<boolean>;
}

export const useNavigationStore = create<NavigationState>((set, get) => ({
  screen: 'services',
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
  navigate(screen) {
    if (screen === get().screen) return Promise.resolve(true);
    return get().guard(() => set({ screen }));
  },
}));

export function hasUnsavedChanges(): boolean {
  return Object.keys(useNavigationStore.getState().dirty).length > 0;
}

/** Registers a form's unsaved state while it is mounted. */
export function useDirtyForm(form: string, dirty: boolean, what: string): void {
  const setDirty = useNavigationStore((s) => s.setDirty);
  useEffect(() => {
    setDirty(form, dirty ? what : undefined);
  }, [form, dirty, what, setDirty]);
  useEffect(() => () => setDirty(form, undefined), [form, setDirty]);
}
