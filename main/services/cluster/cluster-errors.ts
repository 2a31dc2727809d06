// Every failure the cluster features report, one class per cause the user can act on. Messages name files,
// contexts, servers and Kubernetes objects, never credential or secret values.

export { ClusterError, ExecPluginError, KubeconfigError, redactedLine, type ClusterErrorCode } from '../../../gateway/cluster/cluster-errors';
import { ClusterError } from '../../../gateway/cluster/cluster-errors';

/** The chosen context, or the cluster or user it names, is not in the kubeconfig. */
export class ContextError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_CONTEXT';
  constructor(message: string) {
    super(message, 'Pick one of the contexts listed from the kubeconfig.');
    this.name = 'ContextError';
  }
}

/** The namespace to push to, given or the context's, is no namespace name: said before any request, naming where it came from. */
export class NamespaceError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_CONTEXT';
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'NamespaceError';
  }
}

export class UnreachableError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_UNREACHABLE';
  constructor(readonly server: string, readonly reason: string) {
    super(`Cannot reach the API server ${server}: ${reason}`, 'Check the address, your network or VPN, and that the cluster is running.');
    this.name = 'UnreachableError';
  }
}

export class BadCertificateError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_BAD_CERTIFICATE';
  constructor(readonly server: string, readonly reason: string) {
    super(
      `The API server ${server} presented a certificate that cannot be trusted: ${reason}`,
      "The kubeconfig's certificate-authority(-data) does not match this server; get a current kubeconfig from the cluster's administrator.",
    );
    this.name = 'BadCertificateError';
  }
}

/** Why a token from a tokenFile was refused: the file read again just before holds no better one, or could not be read. */
const tokenFileCause = (tokenFile: { path: string; failure?: string }) =>
  tokenFile.failure
    ? `its tokenFile could not be read again (${tokenFile.failure}), and the token sent in its place is expired or invalid.`
    : `the token in its tokenFile ${tokenFile.path}, read again just now, is expired or invalid.`;

/** 401: the token is expired or invalid, or the client certificate is not accepted. */
export class UnauthorizedError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_UNAUTHORIZED';
  constructor(readonly server: string, readonly user: string, tokenFile?: { path: string; failure?: string }) {
    super(
      `The API server ${server} did not accept the credentials of user "${user}" (401 Unauthorized): ${tokenFile ? tokenFileCause(tokenFile) : 'the token is expired or invalid, or the client certificate is not trusted.'}`,
      tokenFile
        ? `Put a current token in ${tokenFile.path}: it is read again every minute, and at once when the API server refuses a token.`
        : 'Log in again (e.g. refresh the token or rerun your cloud CLI login) and reload the kubeconfig.',
    );
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_FORBIDDEN';
  constructor(readonly apiMessage: string) {
    super(`Forbidden: ${apiMessage}`, 'Ask the cluster administrator for the missing permission, or use another context.');
    this.name = 'ForbiddenError';
  }
}

export class ClusterTimeoutError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_TIMEOUT';
  constructor(readonly operation: string, readonly timeoutMs: number) {
    super(`${operation} did not finish within ${Math.round(timeoutMs / 100) / 10} s`, 'The cluster or the network is slow or unreachable; try again or check the connection.');
    this.name = 'ClusterTimeoutError';
  }
}

/** Any other answer of the API server, with its status code, reason and message. */
export class ApiServerError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_API';
  constructor(readonly status: number, readonly reason: string, readonly apiMessage: string) {
    super(`The API server answered ${status}${reason ? ` ${reason}` : ''}: ${apiMessage}`, 'See the message from the API server.');
    this.name = 'ApiServerError';
  }
}

/** Input that cannot become valid Kubernetes objects (a name Kubernetes refuses, duplicate ids). */
export class InvalidClusterSpecError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_INVALID_SPEC';
  constructor(readonly problems: string[]) {
    super(`Cannot build the cluster objects: ${problems.join('; ')}`, 'Fix the names in the workspace.');
    this.name = 'InvalidClusterSpecError';
  }
}

/** Deleting needs an explicit confirmation. */
export class NotConfirmedError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_NOT_CONFIRMED';
  constructor(what: string) {
    super(`${what} needs confirmation`, 'Review the list, then confirm.');
    this.name = 'NotConfirmedError';
  }
}
