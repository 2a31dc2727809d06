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

const MAX_LINE = 300;

const firstLine = (text: string): string => text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';

/** Given values, `Bearer <word>` and `token|password|secret|client-key-data` `:`/`=` `<value>` masked. */
function maskedLabelledValues(line: string, secrets: readonly string[]): string {
  for (const value of secrets) if (value) line = line.split(value).join('[redacted]');
  return line.replace(/(bearer\s+)\S+/gi, '$1[redacted]').replace(/("?(token|password|secret|client-key-data)"?\s*[:=]\s*)"?[^\s",}]+/gi, '$1[redacted]');
}

/**
 * First line only, length-capped, with given values and labelled credentials masked: for library and system
 * messages that came from outside (a TLS or network failure, a YAML parse error). These name hosts, URLs and
 * versions the user needs to read, so only values a label marks as credentials are masked.
 */
export function redactedLine(text: string, secrets: readonly string[] = []): string {
  return maskedLabelledValues(firstLine(text), secrets).slice(0, MAX_LINE);
}

/** A run of the characters tokens are written in: base64 and base64url, hex, JWT's dots, `~` and `-`. */
const WORD = /[A-Za-z0-9._~+/=-]+/g;
const JWT = /eyJ[A-Za-z0-9._~+/=-]{7,}/;

/**
 * Whether a word looks like a credential: 16 or more token characters mixing letters and digits (random tokens,
 * base64, hex digests, `S3CR3T-…-1a2b3c4d5e`), or a JWT (`eyJ…`, base64 of a JSON object) of 10 or more. Ordinary
 * words, paths without digits and short codes (`E401`, `v1.32.4`) are left; the cost is that a long name with
 * digits in it (`client.authentication.k8s.io/v1beta1`, a URL's `//api.c-1a2b3c.example.com`) is masked too.
 */
const looksLikeCredential = (word: string): boolean => (word.length >= 16 && /[A-Za-z]/.test(word) && /[0-9]/.test(word)) || JWT.test(word);

/**
 * What an exec credential plugin printed, made safe to show: its first non-empty line (usually the diagnostic),
 * labelled credentials masked as in redactedLine, and every word that looks like a credential too. Plugins quote
 * tokens without a label a pattern could find (`error: refresh token S3CR3T… has expired`, `token is expired:
 * eyJhbGciOi…`, a debug line with the token sent), each in its own format: masking by the shape of the value is
 * the one rule that holds for all of them. Masked before the line is cut, so that a cut cannot leave a token's
 * start too short to be recognised.
 */
export function redactedPluginLine(text: string): string {
  return maskedLabelledValues(firstLine(text), []).replace(WORD, (word) => (looksLikeCredential(word) ? '[redacted]' : word)).slice(0, MAX_LINE);
}
