// One kubeconfig file's clusters, users and contexts, with client-go's field names and path rules, for
// kubeconfig-loader.ts. Not client-node's parser (KubeConfig.loadFromFile): it ignores kubectl's `tokenFile` and
// reads its own spelling `token-file` instead, relative to the process's folder and with the file's trailing
// newline, and it drops what an exec plugin with provideClusterInfo is given of its cluster (disable-compression,
// the cluster's exec extension). Relative paths are taken relative to the folder of the file that names them, as
// client-go's ResolveLocalPaths does for certificate-authority, client-certificate, client-key, tokenFile and an
// exec plugin's command with a path separator in it (`./login.sh`; a bare name is looked up on PATH), which
// client-node's runner started from the process's folder. The files themselves are read or checked once the
// files are merged (kubeconfig-references.ts).
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import * as yaml from 'yaml';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { DocumentSyntaxError, parseJsonOrYaml, utf8Text } from '../config/parse-document';
import { KubeconfigError } from './cluster-errors';
import { KUBECONFIG_YAML, kubeconfigTypeProblems } from './kubeconfig-fields';

/** client-node's Cluster, with the kubeconfig file it came from and what client-node does not read. */
export interface KubeconfigCluster extends Cluster {
  readonly origin: string;
  readonly disableCompression?: boolean;
  /** The `extension` of its `extensions` entry named EXEC_EXTENSION: the `config` its exec plugins are given. */
  readonly execExtension?: unknown;
}

/** The name of the cluster extension whose value exec plugins get as `spec.cluster.config` (client-go's clusterExtensionKey). */
export const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

/** client-node's User, with the file it came from and what client-node does not read. */
export interface KubeconfigUser extends User {
  readonly origin: string;
  /** kubectl's `tokenFile`, absolute. */
  readonly tokenFile?: string;
  /** client-node's `token-file` was written: kubectl does not read it, so neither does Gatehouse, but it says so. */
  readonly tokenFileMisspelt?: boolean;
}

export interface KubeconfigEntries {
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  contexts: Context[];
  currentContext?: string;
}

type Fields = Readonly<Record<string, unknown>>;

const fields = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Leaves out the fields a kubeconfig does not set, so that what client-node and the tests see is what was written. */
function defined<T extends object>(entry: T): T {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as T;
}

/** The fields of a cluster, user or context entry, named as in the file: `clusters[0].cluster`. */
function section(entry: Fields, key: string, where: string, problem: (what: string) => KubeconfigError): Fields {
  if (!text(entry.name)) throw problem(`${where}.name is missing`);
  if (entry[key] === undefined || entry[key] === null) throw problem(`${where}.${key} is missing`);
  return fields(entry[key]);
}

export function readKubeconfigText(bytes: Uint8Array, file: string): KubeconfigEntries | undefined {
  const problem = (what: string) => new KubeconfigError(`Kubeconfig ${file} is not valid: ${what}`, file);
  let document: unknown;
  try {
    const source = utf8Text(bytes, file);
    if (source.trim() === '') return undefined;
    // The workspace's own reader: depth-limited, and its errors name the line without quoting the text (a token);
    // as YAML 1.1, as kubectl reads it (kubeconfig-fields.ts).
    document = parseJsonOrYaml(source, file, yaml, KUBECONFIG_YAML);
  } catch (error) {
    if (error instanceof DocumentSyntaxError) throw new KubeconfigError(`Kubeconfig ${error.message}`, file);
    throw error;
  }
  if (document === null || document === undefined) return undefined;
  const wrongTypes = kubeconfigTypeProblems(document);
  if (wrongTypes.length > 0) throw problem(wrongTypes.join('; '));
  const config = fields(document);
  // Relative to the file's folder, made absolute as client-go does (a relative --kubeconfig is taken from here).
  const folder = resolve(dirname(file));
  const local = (path: unknown) => {
    const named = text(path);
    return named === undefined || isAbsolute(named) ? named : join(folder, named);
  };
  const execOf = (value: unknown) => {
    const command = text(fields(value).command);
    return command?.includes(sep) ? { ...fields(value), command: local(command) } : (value ?? undefined);
  };
  const clusters = list(config.clusters).map((raw, i): KubeconfigCluster => {
    const entry = fields(raw);
    const cluster = section(entry, 'cluster', `clusters[${i}]`, problem);
    const server = text(cluster.server);
    if (!server) throw problem(`clusters[${i}].cluster.server is missing`);
    return defined({
      name: text(entry.name)!,
      origin: file,
      server: server.replace(/\/$/, ''),
      caData: text(cluster['certificate-authority-data']),
      caFile: local(cluster['certificate-authority']),
      skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: text(cluster['tls-server-name']),
      proxyUrl: text(cluster['proxy-url']),
      disableCompression: cluster['disable-compression'] === true ? true : undefined,
      execExtension: list(cluster.extensions).map(fields).find((extension) => extension.name === EXEC_EXTENSION)?.extension,
    });
  });
  const users = list(config.users).map((raw, i): KubeconfigUser => {
    const entry = fields(raw);
    if (!text(entry.name)) throw problem(`users[${i}].name is missing`);
    const user = fields(entry.user);
    return defined({
      name: text(entry.name)!,
      origin: file,
      token: text(user.token),
      tokenFile: local(user.tokenFile),
      tokenFileMisspelt: 'token-file' in user ? true : undefined,
      certData: text(user['client-certificate-data']),
      certFile: local(user['client-certificate']),
      keyData: text(user['client-key-data']),
      keyFile: local(user['client-key']),
      exec: execOf(user.exec),
      authProvider: user['auth-provider'] ?? undefined,
      username: text(user.username),
      password: text(user.password),
      impersonateUser: text(user.as),
    });
  });
  const contexts = list(config.contexts).map((raw, i): Context => {
    const entry = fields(raw);
    const context = section(entry, 'context', `contexts[${i}]`, problem);
    if (!text(context.cluster)) throw problem(`contexts[${i}].context.cluster is missing`);
    return defined({ name: text(entry.name)!, cluster: text(context.cluster)!, user: text(context.user)!, namespace: text(context.namespace) });
  });
  const currentContext = text(config['current-context']);
  return { clusters, users, contexts, ...(currentContext ? { currentContext } : {}) };
}
