// What every IPC handler of the main process shares: the saved workspace as last loaded or saved, the vault, and
// the services built once by the composition root. Saving and applying to the gateway live here because every
// domain (workspace, secrets, import, cluster) ends with them.
import type { Workspace } from '../../gateway/config/schema';
import { WorkspaceValidationError } from '../../gateway/config/validate';
import type { Channel, SaveResult, VaultStatus, WorkspaceFileState } from '../ipc/contract';
import type { IpcHandlers } from '../ipc/dispatcher';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';
import { VaultUnavailableError, type SecretVault, type VaultHealth } from '../services/vault';
import { WorkspaceChangedOutsideError, type WorkspaceStore } from '../services/workspace-store';
import type { ClusterController } from './cluster-controller';

export interface AppContext {
  readonly store: WorkspaceStore;
  readonly supervisor: GatewaySupervisor;
  readonly cluster: ClusterController;
  /** The saved workspace (an empty one while the file on disk cannot be read). */
  workspace: Workspace;
  /**
   * Why the file on disk cannot be read, and what the app runs meanwhile (an empty workspace, or the one it had),
   * until the user saves, restores the backup, or the file is readable again.
   */
  fileProblem: { message: string; running: 'empty' | 'last-read' } | undefined;
  vault: SecretVault;
  vaultStatus: VaultStatus;
  /** Tells the renderer the saved workspace changed. */
  workspaceSaved(workspace: Workspace): void;
  /** Tells the renderer what the workspace file holds against what the app runs. */
  workspaceFileChanged(state: WorkspaceFileState): void;
}

/** The handlers of the channels whose names start with one of `prefixes`: one domain's share of the contract. */
export type DomainHandlers<Prefix extends string> = Pick<IpcHandlers, Extract<Channel, `${Prefix}:${string}`>>;

export function describeVaultStatus(status: VaultHealth): VaultStatus {
  if (status.mode === 'keychain') return { mode: 'keychain' };
  const reason = status.reason ? `${status.reason.problem}; ${status.reason.hint}` : undefined;
  return { mode: status.mode, reason };
}

/** Applies the saved workspace; the gateway status then says what it serves (the status bar shows it too). */
export async function applyToGateway(ctx: AppContext): Promise<void> {
  try {
    await ctx.supervisor.reload(ctx.workspace);
  } catch (error) {
    // The keychain went away while running: what was saved stays saved, the gateway keeps what it serves
    // (the supervisor's status says it serves an older workspace, and why).
    if (!(error instanceof VaultUnavailableError)) throw error;
    ctx.vaultStatus = describeVaultStatus({ mode: 'unavailable', reason: error.toProblem() });
  }
}

/** Applies the saved workspace to the gateway and answers with what was saved and what the gateway made of it. */
export async function applyAsSaveResult(ctx: AppContext): Promise<SaveResult> {
  await applyToGateway(ctx);
  return { ok: true, workspace: ctx.workspace, gateway: ctx.supervisor.status };
}

export async function workspaceFileState(ctx: AppContext): Promise<WorkspaceFileState> {
  const backupAvailable = await ctx.store.backupAvailable();
  return ctx.fileProblem ? { problem: ctx.fileProblem.message, running: ctx.fileProblem.running, backupAvailable } : { backupAvailable };
}

/**
 * The workspace the store just read or wrote becomes the one the app shows, and the renderer hears of it at once
 * (its next edit is made on it). With `apply`, for a change the user did not make here, the gateway gets it before
 * the `workspace-file` event says the file is taken up; a save tells the gateway itself, afterwards.
 */
export async function adoptWorkspace(ctx: AppContext, workspace: Workspace, apply = false): Promise<void> {
  ctx.workspace = workspace;
  ctx.fileProblem = undefined;
  ctx.workspaceSaved(workspace);
  if (apply) await applyToGateway(ctx);
  ctx.workspaceFileChanged(await workspaceFileState(ctx));
}

export async function saveWorkspace(ctx: AppContext, input: unknown): Promise<SaveResult> {
  try {
    const saved = await ctx.store.save(input);
    await adoptWorkspace(ctx, saved.workspace);
  } catch (error) {
    if (error instanceof WorkspaceValidationError) return { ok: false, errors: error.errors };
    if (error instanceof WorkspaceChangedOutsideError) {
      // The other program's workspace is taken up as if the watch had seen it first; the edit is not applied to
      // it here: the user makes it again on what they now see.
      await adoptWorkspace(ctx, error.current, true);
      throw new WorkspaceChangedOutsideError(error.path, error.current, 'Gatehouse now shows that version and has applied it to the gateway: save again to make your change to it.');
    }
    throw error;
  }
  return applyAsSaveResult(ctx);
}

/**
 * After the workspace file changed outside the app (its folder is watched): a readable workspace is taken up
 * and applied to the gateway, as the headless gateway takes up its --config; an unreadable one is reported,
 * and the app keeps showing and serving what it had. A change the store made itself is no change.
 */
export async function takeUpOutsideChange(ctx: AppContext): Promise<void> {
  const change = await ctx.store.readChange();
  if (change === undefined) return;
  if (change.ok) return adoptWorkspace(ctx, change.workspace, true);
  ctx.fileProblem = { message: change.error.message, running: ctx.fileProblem?.running ?? 'last-read' };
  ctx.workspaceFileChanged(await workspaceFileState(ctx));
}
