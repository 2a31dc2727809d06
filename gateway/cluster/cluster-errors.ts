// The base of every cluster failure, and the kubeconfig's and its exec plugin's own: here, below main/, because
// every process that reads a kubeconfig (the app, the CLI, the headless gateway) reads it with
// gateway/cluster/kubeconfig-loader.ts and runs its plugins with gateway/cluster/exec-credentials.ts.
// Messages name files, contexts, servers and Kubernetes objects, never credential or secret values.
import { GatehouseError } from '../errors/gatehouse-error';

export type ClusterErrorCode =
  | 'GATEHOUSE_CLUSTER_KUBECONFIG'
  | 'GATEHOUSE_CLUSTER_CONTEXT'
  | 'GATEHOUSE_CLUSTER_UNREACHABLE'
  | 'GATEHOUSE_CLUSTER_BAD_CERTIFICATE'
  | 'GATEHOUSE_CLUSTER_UNAUTHORIZED'
  | 'GATEHOUSE_CLUSTER_FORBIDDEN'
  | 'GATEHOUSE_CLUSTER_TIMEOUT'
  | 'GATEHOUSE_CLUSTER_EXEC_PLUGIN'
  | 'GATEHOUSE_CLUSTER_API'
  | 'GATEHOUSE_CLUSTER_INVALID_SPEC'
  | 'GATEHOUSE_CLUSTER_NOT_CONFIRMED';

export abstract class ClusterError extends GatehouseError {
  abstract override readonly code: ClusterErrorCode;
  /** What the user can do about it: every cluster failure has one. */
  declare readonly hint: string;

  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

/** The kubeconfig cannot be found, read or parsed, or it contradicts itself. */
export class KubeconfigError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_KUBECONFIG';
  constructor(message: string, readonly file?: string) {
    super(message, 'Fix the kubeconfig (kubectl config view shows what it reads) or choose another file.');
    this.name = 'KubeconfigError';
  }
}

/** The kubeconfig's exec credential plugin (kubectl oidc-login, a cloud CLI) failed or is missing. */
export class ExecPluginError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_EXEC_PLUGIN';
  constructor(readonly command: string, reason: string) {
    super(
      `The credential plugin "${command}" failed: ${reason}`,
      'Run the same kubectl command in a terminal to log in, and check that the plugin is on the PATH of your login shell.',
    );
    this.name = 'ExecPluginError';
  }
}

/** First line only, length-capped, with given values masked: for text that came from outside (plugin stderr). */
export function redactedLine(text: string, secrets: readonly string[] = []): string {
  let line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  for (const value of secrets) if (value) line = line.split(value).join('[redacted]');
  line = line.replace(/(bearer\s+)\S+/gi, '$1[redacted]').replace(/("?(token|password|secret|client-key-data)"?\s*[:=]\s*)"?[^\s",}]+/gi, '$1[redacted]');
  return line.slice(0, 300);
}
