// What every IPC handler of the main process shares: the saved workspace as last loaded or saved, the vault, and
// the services built once by the composition root. Saving and applying to the gateway live here because every
// domain (workspace, secrets, import, cluster) ends with them.
import type { Workspace } from '../../gateway/config/schema';
import { WorkspaceValidationError, validateWorkspace } from '../../gateway/config/validate';
import type { Channel, RevisedWorkspace, SaveResult, VaultStatus, WorkspaceFileState } from '../ipc/contract';
import type { IpcHandlers } from '../ipc/dispatcher';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';
import { VaultUnavailableError, type SecretVault, type VaultHealth } from '../services/vault';
import { WorkspaceChangedOutsideError, WorkspaceFileAccessError, type WorkspaceFileProblem, type WorkspaceStore } from '../services/workspace-store';
import type { ClusterController } from './cluster-controller';
import { saveWithSecrets, type SecretWrite } from './secret-updates';

export interface AppContext {
  readonly store: WorkspaceStore;
  readonly supervisor: GatewaySupervisor;
  readonly cluster: ClusterController;
  /** The saved workspace (an empty one while the file on disk cannot be read). */
  workspace: Workspace;
  /** The file's revision `workspace` was read from or written as: a save made on `workspace` names it. */
  revision: string;
  /**
   * Why the file on disk cannot be read, and what the app runs meanwhile (an empty workspace, or the one it had),
   * until the user saves, restores the backup, or the file is readable again. `replaceable`: a save can replace the
   * file (it can be read, only not used); not when the process may not read it at all.
   */
  fileProblem: { message: string; running: 'empty' | 'last-read'; replaceable: boolean } | undefined;
  vault: SecretVault;
  vaultStatus: VaultStatus;
  /** Tells the renderer the saved workspace changed. */
  workspaceSaved(saved: RevisedWorkspace): void;
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
  return { ok: true, workspace: ctx.workspace, revision: ctx.revision, gateway: ctx.supervisor.status };
}

export async function workspaceFileState(ctx: AppContext): Promise<WorkspaceFileState> {
  const backupAvailable = await ctx.store.backupAvailable();
  if (!ctx.fileProblem) return { backupAvailable };
  const { message: problem, running, replaceable } = ctx.fileProblem;
  return { problem, running, replaceable, backupAvailable };
}

/** What the app says of a workspace file it cannot use, and whether a save may replace it. */
export function fileProblemOf(error: WorkspaceFileProblem, running: 'empty' | 'last-read'): NonNullable<AppContext['fileProblem']> {
  return { message: error.message, running, replaceable: !(error instanceof WorkspaceFileAccessError) };
}

/**
 * The workspace the store just read or wrote becomes the one the app shows, and the renderer hears of it at once
 * (its next edit is made on it). With `apply`, for a change the user did not make here, the gateway gets it before
 * the `workspace-file` event says the file is taken up; a save tells the gateway itself, afterwards. A save that
 * had no file problem to clear sends no `workspace-file` event: there is nothing new to say, and saying it would
 * read and validate the backup once more on every save.
 */
export async function adoptWorkspace(ctx: AppContext, saved: RevisedWorkspace, apply = false): Promise<void> {
  const hadProblem = ctx.fileProblem !== undefined;
  ctx.workspace = saved.workspace;
  ctx.revision = saved.revision;
  ctx.fileProblem = undefined;
  ctx.workspaceSaved({ workspace: saved.workspace, revision: saved.revision });
  try {
    if (apply) await applyToGateway(ctx);
  } finally {
    if (apply || hadProblem) ctx.workspaceFileChanged(await workspaceFileState(ctx));
  }
}

/**
 * Saves a workspace made on revision `basedOn`: the window's names the one it was made on, main's own the
 * ctx.revision they read ctx.workspace with. Without one (a bare workspace on the channel: tests), it is taken as
 * made on whatever version the store last read or wrote when its turn comes. When the file holds another version,
 * nothing is written and that version is taken up and applied instead. `secrets` (values a form typed in, an
 * import's secrets; `values` says which, in a refusal that could not put one back: secret-updates.ts) are
 * written just before the workspace, once it is valid and the file still holds `basedOn`, and put back as they were
 * when the workspace save is refused all the same: "nothing was written" is then true of the vault too. The gateway
 * is applied once, after both.
 */
export async function saveWorkspace(ctx: AppContext, input: unknown, basedOn?: string, secrets: readonly SecretWrite[] = [], values?: string): Promise<SaveResult> {
  try {
    if (secrets.length > 0) {
      // Nothing reaches the vault for a workspace that would be refused: invalid, or made on a version the file no
      // longer holds.
      const checked = validateWorkspace(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      await ctx.store.checkRevision(basedOn);
    }
    // A save refused after the secrets were written (the file changed just now, the disk is full) has the vault put
    // back before anything reads it again; when it cannot be, another program's version is still taken up.
    const saved = await saveWithSecrets(ctx.vault, secrets, values, () => ctx.store.save(input, { basedOn }), async (refused) => {
      if (refused instanceof WorkspaceChangedOutsideError) await takeUpRefused(ctx, refused, '').catch(() => undefined);
    });
    await adoptWorkspace(ctx, saved);
  } catch (error) {
    if (error instanceof WorkspaceValidationError) return { ok: false, errors: error.errors };
    // The edit is not applied to that version here: the user makes it again on what they now see.
    if (error instanceof WorkspaceChangedOutsideError) throw await takeUpRefused(ctx, error, 'save again to make your change to it.');
    throw error;
  }
  return applyAsSaveResult(ctx);
}

/**
 * A write the store refused because the file holds another version: that version is taken up (shown and applied)
 * as if the watch had seen it first, and the refusal returned with what the user can do next. What the gateway
 * makes of it is the status bar's to say; a failure to apply it does not hide why the write was refused.
 */
export async function takeUpRefused(ctx: AppContext, error: WorkspaceChangedOutsideError, next: string): Promise<WorkspaceChangedOutsideError> {
  await adoptWorkspace(ctx, { workspace: error.current, revision: error.revision }, true).catch(() => undefined);
  return error.withHint(`Gatehouse now shows that version (the status bar says what the gateway serves): ${next}`);
}

/**
 * After the workspace file changed outside the app (its folder is watched): a readable workspace is taken up
 * and applied to the gateway, as the headless gateway takes up its --config; an unreadable one is reported,
 * and the app keeps showing and serving what it had. A change the store made itself is no change.
 */
export async function takeUpOutsideChange(ctx: AppContext): Promise<void> {
  const change = await ctx.store.readChange();
  if (change === 'unchanged' || change === 'gone') {
    // Readable again as it was (its permissions mended), or removed (the next save writes it): nothing to report.
    if (ctx.fileProblem?.running !== 'last-read') return;
    ctx.fileProblem = undefined;
    ctx.workspaceFileChanged(await workspaceFileState(ctx));
    return;
  }
  if (change.ok) return adoptWorkspace(ctx, change, true);
  ctx.fileProblem = fileProblemOf(change.error, ctx.fileProblem?.running ?? 'last-read');
  ctx.workspaceFileChanged(await workspaceFileState(ctx));
}
