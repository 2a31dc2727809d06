// The files a kubeconfig's entries name, read when the kubeconfig is read, and what keeps an entry from being used.
// client-node reads the certificate and key files only as it sets up a request, so a missing one came out as "The
// API server answered 0: ENOENT…"; kubectl checks them first ("unable to read client-cert …"). As kubectl, a
// problem stops only the contexts that use the entry (client-go's ConfirmUsable checks the context it is asked
// for), so the others can still be listed and connected to; it stops them before anything is sent.
import type { Cluster, User } from '@kubernetes/client-node';
import { readNamedFileSync } from '../config/named-file';
import { KubeconfigError } from './cluster-errors';
import type { KubeconfigCluster, KubeconfigUser } from './kubeconfig-file';
import { readTokenFile } from './token-file-credentials';

/** An entry as read, with what keeps it from being used: each problem names the file, the entry and the field. */
export type Checked<T> = T & { readonly problems: readonly string[] };

const label = (entry: KubeconfigUser | KubeconfigCluster, kind: 'user' | 'cluster') => `Kubeconfig ${entry.origin}, ${kind} "${entry.name}"`;

/** A file's text, or the reason it cannot be read in words (`cannot read PATH: no such file or folder (ENOENT)`). */
function readReference(path: string): { text: string } | { failure: string } {
  try {
    return { text: readNamedFileSync(path).toString('utf8') };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

/** A problem for each file named that cannot be read: [field as the kubeconfig names it, path]. */
function unreadable(entry: KubeconfigUser | KubeconfigCluster, kind: 'user' | 'cluster', files: [string, string | undefined][]): string[] {
  return files.flatMap(([field, path]) => {
    const read = path ? readReference(path) : undefined;
    return read && 'failure' in read ? [`${label(entry, kind)}: ${field}: ${read.failure}`] : [];
  });
}

/** Whether the user has any way to authenticate besides the token file (client-node's own `token-file` aside). */
const hasOtherCredentials = (user: KubeconfigUser) => Boolean(user.token || user.certData || user.certFile || user.exec || user.authProvider || user.username);

/**
 * The user with its certificate and key files checked and its tokenFile read into `token` as client-go reads it:
 * relative to the kubeconfig's folder (done by kubeconfig-file.ts) and trimmed (token-file-credentials.ts, which
 * also reads it again while a connection lives). With a `token` too, client-go sends the file's token when it can
 * read it, else the token.
 */
export function checkUser(user: KubeconfigUser): Checked<KubeconfigUser> {
  const problems = [...clientCertificateConflicts(user), ...unreadable(user, 'user', [['client-certificate', user.certFile], ['client-key', user.keyFile]])];
  let token = user.token;
  if (user.tokenFile) {
    const read = readTokenFile(user.tokenFile);
    if ('token' in read) token = read.token;
    else if (!user.token) problems.push(`${label(user, 'user')}: tokenFile: ${read.failure}`);
  } else if (user.tokenFileMisspelt && !hasOtherCredentials(user)) {
    // kubectl would send no credentials at all and the API server answer 401: say what to write instead.
    problems.push(`${label(user, 'user')}: "token-file" is not a kubeconfig field (kubectl reads "tokenFile", relative to the kubeconfig's folder)`);
  }
  // HTTP could carry a space in the header, and kubectl sends it: the API server then answers 401 as to an expired
  // token. No bearer token has one (RFC 6750 §2.1, b64token): said before anything is sent, never quoting it.
  if (token && /\s/.test(token)) {
    const field = token === user.token ? 'token' : 'tokenFile';
    problems.push(`${label(user, 'user')}: ${field}: the token holds a space or line break, which no bearer token has (RFC 6750)${/^bearer\s/i.test(token) ? ': remove the "Bearer " in front of it' : ''}; nothing was sent`);
  }
  return { ...user, ...(token ? { token } : {}), problems };
}

/** A field given both as a file and inline: what kubectl says of it, in its words (clientcmd's validation.go). */
const bothGiven = (entry: KubeconfigUser | KubeconfigCluster, kind: 'user' | 'cluster', file: string, kubectlSays: string) =>
  `${label(entry, kind)}: ${file} and ${file}-data are both set, which kubectl refuses ("${kubectlSays}"): remove one of them`;

/**
 * client-go's rules for a user's client certificate (validateAuthInfo), checked as it checks them only once a
 * certificate is given: not both as a file and inline, nor the key, and a key with it. client-node took either
 * pair and used the file, where kubectl stops and would have used the data.
 */
function clientCertificateConflicts(user: KubeconfigUser): string[] {
  if (!user.certFile && !user.certData) return [];
  const problems: string[] = [];
  if (user.certFile && user.certData) {
    problems.push(bothGiven(user, 'user', 'client-certificate', `client-cert-data and client-cert are both specified for ${user.name}. client-cert-data will override.`));
  }
  if (user.keyFile && user.keyData) {
    problems.push(bothGiven(user, 'user', 'client-key', `client-key-data and client-key are both specified for ${user.name}; client-key-data will override`));
  }
  if (!user.keyFile && !user.keyData) {
    const says = `client-key-data or client-key must be specified for ${user.name} to use the clientCert authentication method.`;
    problems.push(`${label(user, 'user')}: client-certificate${user.certData ? '-data' : ''} is set without client-key or client-key-data, which kubectl refuses ("${says}"): add the certificate's key`);
  }
  return problems;
}

/**
 * The cluster with its CA file checked, and refused when it names a CA both as a file and inline (client-go's
 * validateClusterInfo; client-node used the file) or both names a CA and turns verification off: client-go
 * refuses that ("specifying a root certificates file with the insecure flag is not allowed", transport.go), and
 * client-node took it, turning verification off with the CA named.
 */
export function checkCluster(cluster: KubeconfigCluster): Checked<KubeconfigCluster> {
  const problems = unreadable(cluster, 'cluster', [['certificate-authority', cluster.caFile]]);
  if (cluster.caFile && cluster.caData) {
    problems.unshift(bothGiven(cluster, 'cluster', 'certificate-authority', `certificate-authority-data and certificate-authority are both specified for ${cluster.name}. certificate-authority-data will override.`));
  }
  if (cluster.skipTLSVerify && (cluster.caData || cluster.caFile)) {
    const field = cluster.caData ? 'certificate-authority-data' : 'certificate-authority';
    problems.push(`${label(cluster, 'cluster')}: insecure-skip-tls-verify is set together with ${field}, which kubectl refuses too ("specifying a root certificates file with the insecure flag is not allowed"): remove one of them`);
  }
  return { ...cluster, problems };
}

const problemsOf = (entry: Cluster | User | null | undefined): readonly string[] => (entry as Partial<Checked<object>> | null | undefined)?.problems ?? [];

/** Throws what keeps a context's cluster and user from being used, before any request is made with them. */
export function confirmUsable(cluster: Cluster | null | undefined, user: User | null | undefined): void {
  const unusable = [cluster, user].filter((entry) => problemsOf(entry).length > 0);
  if (unusable.length === 0) return;
  throw new KubeconfigError(unusable.flatMap(problemsOf).join('; '), (unusable[0] as Partial<KubeconfigUser>).origin);
}
