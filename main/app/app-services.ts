// Composition root of the main process, in plain Node: Electron's main.ts and the browser tests both
// build the app from here, so what the tests drive is what the app runs. It only wires: the handlers of
// each domain live in their own module (workspace, secrets, import, cluster, gateway).
import { EventEmitter } from 'node:events';
import { Workspace } from '../../gateway/config/schema';
import { createIpcDispatcher, reportInternalToStderr, type IpcDispatch, type IpcHandlers } from '../ipc/dispatcher';
import type { GatewayStatus, MainEvent, MainEvents, RevisedWorkspace, WorkspaceFileState } from '../ipc/contract';
import { GatewaySupervisor, type SupervisorOptions } from '../services/gateway-supervisor/gateway-supervisor';
import type { SpawnGatewayProcess } from '../services/gateway-supervisor/gateway-process';
import { openVault, type KeytarLoader } from '../services/vault';
import { NO_FILE, WorkspaceStore } from '../services/workspace-store';
import { collectSecretBundle } from './secret-bundle';
import { ClusterController } from './cluster-controller';
import { applyToGateway, describeVaultStatus, fileProblemOf, saveWorkspace, takeUpOutsideChange, type AppContext } from './app-context';
import { watchWorkspaceFile } from './workspace-file-watch';
import { workspaceHandlers } from './workspace-handlers';
import { secretsHandlers } from './secrets-handlers';
import { importHandlers } from './import-handlers';
import { saveImport } from './save-import';
import { clusterHandlers } from './cluster-handlers';
import { gatewayHandlers, restartGateway, startGateway } from './gateway-handlers';
import { trafficHandlers } from './traffic-handlers';
import type { ChooseSaveFile } from './save-file';

export interface AppServicesOptions {
  dataDir: string;
  spawnGateway: SpawnGatewayProcess;
  loadKeytar?: KeytarLoader;
  /** Keychain service name (tests isolate themselves with their own). */
  keychainService?: string;
  /** Overrides the workspace's gateway port (tests use 0). */
  gatewayPort?: number;
  /** Kubeconfig files instead of KUBECONFIG / ~/.kube/config (tests); a file chosen for the workspace comes first. */
  kubeconfigFiles?: string[];
  /** The system's open-file dialog for a kubeconfig (main/electron; tests substitute a chooser). */
  chooseKubeconfigFile?: () => Promise<string | undefined>;
  reportInternalError?: (channel: string, error: unknown) => void;
  /** The save dialog (Electron's in the app): where an explicit export goes. Without it, exports are refused. */
  chooseSaveFile?: ChooseSaveFile;
  /** Traffic capture for the inspector starts on (the app) unless this is false. */
  captureTraffic?: boolean;
  /** Shown in exported HAR files as the creator's version. */
  appVersion?: string;
  /**
   * Takes up changes other programs make to the workspace file as they happen (default true). Without it, a save
   * still refuses to overwrite such a change and takes it up then: tests of that check turn the watch off.
   */
  watchWorkspaceFile?: boolean;
  /** How the gateway is restarted and when it counts as hung (tests shorten or lengthen these). */
  gatewaySupervision?: Pick<SupervisorOptions, 'startTimeoutMs' | 'notAnsweringAfterMs' | 'backoff'>;
}

export interface AppServices {
  dispatch: IpcDispatch;
  onEvent(listener: <E extends MainEvent>(event: E, payload: MainEvents[E]) => void): void;
  startGateway(): Promise<void>;
  restartGateway(): Promise<void>;
  gatewayStatus(): GatewayStatus;
  shutdown(): Promise<void>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const events = new EventEmitter();
  const emit = <E extends MainEvent>(event: E, payload: MainEvents[E]) => events.emit('event', event, payload);
  const store = new WorkspaceStore(options.dataDir);
  const opened = await openVault({ whenUnavailable: 'session-only', loadKeytar: options.loadKeytar, service: options.keychainService });
  const loaded = await store.load();

  // The services read the workspace and vault through the context, so they see every save and vault switch.
  const state = {
    store,
    // A broken file is reported and left alone; the app runs on an empty workspace until the user acts.
    workspace: loaded.ok ? loaded.workspace : Workspace.parse({}),
    revision: loaded.revision ?? NO_FILE,
    fileProblem: loaded.ok ? undefined : fileProblemOf(loaded.error, 'empty'),
    vault: opened.vault,
    vaultStatus: describeVaultStatus(opened.status),
    workspaceSaved: (saved: RevisedWorkspace) => emit('workspace', saved),
    workspaceFileChanged: (fileState: WorkspaceFileState) => emit('workspace-file', fileState),
  };
  const cluster = new ClusterController({
    workspace: () => ctx.workspace,
    vault: () => ctx.vault,
    kubeconfigFiles: () => (ctx.workspace.cluster?.kubeconfig ? [ctx.workspace.cluster.kubeconfig] : options.kubeconfigFiles),
  });
  const supervisor = new GatewaySupervisor({
    spawn: options.spawnGateway,
    collectSecrets: (ws) => collectSecretBundle(ws, ctx.vault, cluster.secretSource()),
    clusterAccess: () => cluster.gatewayAccess(),
    port: options.gatewayPort,
    ...options.gatewaySupervision,
  });
  const ctx: AppContext = Object.assign(state, { cluster, supervisor });
  supervisor.on('status', (status) => emit('gateway-status', status));
  supervisor.setCapture(options.captureTraffic ?? true);

  const handlers: IpcHandlers = {
    ...workspaceHandlers(ctx),
    ...secretsHandlers(ctx),
    ...importHandlers(ctx),
    ...clusterHandlers({
      cluster,
      workspace: () => ctx.workspace,
      // Called in the same turn as they read the workspace: made on the revision the app holds now.
      saveWorkspace: (input) => saveWorkspace(ctx, input, ctx.revision),
      saveImport: (input, secrets) => saveImport(ctx, input, ctx.revision, secrets),
      applyToGateway: () => applyToGateway(ctx),
      chooseKubeconfigFile: options.chooseKubeconfigFile,
    }),
    ...gatewayHandlers(ctx, options.chooseSaveFile),
    ...trafficHandlers(ctx, {
      chooseSaveFile: options.chooseSaveFile,
      appVersion: options.appVersion,
      onExchanges: (update) => emit('exchanges', update),
      onConnectionNotices: (update) => emit('connection-notices', update),
      // A line main refuses is no window's request: main's log hears of it (by field names only).
      reportInternalError: options.reportInternalError ?? reportInternalToStderr,
    }),
  };

  // Edits other programs make to the file are taken up as the headless gateway takes up its --config's.
  const stopWatching =
    options.watchWorkspaceFile === false
      ? () => undefined
      : watchWorkspaceFile(store.filePath, () => {
          // Not a window's request: nothing to answer, so a failure goes to main's log (the app's own, or stderr).
          takeUpOutsideChange(ctx).catch((error: unknown) => (options.reportInternalError ?? reportInternalToStderr)('workspace file watch', error));
        });

  return {
    dispatch: createIpcDispatcher(handlers, options.reportInternalError),
    onEvent: (listener) => events.on('event', listener),
    startGateway: () => startGateway(ctx),
    restartGateway: () => restartGateway(ctx),
    gatewayStatus: () => supervisor.status,
    shutdown: () => {
      stopWatching();
      return supervisor.stop();
    },
  };
}
