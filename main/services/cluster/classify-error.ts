// Turns what client-node, node-fetch and Node's TLS stack throw into one ClusterError per cause.
import { ApiException } from '@kubernetes/client-node';
import {
  ApiServerError,
  BadCertificateError,
  ClusterError,
  ClusterTimeoutError,
  ForbiddenError,
  KubeconfigError,
  UnauthorizedError,
  UnreachableError,
  redactedLine,
} from './cluster-errors';
import { SERVER_CERTIFICATE_CODES } from '../../../gateway/http/server-certificate-codes';
import { fileFailureCause } from '../../../gateway/errors/file-failure';

export interface ApiStatus {
  code: number;
  reason: string;
  message: string;
  causes: { reason?: string; message?: string; field?: string }[];
}

export interface ErrorContext {
  server: string;
  user: string;
  operation: string;
  timeoutMs: number;
  /** The kubeconfig user's own credentials (token, password), hidden wherever a message quotes them. */
  secrets?: readonly string[];
  /** The user's tokenFile, read again when the token was refused, and why that read failed if it did. */
  tokenFile?: { path: string; failure?: string };
}

const CERTIFICATE_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is not signed by the certificate authority in the kubeconfig',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a certificate authority the kubeconfig does not name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed and not the one in the kubeconfig',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet (check the clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another host name',
};

const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
};

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The API server's Status from a failed call, when the body is one. */
export function apiStatusOf(error: unknown): ApiStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const status = (body ?? {}) as { kind?: string; reason?: string; message?: string; details?: { causes?: ApiStatus['causes'] } };
  return {
    code: error.code,
    reason: status.reason ?? '',
    message: status.kind === 'Status' && status.message ? status.message : `HTTP ${error.code}`,
    causes: status.details?.causes ?? [],
  };
}

/** The file and the cause in words of a failure to open or read a file, wherever in the cause chain. */
function fileFailure(error: unknown): { path: string; cause: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { path, syscall } = current as { path?: unknown; syscall?: unknown };
    const cause = fileFailureCause(current);
    if (typeof path === 'string' && (syscall === 'open' || syscall === 'read') && cause) return { path, cause };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isAbort(error: unknown): boolean {
  const e = error as { name?: string; type?: string } | undefined;
  return e?.name === 'AbortError' || e?.type === 'aborted';
}

export function classifyError(error: unknown, context: ErrorContext): ClusterError {
  if (error instanceof ClusterError) return error;
  if (isAbort(error)) return new ClusterTimeoutError(context.operation, context.timeoutMs);
  const status = apiStatusOf(error);
  if (status) {
    if (status.code === 401) return new UnauthorizedError(context.server, context.user, context.tokenFile);
    if (status.code === 403) return new ForbiddenError(status.message);
    return new ApiServerError(status.code, status.reason, status.message);
  }
  const code = errorCode(error);
  // OpenSSL refusing the kubeconfig's own certificates or key as the connection is set up: nothing was sent, and
  // the API server's certificate is not in question (the text's "certificate" made this a BadCertificateError).
  if (code?.startsWith('ERR_OSSL_')) {
    const what = code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' ? 'the client key does not belong to the client certificate' : 'a certificate or key in it cannot be read (not PEM, or a form OpenSSL does not take)';
    return new KubeconfigError(`user "${context.user}": the kubeconfig's certificates cannot be used: ${what} (${code}); nothing was sent to ${context.server}`);
  }
  // client-node reads the kubeconfig's certificate, key and CA files as it sets up each request: one that could be
  // read when the kubeconfig was (kubeconfig-references.ts checks them) and cannot now. Its answer was "The API
  // server answered 0: ENOENT…", though nothing had been sent.
  const file = fileFailure(error);
  if (file) return new KubeconfigError(`The kubeconfig names ${file.path}, which cannot be read: ${file.cause}; nothing was sent to ${context.server}`);
  if (code && SERVER_CERTIFICATE_CODES.has(code)) return new BadCertificateError(context.server, CERTIFICATE_REASONS[code] ?? code);
  if (code && UNREACHABLE_REASONS[code]) {
    if (code === 'ETIMEDOUT') return new ClusterTimeoutError(context.operation, context.timeoutMs);
    return new UnreachableError(context.server, UNREACHABLE_REASONS[code]);
  }
  const text = error instanceof Error ? error.message : String(error);
  // node-fetch refuses a header value it may not send by quoting it whole: the Authorization header, token and all.
  if (/ is not a legal HTTP header (value|name)$/.test(text)) {
    return new KubeconfigError(`user "${context.user}": its credentials cannot be sent in an HTTP header, which a space, line break or control character in its token or password rules out (a token pasted with "Bearer " in front?); nothing was sent to ${context.server}`);
  }
  const line = redactedLine(text, context.secrets);
  if (/certificate|self[- ]signed|SSL|TLS/i.test(text)) return new BadCertificateError(context.server, line);
  if (/socket hang up|ECONNRESET|network/i.test(text)) return new UnreachableError(context.server, line);
  return new ApiServerError(0, '', line);
}
