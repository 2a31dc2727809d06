// What an exec credential plugin is told of its cluster when the kubeconfig's exec section sets
// provideClusterInfo: KUBERNETES_EXEC_INFO's spec.cluster, as client-go's rest.ConfigToExecCluster builds it (a
// plugin such as a cloud's uses the server and CA to pick the credentials it prints, and the cluster's exec
// extension as its own settings). Fields a kubeconfig leaves unset are left out, as Go's omitempty does, except
// `config`, which kubectl sends as null when the cluster has no exec extension.
import type { Cluster } from '@kubernetes/client-node';
import { readNamedFileSync } from '../config/named-file';
import type { KubeconfigCluster } from './kubeconfig-file';

/** client.authentication.k8s.io/v1 Cluster (the same in v1beta1). */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: true;
  /** base64 of the CA's PEM bytes: the kubeconfig's certificate-authority-data, else its certificate-authority file. */
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  'disable-compression'?: true;
  /** The cluster's exec extension, null without one. */
  config: unknown;
}

/** Throws a NamedFileError when the cluster's certificate-authority file cannot be read. */
export function execClusterInfo(cluster: Cluster): ExecClusterInfo {
  const { disableCompression, execExtension } = cluster as Partial<KubeconfigCluster>;
  // client-go's dataFromSliceOrFile: the data, when given, wins over the file.
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : cluster.caFile ? readNamedFileSync(cluster.caFile) : undefined;
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true as const } : {}),
    ...(ca && ca.length > 0 ? { 'certificate-authority-data': ca.toString('base64') } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    ...(disableCompression ? { 'disable-compression': true as const } : {}),
    config: execExtension ?? null,
  };
}
