// Reads kubeconfig files as kubectl does: $KUBECONFIG's list (missing files skipped, the first file to name a
// cluster, user or context wins, the first current-context wins), else ~/.kube/config. Each file is read by
// kubeconfig-file.ts; the files the winning entries name are read or checked by kubeconfig-references.ts.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Context, type User } from '@kubernetes/client-node';
import { KubeconfigError, redactedLine } from './cluster-errors';
import { fileFailureCause } from '../errors/file-failure';
import { readKubeconfigText, type KubeconfigCluster, type KubeconfigEntries, type KubeconfigUser } from './kubeconfig-file';
import { checkCluster, checkUser } from './kubeconfig-references';
import { shownServer } from './shown-server';

export type AuthKind = 'token' | 'client-certificate' | 'exec' | 'auth-provider' | 'basic' | 'none';

export interface ContextSummary {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
  /** The API server URL, when the cluster is in the kubeconfig. */
  server?: string;
  auth: AuthKind;
  /** For exec credentials: the plugin's command (e.g. `kubectl`, `gke-gcloud-auth-plugin`). */
  execCommand?: string;
}

export interface LoadedKubeconfig {
  files: string[];
  currentContext?: string;
  contexts: ContextSummary[];
  kubeConfig: KubeConfig;
}

export interface KubeconfigSource {
  /** Files the user chose; otherwise $KUBECONFIG, otherwise ~/.kube/config. */
  files?: string[];
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

/** Which files would be read, in kubectl's order. */
export function kubeconfigCandidates(source: KubeconfigSource = {}): { files: string[]; origin: 'explicit' | 'KUBECONFIG' | 'home' } {
  if (source.files && source.files.length > 0) return { files: source.files, origin: 'explicit' };
  const env = source.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list && list.length > 0) {
    const files = [...new Set(list.split(delimiter).filter((f) => f !== ''))];
    return { files, origin: 'KUBECONFIG' };
  }
  return { files: [join(source.homeDir ?? homedir(), '.kube', 'config')], origin: 'home' };
}

function authKind(user: User | undefined): AuthKind {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider) return 'auth-provider';
  if (user.token || (user as Partial<KubeconfigUser>).tokenFile) return 'token';
  if (user.certData || user.certFile) return 'client-certificate';
  if (user.username) return 'basic';
  return 'none';
}

function readOne(file: string): KubeconfigEntries | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const why = fileFailureCause(error) ?? redactedLine(String(error));
    throw new KubeconfigError(`Cannot read kubeconfig ${file}: ${why}`, file);
  }
  return readKubeconfigText(bytes, file);
}

function mergeFirstWins<T extends { name: string }>(into: T[], items: readonly T[] | undefined): void {
  for (const item of items ?? []) if (!into.some((existing) => existing.name === item.name)) into.push(item);
}

export function summarizeContexts(kc: KubeConfig): ContextSummary[] {
  return kc.getContexts().map((ctx) => {
    const cluster = kc.getCluster(ctx.cluster);
    const user = kc.getUser(ctx.user);
    return {
      name: ctx.name,
      cluster: ctx.cluster,
      user: ctx.user,
      namespace: ctx.namespace ?? 'default',
      ...(cluster?.server ? { server: shownServer(cluster.server) } : {}),
      auth: authKind(user ?? undefined),
      ...(user?.exec?.command ? { execCommand: user.exec.command } : {}),
    };
  });
}

export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig {
  const { files, origin } = kubeconfigCandidates(source);
  // kubectl ignores missing files in $KUBECONFIG; a file the user picked must exist.
  const present = origin === 'explicit' ? files : files.filter((f) => existsSync(f));
  if (present.length === 0) {
    const where = origin === 'KUBECONFIG' ? `none of the files in KUBECONFIG exist (${files.join(delimiter)})` : `${files[0]} does not exist`;
    throw new KubeconfigError(`No kubeconfig found: ${where}`);
  }
  const clusters: KubeconfigCluster[] = [];
  const users: KubeconfigUser[] = [];
  const contexts: Context[] = [];
  let currentContext: string | undefined;
  const read: string[] = [];
  for (const file of present) {
    const entries = readOne(file);
    read.push(file);
    if (!entries) continue;
    mergeFirstWins(clusters, entries.clusters);
    mergeFirstWins(users, entries.users);
    mergeFirstWins(contexts, entries.contexts);
    currentContext ??= entries.currentContext;
  }
  if (contexts.length === 0) throw new KubeconfigError(`No contexts in ${read.join(', ')}`, read[0]);
  const kubeConfig = new KubeConfig();
  // Only the entries that won are read further: a user another file shadows is never used.
  kubeConfig.loadFromOptions({ clusters: clusters.map(checkCluster), users: users.map(checkUser), contexts, currentContext: currentContext ?? '' });
  return { files: read, ...(currentContext ? { currentContext } : {}), contexts: summarizeContexts(kubeConfig), kubeConfig };
}
