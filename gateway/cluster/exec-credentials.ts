// Runs kubeconfig exec credential plugins (client.authentication.k8s.io ExecCredential) with a given PATH (the
// app passes its login shell's), a deadline and a kill, in place of client-node's runner, which has neither and
// reports a failing plugin with its whole stderr. Here, below main/, so that the headless gateway's --kubeconfig
// (kubeconfig-access.ts) and the app's and CLI's cluster connections run plugins the same way.
// Only types from client-node: this module loads nothing large.
import { spawn } from 'node:child_process';
import { sep } from 'node:path';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import { ExecPluginError, redactedPluginLine } from './cluster-errors';
import { fileFailureCause } from '../errors/file-failure';
import { execClusterInfo, type ExecClusterInfo } from './exec-cluster-info';
import { authProviderName, routeUsers, type AuthenticationOptions, type Authenticator } from './routed-users';

interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion?: string;
  /** Give the plugin its cluster in KUBERNETES_EXEC_INFO (exec-cluster-info.ts). */
  provideClusterInfo?: boolean;
}

interface ExecCredential {
  status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
}

export interface ExecOptions {
  /** PATH for the plugin (the login shell's, merged); defaults to this process's. */
  path?: string;
  /** Interactive logins open a browser; give them time, but not forever. */
  timeoutMs?: number;
}

const PROVIDER = 'gatehouse-exec';

/** Why a plugin did not start: a bare name is looked up on PATH; a path (kubeconfig-file.ts made it absolute) is the file itself. */
function startFailure(command: string, error: NodeJS.ErrnoException, options: ExecOptions): string {
  if (error.code === 'ENOENT' && !command.includes(sep)) return `command not found on the PATH${options.path ? ' (loaded from your login shell)' : ''}`;
  return fileFailureCause(error) ?? 'could not start';
}
const NO_EXPIRY_CACHE_MS = 5 * 60 * 1000;

/** `cluster` is what the plugin is told of its cluster, given only when the kubeconfig sets provideClusterInfo. */
export function runExecPlugin(exec: ExecConfig, options: ExecOptions, cluster?: ExecClusterInfo): Promise<ExecCredential> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const env: NodeJS.ProcessEnv = { ...process.env, ...(options.path ? { PATH: options.path } : {}) };
  for (const entry of exec.env ?? []) env[entry.name] = entry.value;
  const spec = { ...(cluster ? { cluster } : {}), interactive: false };
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec });
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args ?? [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (error: ExecPluginError | undefined, value?: ExecCredential) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new ExecPluginError(exec.command, `did not finish within ${Math.round(timeoutMs / 1000)} s (a login waiting in the browser?)`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (error: NodeJS.ErrnoException) => finish(new ExecPluginError(exec.command, startFailure(exec.command, error, options))));
    child.on('close', (code) => {
      if (code !== 0) return finish(new ExecPluginError(exec.command, `exited with ${code}${stderr.trim() ? `: ${redactedPluginLine(stderr)}` : ''}`));
      try {
        const parsed = JSON.parse(stdout) as ExecCredential;
        if (!parsed.status?.token && !(parsed.status?.clientCertificateData && parsed.status.clientKeyData)) {
          return finish(new ExecPluginError(exec.command, 'printed no token or client certificate'));
        }
        finish(undefined, parsed);
      } catch {
        finish(new ExecPluginError(exec.command, 'printed something that is not an ExecCredential (JSON)'));
      }
    });
  });
}

/** What the plugin is told of the cluster the request goes to, when its kubeconfig entry asks for it. */
function clusterInfoFor(exec: ExecConfig, cluster: Cluster | null): ExecClusterInfo | undefined {
  if (exec.provideClusterInfo !== true || !cluster) return undefined;
  try {
    return execClusterInfo(cluster);
  } catch (error) {
    // The CA file was there when the kubeconfig was read (kubeconfig-references.ts checks it) and is gone now.
    throw new ExecPluginError(exec.command, `could not be given its cluster: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** client-node authenticator for users rewritten by `useExecCredentials`. */
export class ExecCredentialAuthenticator implements Authenticator {
  readonly #cache = new Map<string, { credential: ExecCredential; until: number }>();

  /** `cluster`: the cluster the kubeconfig's current context sends requests to (client-node does not pass it). */
  constructor(
    private readonly options: ExecOptions,
    private readonly cluster: () => Cluster | null,
  ) {}

  isAuthProvider(user: User): boolean {
    return authProviderName(user) === PROVIDER;
  }

  async applyAuthentication(user: User, options: AuthenticationOptions): Promise<void> {
    // client-node hands an https RequestOptions or a ws ClientOptions; either way headers are a map here.
    const opts = options as { headers?: Record<string, unknown>; cert?: unknown; key?: unknown };
    const exec = (user.authProvider as { config: { gatehouseExec: ExecConfig } }).config.gatehouseExec;
    const clusterInfo = clusterInfoFor(exec, this.cluster());
    // As client-go's cache: one credential per plugin and the cluster it was told of.
    const key = `${user.name}\n${JSON.stringify(exec)}\n${JSON.stringify(clusterInfo ?? null)}`;
    let cached = this.#cache.get(key);
    if (!cached || cached.until <= Date.now()) {
      const credential = await runExecPlugin(exec, this.options, clusterInfo);
      const expiry = credential.status?.expirationTimestamp ? Date.parse(credential.status.expirationTimestamp) - 10_000 : Date.now() + NO_EXPIRY_CACHE_MS;
      cached = { credential, until: expiry };
      this.#cache.set(key, cached);
    }
    const status = cached.credential.status!;
    if (status.clientCertificateData && status.clientKeyData) {
      opts.cert = status.clientCertificateData;
      opts.key = status.clientKeyData;
    }
    if (status.token) {
      opts.headers ??= {};
      opts.headers.Authorization = `Bearer ${status.token}`;
    }
  }
}

/** Routes every exec user of `kc` through our runner; returns whether any user uses exec. */
export function useExecCredentials(kc: KubeConfig, options: ExecOptions): boolean {
  const routed = routeUsers(
    kc,
    (user) => {
      if (!user.exec) return undefined;
      // Neither `exec` nor `config.exec`: client-node's own ExecAuth claims either before custom authenticators.
      const { exec, ...rest } = user;
      return { ...rest, authProvider: { name: PROVIDER, config: { gatehouseExec: exec } } } as User;
    },
    () => new ExecCredentialAuthenticator(options, () => kc.getCurrentCluster()),
  );
  return routed > 0;
}
