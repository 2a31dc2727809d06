// A kubeconfig's context as ClusterAccess, by @kubernetes/client-node (tokens, token files, client certificates)
// and Gatehouse's exec plugin runner (exec-credentials.ts). Loaded only where a kubeconfig is read: client-node
// is large.
import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { ClusterAccessError, type ClusterAccess } from './cluster-access';
import { ExecPluginError, KubeconfigError, redactedPluginLine } from './cluster-errors';
import { useExecCredentials, type ExecOptions } from './exec-credentials';
import { loadKubeconfig } from './kubeconfig-loader';
import { confirmUsable } from './kubeconfig-references';
import { tokenFileOf } from './token-file-credentials';

const pem = (value: unknown): string | undefined => (value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/** A context of a kubeconfig read as kubectl reads it (the file given, else $KUBECONFIG's list, else ~/.kube/config). */
export async function clusterAccessFromKubeconfig(file?: string, context?: string, exec: ExecOptions = {}): Promise<ClusterAccess> {
  const label = `kubeconfig${file ? ` ${file}` : ''}`;
  let kc: KubeConfig;
  try {
    kc = loadKubeconfig(file ? { files: [file] } : {}).kubeConfig;
  } catch (error) {
    throw new ClusterAccessError(`${label}: ${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}`);
  }
  if (context) {
    if (!kc.getContextObject(context)) throw new ClusterAccessError(`${label}: no context "${context}" (it has ${kc.getContexts().map((c) => c.name).join(', ')})`);
    kc.setCurrentContext(context);
  }
  return clusterAccessOf(kc, label, exec);
}

/**
 * The current context of a loaded kubeconfig as access data (runs exec plugins and reads token files now; a
 * tokenFile's path goes with its token).
 * Exec users of `kc` are routed through Gatehouse's runner first (`kc` is changed; a kubeconfig the app's
 * connection already routed is left as it is): client-node's own ExecAuth waits for a plugin without end and
 * rejects with the plugin's whole stderr, or a JSON.parse error quoting the start of its stdout, and either
 * can hold the token. Ours kills a plugin at `exec.timeoutMs` (120 s by default) and quotes only the first line
 * of its stderr, credential-like words masked (cluster-errors.ts).
 */
export async function clusterAccessOf(kc: KubeConfig, label = 'kubeconfig', exec: ExecOptions = {}): Promise<ClusterAccess> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterAccessError(`${label}: no current context with a cluster`);
  try {
    confirmUsable(cluster, kc.getCurrentUser());
  } catch (error) {
    // Its message names the kubeconfig file and entry already.
    if (error instanceof KubeconfigError) throw new ClusterAccessError(error.message, error.hint);
    throw error;
  }
  useExecCredentials(kc, exec);
  const options: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(options);
  } catch (error) {
    if (error instanceof ExecPluginError) throw new ClusterAccessError(`${label}: ${error.message}`, error.hint);
    // Anything else client-node's authenticators throw (a token file it cannot read, an auth-provider's command
    // failing) came from outside too: its first line, masked as a plugin's.
    throw new ClusterAccessError(`${label}: the user's credentials could not be resolved: ${redactedPluginLine(error instanceof Error ? error.message : String(error))}`);
  }
  const headers = (options.headers ?? {}) as Record<string, string | undefined>;
  const authorization = headers.Authorization ?? headers.authorization;
  // The path goes with the token read from it, so that the gateway can read it again (cluster-token.ts).
  const tokenFile = authorization?.startsWith('Bearer ') ? tokenFileOf(kc.getCurrentUser()) : undefined;
  return {
    server: cluster.server.replace(/\/$/, ''),
    ca: pem(options.ca),
    cert: pem(options.cert),
    key: pem(options.key),
    skipTLSVerify: cluster.skipTLSVerify === true,
    authorization,
    ...(tokenFile ? { tokenFile } : {}),
  };
}

