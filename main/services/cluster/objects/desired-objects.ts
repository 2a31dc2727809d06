// Everything one push sends, built from the workspace's cluster section: Secrets first, then what uses them.
import type { DesiredObject } from './object-model';
import { InvalidClusterSpecError } from '../cluster-errors';
import { subdomainProblem } from './kube-names';
import { buildSecret, secretProblems, type SecretSpec } from './secret-builder';
import { buildKymaApplication, kymaApplicationProblems, type KymaApplicationSpec } from './kyma-application-builder';
import { apkBackendProblems, buildApkBackend, type ApkBackendSpec } from './apk-backend-builder';
import { apisixProblems, buildApisixConsumer, buildApisixRoute, type ApisixConsumerSpec, type ApisixRouteSpec } from './apisix-builder';

export interface ClusterPushInput {
  /** The owning workspace: goes into every object's labels, and scopes prune. */
  workspace: string;
  /** Default namespace for Secrets and namespaced targets. */
  namespace: string;
  /** Where Kyma's Application Gateway reads the Secrets its Applications name; defaults to `namespace`. */
  kymaSecretNamespace?: string;
  secrets: SecretSpec[];
  kymaApplications?: KymaApplicationSpec[];
  apkBackends?: ApkBackendSpec[];
  apisixConsumers?: ApisixConsumerSpec[];
  apisixRoutes?: ApisixRouteSpec[];
}

export function clusterInputProblems(input: ClusterPushInput): string[] {
  const problems: string[] = [];
  const ns = subdomainProblem('namespace', input.namespace);
  if (ns) problems.push(ns);
  const seen = new Set<string>();
  for (const s of input.secrets) {
    const key = `${s.namespace ?? input.namespace}/${s.name}`;
    if (seen.has(key)) problems.push(`secret "${key}" is listed twice`);
    seen.add(key);
    problems.push(...secretProblems(s));
  }
  const apps = new Set<string>();
  for (const app of input.kymaApplications ?? []) {
    if (apps.has(app.name)) problems.push(`application "${app.name}" is listed twice`);
    apps.add(app.name);
    problems.push(...kymaApplicationProblems(app));
  }
  for (const backend of input.apkBackends ?? []) problems.push(...apkBackendProblems(backend));
  problems.push(...apisixProblems(input.apisixConsumers ?? [], input.apisixRoutes ?? []));
  return problems;
}

export function buildDesiredObjects(input: ClusterPushInput): DesiredObject[] {
  const problems = clusterInputProblems(input);
  if (problems.length) throw new InvalidClusterSpecError(problems);
  const defaults = { namespace: input.namespace, workspace: input.workspace };
  return [
    ...input.secrets.map((s) => buildSecret(s, defaults)),
    ...(input.kymaApplications ?? []).map((app) => buildKymaApplication(app, { workspace: input.workspace, secretNamespace: app.secretNamespace ?? input.kymaSecretNamespace ?? input.namespace })),
    ...(input.apkBackends ?? []).map((b) => buildApkBackend(b, defaults)),
    ...(input.apisixConsumers ?? []).map((c) => buildApisixConsumer(c, defaults)),
    ...(input.apisixRoutes ?? []).map((r) => buildApisixRoute(r, defaults)),
  ];
}
