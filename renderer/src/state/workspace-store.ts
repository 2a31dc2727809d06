// The workspace as main holds it. A save applies one edit to the workspace held here, validates the result
// once with the zod schema main uses, and sends it whole: main answers, in the same round trip, with what it
// saved and what the gateway made of it (which the status store takes over). Saves made elsewhere (an import,
// the Cluster screen) and changes other programs make to the file arrive as `workspace` events; what the file
// holds against what the app runs (unreadable, its backup) as `workspace-file` events.
import { create } from 'zustand';
import { Workspace } from '../../../gateway/config/schema';
import { validateWith, type FieldError } from '../../../gateway/config/validate';
import type { GatewayStatus, SecretUpdateRequest, WorkspaceFileState } from '../../../main/ipc/contract';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { useStatusStore } from './status-store';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

/** An edit that cannot apply to the current workspace (the item was removed meanwhile, say). */
export class EditConflict extends GatehouseError {
  readonly code = 'GATEHOUSE_EDIT_CONFLICT';
}

export type SaveOutcome =
  /** Saved; `gateway` says what the gateway serves now (the saved workspace, items left out, or an older one). */
  | { ok: true; workspace: Workspace; gateway: GatewayStatus }
  /** Nothing was saved: `errors` (field paths as in the workspace) from the renderer's check or from main. */
  | { ok: false; message: string; errors: FieldError[] };

/** An edit gets a copy of the current workspace and returns the next one (plain data, validated afterwards). */
export type WorkspaceEdit = (current: Workspace) => unknown;

/** The edit applied and checked, before anything is sent: what a form shows before it writes secrets. */
export type PlannedSave = { ok: true; next: Workspace } | { ok: false; message: string; errors: FieldError[] };

interface WorkspaceState {
  workspace: Workspace | undefined;
  /** The file's revision `workspace` is: a save names it, and main refuses one made on a version another program replaced. */
  revision: string | undefined;
  path: string | undefined;
  /** Why the workspace file cannot be read, and what the app runs meanwhile. */
  problem: string | undefined;
  running: WorkspaceFileState['running'];
  /** With a problem: whether saving can replace the file (false when it cannot be read at all). */
  replaceable: boolean;
  backupAvailable: boolean;
  loadError: string | undefined;
  load(): Promise<void>;
  /** Follows saves made in main (imports, the Cluster screen) and the file's changes; returns the unsubscribe. */
  listen(): () => void;
  plan(edit: WorkspaceEdit): PlannedSave;
  /** `secrets`: typed-in values main writes with the workspace, and puts back if the save is refused. */
  save(edit: WorkspaceEdit, secrets?: readonly SecretUpdateRequest[]): Promise<SaveOutcome>;
  restoreBackup(): Promise<SaveOutcome>;
}

const NOT_SAVED = 'Not saved: fix the fields marked below.';

/** The last save asked for; the next one starts once it has its answer, or its failure. */
let savesInTurn: Promise<SaveOutcome> = Promise.resolve({ ok: false, message: '', errors: [] });

const fileStateOf = (state: WorkspaceFileState) => ({ problem: state.problem, running: state.running, replaceable: state.replaceable ?? true, backupAvailable: state.backupAvailable });

export const useWorkspaceStore = create<WorkspaceState>((set, get) => ({
  workspace: undefined,
  revision: undefined,
  path: undefined,
  problem: undefined,
  running: undefined,
  replaceable: true,
  backupAvailable: false,
  loadError: undefined,

  async load() {
    try {
      const current = await gatehouse().invoke('workspace:get', undefined);
      set({ workspace: current.workspace, revision: current.revision, path: current.path, ...fileStateOf(current), loadError: undefined });
    } catch (error) {
      set({ loadError: toFailure(error).message });
    }
  },

  listen() {
    const offWorkspace = gatehouse().on('workspace', ({ workspace, revision }) => set({ workspace, revision }));
    const offFile = gatehouse().on('workspace-file', (fileState) => set(fileStateOf(fileState)));
    return () => {
      offWorkspace();
      offFile();
    };
  },

  plan(edit) {
    const current = get().workspace;
    if (!current) return { ok: false, message: 'Not saved: the workspace is not loaded yet.', errors: [] };
    let next: unknown;
    try {
      next = edit(structuredClone(current));
    } catch (error) {
      if (error instanceof EditConflict) return { ok: false, message: error.message, errors: [] };
      throw error;
    }
    const checked = validateWith(Workspace, next);
    return checked.ok ? { ok: true, next: checked.value } : { ok: false, message: NOT_SAVED, errors: checked.errors };
  },

  save(edit, secrets = []) {
    // One save at a time, each planned on the answer of the one before: two made at once on the same revision had
    // the second refused by main as made on a version the first replaced.
    const run = async (): Promise<SaveOutcome> => {
      const planned = get().plan(edit);
      if (!planned.ok) return planned;
      try {
        const result = await gatehouse().invoke('workspace:save', { workspace: planned.next, basedOn: get().revision!, ...(secrets.length > 0 ? { secrets: [...secrets] } : {}) });
        if (!result.ok) return { ok: false, message: NOT_SAVED, errors: result.errors };
        set({ workspace: result.workspace, revision: result.revision, problem: undefined, running: undefined });
        useStatusStore.getState().setGateway(result.gateway);
        return { ok: true, workspace: result.workspace, gateway: result.gateway };
      } catch (error) {
        const failure = toFailure(error);
        return { ok: false, message: `Not saved: ${failure.message}`, errors: failure.errors };
      }
    };
    const turn = savesInTurn.then(run, run);
    savesInTurn = turn;
    return turn;
  },

  async restoreBackup() {
    try {
      const result = await gatehouse().invoke('workspace:restore-backup', undefined);
      await get().load();
      if (!result.ok) return { ok: false, message: 'The backup could not be restored.', errors: result.errors };
      useStatusStore.getState().setGateway(result.gateway);
      return { ok: true, workspace: result.workspace, gateway: result.gateway };
    } catch (error) {
      return { ok: false, message: `The backup could not be restored: ${toFailure(error).message}`, errors: [] };
    }
  },
}));
