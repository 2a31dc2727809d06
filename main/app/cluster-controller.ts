// The app's one cluster connection and what the GUI does with it: connect, preview, push, prune, export,
// import an Application. The workspace and vault are read at each call; nothing of the cluster is stored.
import type { Workspace } from '../../gateway/config/schema';
import { KymaApplication } from '../../gateway/config/kyma-application-schema';
import type { ClusterAccess } from '../../gateway/cluster/cluster-access';
import { clusterAccessOf } from '../../gateway/cluster/kubeconfig-access';
import {
  buildDesiredObjects, connectCluster, detectTargets, exportYaml, findPruneCandidates, importKymaApplication, loadKubeconfig,
  planPush, pruneObjects, pushObjects, testConnection, ClusterSecretSource, type ClusterConnection, type DesiredObject,
} from '../services/cluster';
import type { SecretVault, StoredSecret } from '../services/vault';
import type { ClusterConnectionReport } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import { clusterInputFromWorkspace } from './cluster-input';

export interface ClusterControllerDeps {
  workspace: () => Workspace;
  vault: () => SecretVault;
  /** A label for this workspace's objects in the cluster (prune finds them by it). */
  workspaceName: string;
  kubeconfigFiles?: string[];
}

export class ClusterController {
  #connection: ClusterConnection | undefined;

  constructor(private readonly deps: ClusterControllerDeps) {}

  get connection(): ClusterConnection | undefined {
    return this.#connection;
  }

  contexts() {
    const loaded = loadKubeconfig(this.deps.kubeconfigFiles ? { files: this.deps.kubeconfigFiles } : {});
    return { files: loaded.files, currentContext: loaded.currentContext, contexts: loaded.contexts };
  }

  async connect(context?: string, namespace?: string): Promise<ClusterConnectionReport> {
    const connected = await connectCluster({ context, namespace, ...(this.deps.kubeconfigFiles ? { kubeconfig: { files: this.deps.kubeconfigFiles } } : {}) });
    const report = await testConnection(connected.connection);
    this.#connection = connected.connection;
    return { ...report, ...(connected.pathProblem ? { pathProblem: connected.pathProblem } : {}) };
  }

  disconnect(): void {
    this.#connection = undefined;
  }

  #require(): ClusterConnection {
    if (!this.#connection) throw new UserFacingError('GATEHOUSE_CLUSTER_NOT_CONNECTED', 'no cluster is connected: pick a context and connect first');
    return this.#connection;
  }

  /** The workspace's objects, limited to the kinds this cluster serves (export offers them all). */
  async #desired(connection: ClusterConnection, withValues: boolean): Promise<DesiredObject[]> {
    const input = await clusterInputFromWorkspace(this.deps.workspace(), this.deps.vault(), { workspaceName: this.deps.workspaceName, namespace: connection.namespace, withValues });
    const targets = await detectTargets(connection);
    return buildDesiredObjects({
      ...input,
      kymaApplications: targets.kymaApplications ? input.kymaApplications : [],
      apkBackends: targets.apkBackends ? input.apkBackends : [],
      apisixConsumers: targets.apisix ? input.apisixConsumers : [],
      apisixRoutes: targets.apisix ? input.apisixRoutes : [],
    });
  }

  async plan() {
    const connection = this.#require();
    return planPush(connection, await this.#desired(connection, true));
  }

  async push(force?: true | { apiVersion: string; kind: string; name: string; namespace?: string }[]) {
    const connection = this.#require();
    return pushObjects(connection, await this.#desired(connection, true), { force });
  }

  async pruneCandidates() {
    const connection = this.#require();
    return findPruneCandidates(connection, await this.#desired(connection, false), { workspace: this.deps.workspaceName, namespaces: [connection.namespace, ...new Set(this.deps.workspace().applications.map((a) => a.namespace))] });
  }

  async prune(candidates: Parameters<typeof pruneObjects>[1], confirm: boolean) {
    return pruneObjects(this.#require(), candidates, { confirm });
  }

  /** `kubectl apply -f`-ready YAML of every target; secret values only when asked for. */
  async exportYaml(includeSecretValues: boolean, namespace = this.#connection?.namespace ?? 'default'): Promise<string> {
    const input = await clusterInputFromWorkspace(this.deps.workspace(), this.deps.vault(), { workspaceName: this.deps.workspaceName, namespace, withValues: includeSecretValues });
    return exportYaml(buildDesiredObjects(input), { includeSecretValues });
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
