// How the gateway reaches a connected cluster's API server, for `serviceInfo` backends: the server URL,
// its TLS material and the user's Authorization, resolved from a kubeconfig by @kubernetes/client-node
// (tokens, token files, exec plugins, client certificates). Plain data, so the supervisor can hand it over IPC.
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';

export interface ClusterAccess {
  /** The API server, e.g. `https://127.0.0.1:6443`. */
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  skipTLSVerify: boolean;
  /** `Bearer ...` for token users; absent for client-certificate users. */
  authorization?: string;
}

export class ClusterAccessError extends Error {
  readonly code = 'GATEHOUSE_CLUSTER_ACCESS';
  constructor(message: string) {
    super(message);
    this.name = 'ClusterAccessError';
  }
}

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

/** Path of the API server's proxy to a Service port: `/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy`. */
export function serviceProxyPath(service: { name: string; namespace: string; port?: number; protocol: 'http' | 'https' }): string {
  const scheme = service.protocol === 'https' ? 'https:' : '';
  const port = service.port === undefined ? '' : `:${service.port}`;
  return `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/${scheme}${encodeURIComponent(service.name)}${port}/proxy`;
}
