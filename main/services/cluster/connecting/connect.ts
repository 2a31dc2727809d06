// Connect as the app does it: read the kubeconfig, and for exec-plugin users first load the login shell's PATH.
import { ClusterConnection, type ConnectOptions } from './cluster-connection';
import { loadKubeconfig, type KubeconfigSource, type LoadedKubeconfig } from '../../../../gateway/cluster/kubeconfig-loader';
import { mergePaths, readLoginShellPath, type LoginShellPathOptions } from './login-shell-path';

export interface ConnectRequest extends Omit<ConnectOptions, 'execPath'> {
  kubeconfig?: KubeconfigSource;
  /** `false` keeps this process's PATH (CLI runs, tests). */
  loginShell?: LoginShellPathOptions | false;
}

export interface Connected {
  connection: ClusterConnection;
  kubeconfig: LoadedKubeconfig;
  /** Set when the login shell's PATH was wanted but could not be read. */
  pathProblem?: string;
}

export async function connectCluster(request: ConnectRequest = {}): Promise<Connected> {
  const kubeconfig = loadKubeconfig(request.kubeconfig);
  const contextName = request.context ?? kubeconfig.currentContext;
  const needsExec = kubeconfig.contexts.find((c) => c.name === contextName)?.auth === 'exec';
  let execPath: string | undefined;
  let pathProblem: string | undefined;
  if (needsExec && request.loginShell !== false) {
    const shell = await readLoginShellPath(request.loginShell ?? {});
    if (shell.path) execPath = mergePaths(shell.path, process.env.PATH);
    else pathProblem = shell.problem;
  }
  const { kubeconfig: _source, loginShell: _shell, ...options } = request;
  const connection = ClusterConnection.open(kubeconfig, { ...options, ...(execPath ? { execPath } : {}) });
  return { connection, kubeconfig, ...(pathProblem ? { pathProblem } : {}) };
}
