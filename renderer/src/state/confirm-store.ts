// One in-app confirmation dialog (ConfirmDialog renders it): `ask()` resolves true when the user confirms.
import { create } from 'zustand';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel?: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

interface ConfirmState {
  open: (ConfirmRequest & { resolve: (confirmed: boolean) => void }) | undefined;
  ask(request: ConfirmRequest): Promise<boolean>;
  answer(confirmed: boolean): void;
}

export const useConfirmStore = create<ConfirmState>((set, get) => ({
  open: undefined,
  ask(request) {
    // A second question replaces the first, which counts as cancelled.
    get().open?.resolve(false);
    return new Promise<boolean>((resolve) => set({ open: { ...request, resolve } }));
  },
  answer(confirmed) {
    const open = get().open;
    set({ open: undefined });
    open?.resolve(confirmed);
  },
}));

export const confirmAction = (request: ConfirmRequest) => useConfirmStore.getState().ask(request);
