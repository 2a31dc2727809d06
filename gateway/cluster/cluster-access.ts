// How the gateway reaches a connected cluster's API server, for `serviceInfo` backends: the server URL,
// its TLS material and the user's Authorization (resolved from a kubeconfig in kubeconfig-access.ts).
// Plain data, so the supervisor can hand it over IPC; no client-node here, so the gateway starts light.
import { GatehouseError } from '../errors/gatehouse-error';

export interface ClusterAccess {
  /** The API server, e.g. `https://127.0.0.1:6443`. */
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  skipTLSVerify: boolean;
  /** `Bearer ...` for token users; absent for client-certificate users. */
  authorization?: string;
  /**
   * The user's tokenFile (absolute), when `authorization` carries its token: the gateway reads it again as client-go
   * does (cluster-token.ts), so a rotated token reaches it without a reload. A path, never the token.
   */
  tokenFile?: string;
}

export class ClusterAccessError extends GatehouseError {
  readonly code = 'GATEHOUSE_CLUSTER_ACCESS';
  constructor(message: string, hint?: string) {
    super(message, hint ? { hint } : {});
    this.name = 'ClusterAccessError';
  }
}

/** Path of the API server's proxy to a Service port: `/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy`. */
export function serviceProxyPath(service: { name: string; namespace: string; port?: number; protocol: 'http' | 'https' }): string {
  const scheme = service.protocol === 'https' ? 'https:' : '';
  const port = service.port === undefined ? '' : `:${service.port}`;
  return `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/${scheme}${encodeURIComponent(service.name)}${port}/proxy`;
}
