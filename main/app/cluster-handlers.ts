// The cluster's IPC handlers: the GUI's side of ClusterController, and what the workspace remembers of the
// cluster (the context, namespace and kubeconfig file last used with it).
import type { Workspace } from '../../gateway/config/schema';
import { KubeconfigError, PushStoppedError, leftOutLines, nothingToExportReason, type PushItemResult } from '../services/cluster';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import type { StoredSecret } from '../services/vault';
import type { ClusterContexts, ClusterExport, SaveResult } from '../ipc/contract';
import { UserFacingError, type IpcHandlers } from '../ipc/dispatcher';
import type { ClusterController } from './cluster-controller';

export interface ClusterHandlerDeps {
  cluster: ClusterController;
  workspace: () => Workspace;
  saveWorkspace: (input: unknown) => Promise<SaveResult>;
  /** Saves an imported workspace with the secrets it brings, stored only with a save that is taken (save-import.ts). */
  saveImport: (input: unknown, secrets: readonly StoredSecret[]) => Promise<SaveResult>;
  /** Hands the gateway the current cluster access (serviceInfo backends) with the workspace. */
  applyToGateway: () => Promise<unknown>;
  /**
   * The system's open-file dialog (main/electron); resolves with the path, or undefined when cancelled.
   * The path comes from the user's choice in main, never from the renderer: the renderer cannot name a file to read.
   */
  chooseKubeconfigFile?: () => Promise<string | undefined>;
}

type ClusterChannel = Extract<keyof IpcHandlers, `cluster:${string}`>;

export function clusterHandlers(deps: ClusterHandlerDeps): Pick<IpcHandlers, ClusterChannel> {
  const { cluster } = deps;

  async function remember(change: Partial<NonNullable<Workspace['cluster']>> & { kubeconfig?: string | undefined }): Promise<boolean> {
    const workspace = deps.workspace();
    const next = { ...workspace.cluster, ...change };
    if ('kubeconfig' in change && change.kubeconfig === undefined) delete next.kubeconfig;
    const saved = await deps.saveWorkspace({ ...workspace, cluster: next });
    return saved.ok;
  }

  return {
    'cluster:contexts': async (): Promise<ClusterContexts> => {
      const workspace = deps.workspace();
      const remembered = workspace.cluster ? { ...(workspace.cluster.context ? { context: workspace.cluster.context } : {}), ...(workspace.cluster.namespace ? { namespace: workspace.cluster.namespace } : {}) } : undefined;
      const about = { ...(remembered ? { remembered } : {}), ...(workspace.cluster?.kubeconfig ? { chosen: workspace.cluster.kubeconfig } : {}) };
      try {
        return { ...cluster.contexts(), ...about };
      } catch (error) {
        // Said in the Connection section, beside Retry and the file picker, instead of as a failed call.
        if (!(error instanceof KubeconfigError)) throw error;
        return { files: error.file ? [error.file] : [], contexts: [], problem: error.message, hint: error.hint, ...about };
      }
    },
    'cluster:choose-kubeconfig': async () => {
      if (!deps.chooseKubeconfigFile) throw new UserFacingError('GATEHOUSE_NO_FILE_DIALOG', 'this window cannot open a file dialog');
      const path = await deps.chooseKubeconfigFile();
      if (!path) return {};
      cluster.disconnect();
      await remember({ kubeconfig: path });
      await deps.applyToGateway();
      return { path };
    },
    'cluster:use-default-kubeconfig': async () => {
      cluster.disconnect();
      await remember({ kubeconfig: undefined });
      await deps.applyToGateway();
      return { ok: true };
    },
    'cluster:connect': async ({ context, namespace }) => {
      const report = (await cluster.connect({ context, namespace }))!;
      // Remembered per workspace, so the next session offers the same context and namespace.
      const workspace = deps.workspace();
      if (workspace.cluster?.context !== report.context || workspace.cluster?.namespace !== report.namespace) {
        if (await remember({ context: report.context, namespace: report.namespace })) return report;
      }
      await deps.applyToGateway();
      return report;
    },
    'cluster:disconnect': async () => {
      cluster.disconnect();
      await deps.applyToGateway();
      return { ok: true };
    },
    'cluster:plan': () => cluster.plan(),
    'cluster:push': async ({ force }) => {
      const done: PushItemResult[] = [];
      try {
        return await cluster.push(force, (item) => done.push(item));
      } catch (error) {
        throw error instanceof GatehouseError && done.length > 0 ? new PushStoppedError(error, done) : error;
      }
    },
    'cluster:prune-candidates': () => cluster.pruneCandidates(),
    'cluster:prune': ({ candidates, confirm }) => cluster.prune(candidates, confirm),
    'cluster:export': async ({ includeSecretValues }): Promise<ClusterExport> => {
      const { yaml, objectCount, workspaceItems } = await cluster.export(includeSecretValues);
      // What is left out is said as the CLI's export says it; a file of comments only is not offered, but why.
      const leftOut = leftOutLines(workspaceItems);
      if (objectCount === 0) return { objectCount, leftOut, nothingToExport: nothingToExportReason(workspaceItems, 'the workspace') };
      return { yaml, objectCount, leftOut };
    },
    'cluster:import-application': async ({ name, secretNamespace }) => {
      const { application, secrets } = await cluster.importApplication(name, secretNamespace);
      // Its Secrets are stored with the workspace save, checked like any other, and not at all when the save fails.
      const workspace = deps.workspace();
      return deps.saveImport({ ...workspace, applications: [...workspace.applications.filter((a) => a.name !== application.name), application] }, secrets);
    },
  };
}
