// A kubeconfig's current context as ClusterAccess, by @kubernetes/client-node (tokens, token files, exec
// plugins, client certificates). Loaded only where a kubeconfig is read: client-node is large.
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { ClusterAccessError, type ClusterAccess } from './cluster-access';

const pem = (value: unknown): string | undefined => (value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/** Reads the current context of a kubeconfig (KUBECONFIG / ~/.kube/config when no file is given). */
export async function clusterAccessFromKubeconfig(file?: string, context?: string): Promise<ClusterAccess> {
  const kc = new KubeConfig();
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
    if (context) kc.setCurrentContext(context);
  } catch (error) {
    throw new ClusterAccessError(`kubeconfig${file ? ` ${file}` : ''}: ${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}`);
  }
  return clusterAccessOf(kc, `kubeconfig${file ? ` ${file}` : ''}`);
}

/** The current context of a loaded kubeconfig as access data (runs exec plugins and reads token files now). */
export async function clusterAccessOf(kc: KubeConfig, label = 'kubeconfig'): Promise<ClusterAccess> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterAccessError(`${label}: no current context with a cluster`);
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers = (options.headers ?? {}) as Record<string, string | undefined>;
  return {
    server: cluster.server.replace(/\/$/, ''),
    ca: pem(options.ca),
    cert: pem(options.cert),
    key: pem(options.key),
    skipTLSVerify: cluster.skipTLSVerify === true,
    authorization: headers.Authorization ?? headers.authorization,
  };
}

