// What every IPC handler of the main process shares: the saved workspace as last loaded or saved, the vault, and
// the services built once by the composition root. Saving and applying to the gateway live here because every
// domain (workspace, secrets, import, cluster) ends with them.
import type { Workspace } from '../../gateway/config/schema';
import { WorkspaceValidationError, type FieldError } from '../../gateway/config/validate';
import type { Channel, SaveResult, VaultStatus } from '../ipc/contract';
import type { IpcHandlers } from '../ipc/dispatcher';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';
import { VaultUnavailableError, type SecretVault, type VaultStatus as ServiceVaultStatus } from '../services/vault';
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
}

/** The handlers of the channels whose names start with one of `prefixes`: one domain's share of the contract. */
export type DomainHandlers<Prefix extends string> = Pick<IpcHandlers, Extract<Channel, `${Prefix}:${string}`>>;

export function describeVaultStatus(status: ServiceVaultStatus): VaultStatus {
  if (status.mode === 'keychain') return { mode: 'keychain' };
  const reason = status.reason ? `${status.reason.problem}; ${status.reason.hint}` : undefined;
  return { mode: status.mode, reason };
}

export async function applyToGateway(ctx: AppContext): Promise<FieldError[] | undefined> {
  try {
    const result = await ctx.supervisor.reload(ctx.workspace);
    return result.ok ? undefined : result.errors;
  } catch (error) {
    // The keychain went away while running: what was saved stays saved, the gateway keeps the secrets it has.
    if (!(error instanceof VaultUnavailableError)) throw error;
    ctx.vaultStatus = describeVaultStatus({ mode: 'unavailable', reason: error.toProblem() });
    return [{ path: '(vault)', message: `not applied to the gateway, which keeps its current workspace: ${error.message}` }];
  }
}

/** Applies the saved workspace to the gateway and says, as a save result, what the gateway made of it. */
export async function applyAsSaveResult(ctx: AppContext): Promise<SaveResult> {
  const gatewayErrors = await applyToGateway(ctx);
  return gatewayErrors ? { ok: true, gatewayErrors } : { ok: true };
}

export async function saveWorkspace(ctx: AppContext, input: unknown): Promise<SaveResult> {
  try {
    const saved = await ctx.store.save(input);
    ctx.workspace = saved.workspace;
    ctx.loadProblem = undefined;
  } catch (error) {
    if (error instanceof WorkspaceValidationError) return { ok: false, errors: error.errors };
    throw error;
  }
  return applyAsSaveResult(ctx);
}
