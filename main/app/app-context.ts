// What every IPC handler of the main process shares: the saved workspace as last loaded or saved, the vault, and
// the services built once by the composition root. Saving and applying to the gateway live here because every
// domain (workspace, secrets, import, cluster) ends with them.
import type { Workspace } from '../../gateway/config/schema';
import { WorkspaceValidationError } from '../../gateway/config/validate';
import type { Channel, SaveResult, VaultStatus } from '../ipc/contract';
import type { IpcHandlers } from '../ipc/dispatcher';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';
import { VaultUnavailableError, type SecretVault, type VaultHealth } from '../services/vault';
import type { WorkspaceStore } from '../services/workspace-store';
import type { ClusterController } from './cluster-controller';

export interface AppContext {
  readonly store: WorkspaceStore;
  readonly supervisor: GatewaySupervisor;
  readonly cluster: ClusterController;
  /** The saved workspace (an empty one while the file on disk cannot be read). */
  workspace: Workspace;
  /** Why the file on disk could not be read, until the user saves or restores the backup. */
  loadProblem: string | undefined;
  vault: SecretVault;
  vaultStatus: VaultStatus;
  /** Tells the renderer the saved workspace changed. */
  workspaceSaved(workspace: Workspace): void;
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

export async function saveWorkspace(ctx: AppContext, input: unknown): Promise<SaveResult> {
  try {
    const saved = await ctx.store.save(input);
    ctx.workspace = saved.workspace;
    ctx.loadProblem = undefined;
    ctx.workspaceSaved(saved.workspace);
  } catch (error) {
    if (error instanceof WorkspaceValidationError) return { ok: false, errors: error.errors };
    throw error;
  }
  return applyAsSaveResult(ctx);
}
