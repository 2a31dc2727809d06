// The workspace as main holds it. Every save reads the current workspace from main, applies one edit,
// validates the whole result with the same zod schema main uses, and only then sends it (whole) back.
import { create } from 'zustand';
import { Workspace } from '../../../gateway/config/schema';
import { validateWith, type FieldError } from '../../../gateway/config/validate';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

/** An edit that cannot apply to the current workspace (the item was removed meanwhile, say). */
export class EditConflict extends GatehouseError {
  readonly code = 'GATEHOUSE_EDIT_CONFLICT';
}

export type SaveOutcome =
  /** Saved; `gatewayErrors` says why the running gateway kept its previous config. */
  | { ok: true; workspace: Workspace; gatewayErrors?: FieldError[] }
  /** Nothing was saved: `errors` (field paths as in the workspace) from the renderer's check or from main. */
  | { ok: false; message: string; errors: FieldError[] };

/** An edit gets a copy of the current workspace and returns the next one (plain data, validated afterwards). */
export type WorkspaceEdit = (current: Workspace) => unknown;

interface WorkspaceState {
  workspace: Workspace | undefined;
  path: string | undefined;
  /** Why the workspace file could not be read (the app then runs an empty workspace). */
  problem: string | undefined;
  backupAvailable: boolean;
  loadError: string | undefined;
  load(): Promise<void>;
  save(edit: WorkspaceEdit): Promise<SaveOutcome>;
  restoreBackup(): Promise<SaveOutcome>;
}

export const useWorkspaceStore = create<WorkspaceState>((set, get) => ({
  workspace: undefined,
  path: undefined,
  problem: undefined,
  backupAvailable: false,
  loadError: undefined,

  async load() {
    try {
      const current = await gatehouse().invoke('workspace:get', undefined);
      set({ workspace: current.workspace, path: current.path, problem: current.problem, backupAvailable: current.backupAvailable, loadError: undefined });
    } catch (error) {
      set({ loadError: toFailure(error).message });
    }
  },

  async save(edit) {
    const api = gatehouse();
    let next: unknown;
    try {
      const current = await api.invoke('workspace:get', undefined);
      next = edit(structuredClone(current.workspace));
    } catch (error) {
      const failure = toFailure(error);
      return { ok: false, message: error instanceof EditConflict ? error.message : `Could not read the workspace: ${failure.message}`, errors: [] };
    }
    const checked = validateWith(Workspace, next);
    if (!checked.ok) return { ok: false, message: 'Not saved: fix the fields marked below.', errors: checked.errors };
    try {
      const result = await api.invoke('workspace:save', next);
      if (!result.ok) return { ok: false, message: 'Not saved: fix the fields marked below.', errors: result.errors };
      await get().load();
      const workspace = get().workspace ?? checked.value;
      return result.gatewayErrors?.length ? { ok: true, workspace, gatewayErrors: result.gatewayErrors } : { ok: true, workspace };
    } catch (error) {
      const failure = toFailure(error);
      return { ok: false, message: `Not saved: ${failure.message}`, errors: failure.errors };
    }
  },

  async restoreBackup() {
    try {
      const result = await gatehouse().invoke('workspace:restore-backup', undefined);
      await get().load();
      if (!result.ok) return { ok: false, message: 'The backup could not be restored.', errors: result.errors };
      const workspace = get().workspace!;
      return result.gatewayErrors?.length ? { ok: true, workspace, gatewayErrors: result.gatewayErrors } : { ok: true, workspace };
    } catch (error) {
      return { ok: false, message: `The backup could not be restored: ${toFailure(error).message}`, errors: [] };
    }
  },
}));
