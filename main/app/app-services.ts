// Composition root of the main process, in plain Node: Electron's main.ts and the browser tests both
// build the app from here, so what the tests drive is what the app runs.
import { EventEmitter } from 'node:events';
import { Workspace } from '../../gateway/config/schema';
import { WorkspaceValidationError, type FieldError } from '../../gateway/config/validate';
import { createIpcDispatcher, UserFacingError, type IpcDispatch, type IpcHandlers } from '../ipc/dispatcher';
import type { DocumentImportPreview, GatewayStatus, MainEvent, MainEvents, SaveResult, SecretSummary, VaultStatus } from '../ipc/contract';
import { importDocuments } from '../services/import/import-documents';
import { mergeImport } from '../services/import/merge-import';
import type { ImportResult } from '../services/import/import-result';
import { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';
import type { SpawnGatewayProcess } from '../services/gateway-supervisor/gateway-process';
import { openVault, SessionVault, VaultUnavailableError, type KeytarLoader, type SecretVault, type VaultHealth } from '../services/vault';
import { WorkspaceStore, exportEncryptedBundle, exportWorkspace, importWorkspace, readReferencedSecrets } from '../services/workspace-store';
import { collectSecretBundle } from './secret-bundle';
import { sendTryIt } from './try-it';
import { ExchangeBuffer } from '../services/traffic/exchange-buffer';
import { exchangesToHar } from '../services/traffic/har-export';
import { saveToChosenFile, type ChooseSaveFile } from './save-file';
import { ClusterController } from './cluster-controller';
import { clusterHandlers } from './cluster-handlers';
import { checkSecretForGateway } from './secret-checks';
import { checkCertificate, fetchTokenOnce } from './security-checks';

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
  reportInternalError?: (error: unknown) => void;
  /** The save dialog (Electron's in the app): where an explicit export goes. Without it, exports are refused. */
  chooseSaveFile?: ChooseSaveFile;
  /** Traffic capture for the inspector starts on (the app) unless this is false. */
  captureTraffic?: boolean;
  /** Shown in exported HAR files as the creator's version. */
  appVersion?: string;
}

export interface AppServices {
  dispatch: IpcDispatch;
  onEvent(listener: <E extends MainEvent>(event: E, payload: MainEvents[E]) => void): void;
  startGateway(): Promise<void>;
  restartGateway(): Promise<void>;
  gatewayStatus(): GatewayStatus;
  shutdown(): Promise<void>;
}

/** Values never leave main in a list: the mask says a value is there, not how long it is. */
const MASK = '••••••••';

function previewImport(imported: ImportResult): DocumentImportPreview {
  return {
    services: imported.services.map((s) => s.name),
    routes: imported.routes.map((r) => r.name),
    consumers: imported.consumers.map((c) => c.username),
    applications: imported.applications.map((a) => a.name),
    secrets: imported.secrets.map((s) => ({ name: s.name, namespace: s.namespace, keys: Object.keys(s.data) })),
    notes: imported.notes,
  };
}

function describeVaultStatus(status: VaultHealth): VaultStatus {
  if (status.mode === 'keychain') return { mode: 'keychain' };
  const reason = status.reason ? `${status.reason.problem}; ${status.reason.hint}` : undefined;
  return { mode: status.mode, reason };
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const events = new EventEmitter();
  const emit = <E extends MainEvent>(event: E, payload: MainEvents[E]) => events.emit('event', event, payload);
  const store = new WorkspaceStore(options.dataDir);
  const opened = await openVault({ whenUnavailable: 'session-only', loadKeytar: options.loadKeytar, service: options.keychainService });
  let vault: SecretVault = opened.vault;
  let vaultStatus = describeVaultStatus(opened.status);

  const loaded = await store.load();
  // A broken file is reported and left alone; the app runs on an empty workspace until the user acts.
  let workspace: Workspace = loaded.ok ? loaded.workspace : Workspace.parse({});
  let loadProblem = loaded.ok ? undefined : loaded.error.message;

  const cluster = new ClusterController({
    workspace: () => workspace,
    vault: () => vault,
    workspaceName: 'gatehouse',
    kubeconfigFiles: () => (workspace.cluster?.kubeconfig ? [workspace.cluster.kubeconfig] : options.kubeconfigFiles),
  });
  const supervisor = new GatewaySupervisor({
    spawn: options.spawnGateway,
    collectSecrets: (ws) => collectSecretBundle(ws, vault, cluster.secretSource()),
    clusterAccess: () => cluster.gatewayAccess(),
    port: options.gatewayPort,
  });
  supervisor.on('status', (status) => emit('gateway-status', status));
  supervisor.on('traffic', (entry) => emit('traffic', entry));
  const exchanges = new ExchangeBuffer();
  supervisor.on('exchange', (exchange, credentials, generation) => {
    const summary = exchanges.put(exchange, credentials, generation);
    emit('exchange', { summary, ...exchanges.counts() });
  });
  supervisor.setCapture(options.captureTraffic ?? true);
  const trafficList = () => ({ exchanges: exchanges.summaries(), ...exchanges.counts(), capturing: supervisor.capturing });
  /** The last Try it answer's bytes, for "Save body": kept in main, replaced by the next send. */
  let lastTryItBody: Buffer | undefined;

  async function applyToGateway(): Promise<FieldError[] | undefined> {
    try {
      const result = await supervisor.reload(workspace);
      return result.ok ? undefined : result.errors;
    } catch (error) {
      // The keychain went away while running: what was saved stays saved, the gateway keeps the secrets it has.
      if (!(error instanceof VaultUnavailableError)) throw error;
      vaultStatus = describeVaultStatus({ mode: 'unavailable', reason: error.toProblem() });
      return [{ path: '(vault)', message: `not applied to the gateway, which keeps its current workspace: ${error.message}` }];
    }
  }

  async function saveWorkspace(input: unknown): Promise<SaveResult> {
    try {
      const saved = await store.save(input);
      workspace = saved.workspace;
      loadProblem = undefined;
    } catch (error) {
      if (error instanceof WorkspaceValidationError) return { ok: false, errors: error.errors };
      throw error;
    }
    const gatewayErrors = await applyToGateway();
    return gatewayErrors ? { ok: true, gatewayErrors } : { ok: true };
  }

  const handlers: IpcHandlers = {
    'workspace:get': async () => ({ workspace, path: store.filePath, problem: loadProblem, backupAvailable: await store.backupAvailable() }),
    'workspace:save': (input) => saveWorkspace(input),
    'workspace:restore-backup': async () => {
      const restored = await store.restoreBackup();
      workspace = restored.workspace;
      loadProblem = undefined;
      const gatewayErrors = await applyToGateway();
      return gatewayErrors ? { ok: true, gatewayErrors } : { ok: true };
    },
    'workspace:export': async ({ passphrase }) => {
      if (!passphrase) return { text: exportWorkspace(workspace), encrypted: false };
      const { secrets, missing } = await readReferencedSecrets(workspace, vault);
      if (missing.length > 0) throw new UserFacingError('GATEHOUSE_MISSING_SECRET', `cannot include secrets the vault does not hold: ${missing.map((m) => m.name).join(', ')}`);
      return { text: await exportEncryptedBundle(workspace, secrets, passphrase), encrypted: true };
    },
    'workspace:import': async ({ text, passphrase }) => {
      const imported = await importWorkspace(text, { passphrase, source: 'imported workspace' });
      for (const secret of imported.secrets) {
        checkSecretForGateway(secret.name, secret.data);
        await vault.set(secret);
      }
      return saveWorkspace(imported.workspace);
    },
    'import:preview': async (request) => previewImport(importDocuments(request.text, 'pasted document', request)),
    'import:apply': async (request) => {
      const imported = importDocuments(request.text, 'pasted document', request);
      const merged = mergeImport(workspace, imported);
      if (!merged.ok) return { ok: false, errors: merged.errors };
      for (const secret of imported.secrets) {
        checkSecretForGateway(secret.name, secret.data);
        await vault.set(secret);
      }
      const saved = await saveWorkspace(merged.workspace);
      return saved.ok ? { ...saved, notes: merged.notes } : saved;
    },
    ...clusterHandlers({ cluster, workspace: () => workspace, vault: () => vault, saveWorkspace, applyToGateway, chooseKubeconfigFile: options.chooseKubeconfigFile }),
    'security:fetch-token': ({ service, environment }) => fetchTokenOnce(workspace, vault, service, environment),
    'security:check-certificate': async ({ crt, key }) => checkCertificate(crt, key),
    'secrets:list': async () => {
      const list = await vault.list();
      return list.map((s): SecretSummary => ({ name: s.name, namespace: s.namespace, keys: s.keys.map((key) => ({ key, masked: MASK })) }));
    },
    'secrets:set': async (secret) => {
      checkSecretForGateway(secret.name, secret.data);
      await vault.set(secret);
      const gatewayErrors = await applyToGateway();
      return gatewayErrors ? { ok: true, gatewayErrors } : { ok: true };
    },
    'secrets:delete': async (ref) => {
      await vault.delete(ref);
      await applyToGateway();
      return { ok: true };
    },
    'secrets:reveal': async ({ key, ...ref }) => {
      const secret = await vault.get(ref);
      const value = secret?.data[key];
      if (value === undefined) throw new UserFacingError('GATEHOUSE_NO_SUCH_SECRET', `secret "${ref.name}" has no key "${key}"`);
      return { value };
    },
    'vault:status': async () => {
      // Asked again each time: the keychain can go away (or come back) while the app runs.
      if (vault.mode === 'keychain') vaultStatus = describeVaultStatus(await vault.probe());
      return vaultStatus;
    },
    'vault:use-session-only': async () => {
      if (vault.mode !== 'session-only') {
        vault = new SessionVault();
        vaultStatus = { mode: 'session-only', reason: 'chosen by the user: secrets are kept in memory and lost on quit' };
      }
      return vaultStatus;
    },
    'gateway:status': async () => supervisor.status,
    'gateway:restart': async () => {
      await restartGateway();
      return supervisor.status;
    },
    'tryit:send': async (request) => {
      const url = supervisor.status.url;
      if (supervisor.status.state !== 'running' || !url) throw new UserFacingError('GATEHOUSE_GATEWAY_NOT_RUNNING', `the gateway is ${supervisor.status.state}`);
      const result = await sendTryIt(url, request);
      lastTryItBody = result.bytes;
      return result.response;
    },
    'tryit:save-body': async () => {
      if (!lastTryItBody) throw new UserFacingError('GATEHOUSE_NOTHING_TO_SAVE', 'send a request first: there is no response body to save');
      return saveToChosenFile(options.chooseSaveFile, { title: 'Save response body', defaultName: 'response-body' }, lastTryItBody);
    },
    'traffic:list': async () => trafficList(),
    'traffic:get': async ({ id }) => {
      const exchange = exchanges.get(id);
      if (!exchange) throw new UserFacingError('GATEHOUSE_NO_SUCH_EXCHANGE', `exchange ${id} is no longer kept (cleared, or dropped from the buffer)`);
      return exchange;
    },
    'traffic:clear': async () => {
      exchanges.clear();
      return trafficList();
    },
    'traffic:capture': async ({ on }) => {
      supervisor.setCapture(on);
      return trafficList();
    },
    'traffic:export-har': async ({ ids, includeCredentials }) => {
      const selected = exchanges.select(ids);
      if (selected.length === 0) throw new UserFacingError('GATEHOUSE_NOTHING_TO_EXPORT', 'no captured request to export');
      const har = exchangesToHar(selected, {
        gatewayUrl: supervisor.status.url ?? `http://${workspace.gateway.host}:${workspace.gateway.port}`,
        creatorVersion: options.appVersion ?? '0.0.0',
        ...(includeCredentials ? { credentialsOf: (id: number) => exchanges.credentials(id) } : {}),
      });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      const saved = await saveToChosenFile(options.chooseSaveFile, { title: 'Export traffic as HAR', defaultName: `gatehouse-${stamp}.har`, filters: [{ name: 'HTTP Archive', extensions: ['har'] }] }, JSON.stringify(har, null, 2));
      return saved.saved ? { ...saved, entries: selected.length } : saved;
    },
  };

  async function startGateway(): Promise<void> {
    try {
      await supervisor.start(workspace);
    } catch {
      // The status (state 'failed' or 'restarting', with lastError) already tells the user why.
    }
  }

  async function restartGateway(): Promise<void> {
    await supervisor.stop();
    await startGateway();
  }

  return {
    dispatch: createIpcDispatcher(handlers, options.reportInternalError),
    onEvent: (listener) => events.on('event', listener),
    startGateway,
    restartGateway,
    gatewayStatus: () => supervisor.status,
    shutdown: () => supervisor.stop(),
  };
}
