// One connection = one kubeconfig context: the API clients of @kubernetes/client-node, each request bounded
// by a deadline, every failure classified.
import {
  ApisApi,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { ClusterTimeoutError, ContextError, NamespaceError } from '../cluster-errors';
import { namespaceProblem } from '../../../../gateway/config/kubernetes-names';
import { apiStatusOf, classifyError } from '../classify-error';
import { useExecCredentials } from '../../../../gateway/cluster/exec-credentials';
import { useTokenFiles, type TokenFileSource } from '../../../../gateway/cluster/token-file-credentials';
import type { LoadedKubeconfig } from '../../../../gateway/cluster/kubeconfig-loader';
import { confirmUsable } from '../../../../gateway/cluster/kubeconfig-references';
import { serverPasswords, shownServer } from '../../../../gateway/cluster/shown-server';

export interface ConnectOptions {
  /** Defaults to the kubeconfig's current-context. */
  context?: string;
  /** Defaults to the context's namespace, else `default`; an empty one is none, as in client-go (`-n ""`). */
  namespace?: string;
  /** Per API call. */
  timeoutMs?: number;
  /** PATH for exec credential plugins (see login-shell-path.ts). */
  execPath?: string;
  execTimeoutMs?: number;
  /** The clock a tokenFile's re-reads follow (client-go's minute); tests move it. */
  now?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_EXEC_TIMEOUT_MS = 120_000;

export class ClusterConnection {
  readonly core: CoreV1Api;
  readonly objects: KubernetesObjectApi;
  readonly authorization: AuthorizationV1Api;
  readonly version: VersionApi;
  readonly apis: ApisApi;
  readonly customObjects: CustomObjectsApi;
  readonly timeoutMs: number;
  readonly #deadlineMs: number;

  /** The API server's address as shown (a password in it masked, shown-server.ts); requests go to it as written. */
  readonly server: string;

  private constructor(
    readonly contextName: string,
    address: string,
    readonly userName: string,
    readonly namespace: string,
    readonly usesExec: boolean,
    /** The resolved single-context kubeconfig (the gateway reaches serviceInfo backends with it). */
    readonly kubeConfig: KubeConfig,
    timeoutMs: number,
    execTimeoutMs: number,
    /** The user's token and password, for error messages to hide. */
    private readonly credentials: readonly string[],
    /** The user's tokenFile, read again as client-go reads it (token-file-credentials.ts). */
    private readonly tokenFile: TokenFileSource | undefined,
  ) {
    this.server = shownServer(address);
    this.timeoutMs = timeoutMs;
    this.#deadlineMs = timeoutMs + (usesExec ? execTimeoutMs : 0) + 1000;
    const config = createConfiguration({
      baseServer: new ServerConfiguration(address, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return context;
          },
          post: async (response: ResponseContext) => response,
        },
      ],
    });
    this.core = new CoreV1Api(config);
    this.objects = new KubernetesObjectApi(config);
    this.authorization = new AuthorizationV1Api(config);
    this.version = new VersionApi(config);
    this.apis = new ApisApi(config);
    this.customObjects = new CustomObjectsApi(config);
  }

  static open(loaded: LoadedKubeconfig, options: ConnectOptions = {}): ClusterConnection {
    const contextName = options.context ?? loaded.currentContext;
    if (!contextName) throw new ContextError('The kubeconfig has no current-context; choose a context.');
    const source = loaded.kubeConfig;
    const context = source.getContextObject(contextName);
    if (!context) throw new ContextError(`No context "${contextName}" in the kubeconfig (have: ${source.getContexts().map((c) => c.name).join(', ') || 'none'}).`);
    const cluster = source.getCluster(context.cluster);
    if (!cluster) throw new ContextError(`Context "${contextName}" refers to cluster "${context.cluster}", which is not in the kubeconfig.`);
    if (!cluster.server) throw new ContextError(`Cluster "${context.cluster}" has no server address.`);
    const user = source.getUser(context.user);
    if (!user) throw new ContextError(`Context "${contextName}" refers to user "${context.user}", which is not in the kubeconfig.`);
    confirmUsable(cluster, user);
    // An empty namespace is none, as client-go takes `-n ""`. kubectl sends any other and the API server answers
    // that no such namespace exists; said here, before any request, naming where it came from (the objects' name
    // check would blame the workspace for it).
    const namespace = options.namespace || context.namespace || 'default';
    const invalid = namespaceProblem(options.namespace ? 'The namespace given' : `The namespace of context "${contextName}"`, namespace);
    if (invalid) throw new NamespaceError(invalid, options.namespace ? 'Give the namespace as the cluster names it (kubectl get namespaces lists them).' : 'Correct the context\'s namespace in the kubeconfig, or give one.');
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: contextName });
    const execTimeoutMs = options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const usesExec = useExecCredentials(kc, { ...(options.execPath ? { path: options.execPath } : {}), timeoutMs: execTimeoutMs });
    const tokenFile = useTokenFiles(kc, options.now).get(context.user);
    return new ClusterConnection(
      contextName,
      cluster.server,
      context.user,
      namespace,
      usesExec,
      kc,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      execTimeoutMs,
      [user.token, user.password, ...serverPasswords(cluster.server)].filter((value): value is string => typeof value === 'string' && value !== ''),
      tokenFile,
    );
  }

  /**
   * Runs `run`, and once more when the API server refused the token (401) and the user's tokenFile, read again at
   * once, holds another token: rotated since its last read, less than a minute ago. client-go does not do this:
   * its bearerAuthRoundTripper (transport/round_trippers.go) keeps sending the token it read until the minute is
   * up, and kubectl fails meanwhile; a connection the app keeps open should not. A 401 means the server did
   * nothing, so the call is safe to repeat.
   */
  async #withCurrentToken<T>(run: () => Promise<T>): Promise<T> {
    const sent = this.tokenFile?.current();
    try {
      return await run();
    } catch (error) {
      if (this.tokenFile && apiStatusOf(error)?.code === 401 && this.tokenFile.renewedSince(sent) !== undefined) return run();
      throw error;
    }
  }

  /** Runs one API operation under the deadline; what it throws comes out as a ClusterError. */
  async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClusterTimeoutError(operation, this.#deadlineMs)), this.#deadlineMs);
    });
    try {
      return await Promise.race([this.#withCurrentToken(run), deadline]);
    } catch (error) {
      const tokenFile = this.tokenFile && { path: this.tokenFile.path, ...(this.tokenFile.failure ? { failure: this.tokenFile.failure } : {}) };
      const secrets = [...this.credentials, this.tokenFile?.current()].filter((value): value is string => value !== undefined);
      throw classifyError(error, { server: this.server, user: this.userName, operation, timeoutMs: this.timeoutMs, secrets, ...(tokenFile ? { tokenFile } : {}) });
    } finally {
      clearTimeout(timer);
    }
  }
}
