// A kubeconfig's context as ClusterAccess, by @kubernetes/client-node (tokens, token files, exec plugins,
// client certificates). Loaded only where a kubeconfig is read: client-node is large.
import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { ClusterAccessError, type ClusterAccess } from './cluster-access';
import { loadKubeconfig } from './kubeconfig-loader';

const pem = (value: unknown): string | undefined => (value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/** A context of a kubeconfig read as kubectl reads it (the file given, else $KUBECONFIG's list, else ~/.kube/config). */
export async function clusterAccessFromKubeconfig(file?: string, context?: string): Promise<ClusterAccess> {
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
  return clusterAccessOf(kc, label);
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

