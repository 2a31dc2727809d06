// The app's one cluster connection and what the GUI does with it: connect, preview, push, prune, export,
// import an Application. The workspace and vault are read at each call; nothing of the cluster is stored.
import type { Workspace } from '../../gateway/config/schema';
import { KymaApplication } from '../../gateway/config/kyma-application-schema';
import type { ClusterAccess } from '../../gateway/cluster/cluster-access';
import { clusterAccessOf } from '../../gateway/cluster/kubeconfig-access';
import {
  buildDesiredObjects, connectCluster, detectTargets, exportYaml, findPruneCandidates, importKymaApplication, limitToTargets, loadKubeconfig,
  previewPush, pruneObjects, pushTargeted, testConnection, ClusterSecretSource, DEFAULT_WORKSPACE_LABEL, type ClusterConnection, type ClusterPreview, type ClusterPushResult,
  type ObjectRef, type PlanItem, type PushItemResult, type WorkspaceItemPlan,
} from '../services/cluster';
import type { SecretVault, StoredSecret } from '../services/vault';
import type { ClusterConnectionReport } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import { clusterInputFromWorkspace, type SecretLookup } from './cluster-input';
import { findSecret } from './find-secret';

export interface ClusterControllerDeps {
  workspace: () => Workspace;
  vault: () => SecretVault;
  /** Where secret values come from; the vault when absent (the app). The CLI adds --secrets and $GATEHOUSE_SECRETS. */
  secrets?: { read: SecretLookup; label: string };
  /** Kubeconfig files to read instead of KUBECONFIG / ~/.kube/config (a file the user chose; tests). */
  kubeconfigFiles?: () => string[] | undefined;
  /** false: exec plugins run with this process's PATH (the CLI starts from the user's shell). */
  loginShell?: false;
}

export interface ConnectOptions {
  context?: string;
  namespace?: string;
  /** Check version, permissions and targets now (the app's "Connect & test"); the CLI lets its first call tell. */
  test?: boolean;
}

export class ClusterController {
  #connection: ClusterConnection | undefined;

  constructor(private readonly deps: ClusterControllerDeps) {}

  #kubeconfig() {
    const files = this.deps.kubeconfigFiles?.();
    return files && files.length > 0 ? { files } : {};
  }

  contexts() {
    const loaded = loadKubeconfig(this.#kubeconfig());
    return { files: loaded.files, currentContext: loaded.currentContext, contexts: loaded.contexts };
  }

  /** The namespace a connection to this context would use, read from the kubeconfig without any request. */
  namespaceOf(context?: string, namespace?: string): string {
    if (namespace) return namespace;
    const loaded = loadKubeconfig(this.#kubeconfig());
    const name = context ?? loaded.currentContext;
    return loaded.contexts.find((c) => c.name === name)?.namespace ?? 'default';
  }

  async connect(options: ConnectOptions = {}): Promise<ClusterConnectionReport | undefined> {
    const connected = await connectCluster({
      context: options.context,
      namespace: options.namespace,
      kubeconfig: this.#kubeconfig(),
      ...(this.deps.loginShell === false ? { loginShell: false as const } : {}),
    });
    if (options.test === false) {
      this.#connection = connected.connection;
      return undefined;
    }
    const report = await testConnection(connected.connection);
    this.#connection = connected.connection;
    return { ...report, ...(connected.pathProblem ? { pathProblem: connected.pathProblem } : {}) };
  }

  /** The connected context, its API server and namespace (what the CLI prints above a plan). */
  target(): { context: string; server: string; namespace: string } | undefined {
    const c = this.#connection;
    return c ? { context: c.contextName, server: c.server, namespace: c.namespace } : undefined;
  }

  disconnect(): void {
    this.#connection = undefined;
  }

  #require(): ClusterConnection {
    if (!this.#connection) throw new UserFacingError('GATEHOUSE_CLUSTER_NOT_CONNECTED', 'no cluster is connected: pick a context and connect first');
    return this.#connection;
  }

  #readSecret(): { read: SecretLookup; label: string } {
    if (this.deps.secrets) return this.deps.secrets;
    const vault = this.deps.vault();
    return { read: async (ref) => (await findSecret(vault, ref))?.data, label: vault.mode === 'keychain' ? 'the OS keychain' : 'the session-only vault' };
  }

  /** The value of this workspace's objects' `gatehouse.dev/workspace` label: prune finds them by it. */
  #workspaceLabel(): string {
    return this.deps.workspace().cluster?.label ?? DEFAULT_WORKSPACE_LABEL;
  }

  /**
   * The workspace as objects, split by what this cluster serves. Secret values are read (and a missing one
   * refused) before the first request to the cluster.
   */
  async #targeted(connection: ClusterConnection, withValues: boolean) {
    const secrets = this.#readSecret();
    const { input, workspaceItems } = await clusterInputFromWorkspace(this.deps.workspace(), secrets.read, { workspaceName: this.#workspaceLabel(), namespace: connection.namespace, withValues, secretSources: () => secrets.label });
    const targets = await detectTargets(connection);
    const desired = buildDesiredObjects(input, targets);
    return { desired, targeted: limitToTargets(desired, workspaceItems, targets) };
  }

  /** The server-side dry run: per object and per workspace item, the same for the app's preview and the CLI's plan. */
  async plan(onItem?: (item: PlanItem) => void): Promise<ClusterPreview> {
    const connection = this.#require();
    const { desired, targeted } = await this.#targeted(connection, true);
    return previewPush(connection, targeted, desired, onItem);
  }

  async push(force?: true | ObjectRef[], onItem?: (item: PushItemResult) => void): Promise<ClusterPushResult> {
    const connection = this.#require();
    const { targeted } = await this.#targeted(connection, true);
    return pushTargeted(connection, targeted, { force, onItem });
  }

  async pruneCandidates() {
    const connection = this.#require();
    const secrets = this.#readSecret();
    const { input } = await clusterInputFromWorkspace(this.deps.workspace(), secrets.read, { workspaceName: this.#workspaceLabel(), namespace: connection.namespace, withValues: false });
    const targets = await detectTargets(connection);
    return findPruneCandidates(connection, buildDesiredObjects(input, targets), { workspace: this.#workspaceLabel(), pushNamespace: connection.namespace, namespaces: [connection.namespace, ...new Set(this.deps.workspace().applications.map((a) => a.namespace))] }, targets);
  }

  async prune(candidates: Parameters<typeof pruneObjects>[1], confirm: boolean) {
    return pruneObjects(this.#require(), candidates, { confirm });
  }

  /**
   * `kubectl apply -f`-ready YAML of every target, secret values only when asked for, with how many objects the file
   * holds (Secrets without their values are not in it, only in its header; none: `kubectl apply -f` would refuse the
   * file) and what became of each workspace item, as a plan says it (the CLI and the app name what is left out).
   */
  async export(includeSecretValues: boolean, namespace = this.#connection?.namespace ?? 'default'): Promise<{ yaml: string; objectCount: number; workspaceItems: WorkspaceItemPlan[] }> {
    const secrets = this.#readSecret();
    const { input, workspaceItems } = await clusterInputFromWorkspace(this.deps.workspace(), secrets.read, { workspaceName: this.#workspaceLabel(), namespace, withValues: includeSecretValues, secretSources: () => secrets.label });
    const desired = buildDesiredObjects(input);
    const inFile = desired.filter((d) => includeSecretValues || d.object.kind !== 'Secret');
    return { yaml: exportYaml(desired, { includeSecretValues }), objectCount: inFile.length, workspaceItems };
  }

  /** An Application and its Secrets from the cluster, as a workspace application and vault secrets. */
  async importApplication(name: string, secretNamespace: string): Promise<{ application: KymaApplication; secrets: StoredSecret[] }> {
    const imported = await importKymaApplication(this.#require(), name, { secretNamespace });
    if (imported.missingSecrets.length > 0) throw new UserFacingError('GATEHOUSE_MISSING_SECRET', `the Application names Secrets that are not in ${secretNamespace}: ${imported.missingSecrets.join(', ')}`);
    const application = KymaApplication.parse({ ...imported.application, namespace: secretNamespace });
    return { application, secrets: imported.secrets.map((s) => ({ name: s.name, namespace: s.namespace ?? secretNamespace, data: s.data })) };
  }

  /** Secrets the vault lacks are read from the connected cluster (values stay in memory). */
  secretSource(): ClusterSecretSource | undefined {
    return this.#connection ? new ClusterSecretSource(this.#connection) : undefined;
  }

  /** What the gateway needs for serviceInfo backends through the API server. */
  async gatewayAccess(): Promise<ClusterAccess | undefined> {
    return this.#connection ? clusterAccessOf(this.#connection.kubeConfig, `context ${this.#connection.contextName}`) : undefined;
  }
}
