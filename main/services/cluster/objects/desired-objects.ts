// Everything one push sends, built from the workspace's cluster section: Secrets first, then what uses them.
import type { DesiredObject } from './object-model';
import { InvalidClusterSpecError } from '../cluster-errors';
import type { ClusterTargets } from '../connecting/cluster-targets';
import { namespaceProblem } from '../../../../gateway/config/kubernetes-names';
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

/**
 * Each object named twice among `names` (`namespace/name`, or a cluster-scoped name): a second one would overwrite
 * the first on every push, and the plan would never be up to date. Names derived from workspace items (lower-cased
 * service and consumer names) collide when the items differ only in case or punctuation.
 */
function listedTwice(kind: string, names: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) (seen.has(name) ? twice : seen).add(name);
  return [...twice].map((name) => `${kind} "${name}" is listed twice: two workspace items become this one object (names that differ only in case or punctuation); rename one`);
}

/**
 * The input as far as `served` kinds go: objects of a kind the cluster does not serve are not sent (see
 * cluster-preview.ts, limitToTargets), and neither are Secrets only they use, so a name of theirs Kubernetes would
 * refuse must not stop the push of the rest. Every kind counts when `served` is absent (an export).
 */
function sentPart(input: ClusterPushInput, served: ClusterTargets | undefined): ClusterPushInput {
  if (!served) return input;
  const kept: ClusterPushInput = {
    ...input,
    kymaApplications: served.kymaApplications ? input.kymaApplications : [],
    apkBackends: served.apkBackends ? input.apkBackends : [],
    apisixConsumers: served.apisix ? input.apisixConsumers : [],
    apisixRoutes: served.apisix ? input.apisixRoutes : [],
  };
  const inNamespace = (name: string, namespace: string | undefined) => `${namespace ?? input.namespace}/${name}`;
  const secretsOf = (part: ClusterPushInput) => new Set([
    ...(part.kymaApplications ?? []).flatMap((app) => app.services.flatMap((service) => service.entries.flatMap((entry) =>
      [entry.credentials?.secretName, entry.requestParametersSecretName].filter((n): n is string => n !== undefined).map((n) => inNamespace(n, app.secretNamespace ?? input.kymaSecretNamespace))))),
    ...(part.apkBackends ?? []).flatMap((b) => (b.basicAuth ? [inNamespace(b.basicAuth.secretName, b.namespace)] : [])),
    ...(part.apisixConsumers ?? []).map((c) => inNamespace(c.secretName, c.namespace)),
  ]);
  const used = secretsOf(input);
  const usedBySent = secretsOf(kept);
  // A Secret nothing references still goes, as limitToTargets sends it.
  kept.secrets = input.secrets.filter((s) => !used.has(inNamespace(s.name, s.namespace)) || usedBySent.has(inNamespace(s.name, s.namespace)));
  return kept;
}

/** Why the input cannot be pushed (to a cluster serving `served`), as messages naming each object. */
export function clusterInputProblems(whole: ClusterPushInput, served?: ClusterTargets): string[] {
  const input = sentPart(whole, served);
  const problems: string[] = [];
  // A namespace's name is a DNS-1123 label (no dots), not a subdomain as the objects' own names are.
  const ns = namespaceProblem('The namespace', input.namespace);
  if (ns) problems.push(ns);
  const inNamespace = (o: { name: string; namespace?: string }) => `${o.namespace ?? input.namespace}/${o.name}`;
  problems.push(...listedTwice('secret', input.secrets.map(inNamespace)));
  for (const s of input.secrets) problems.push(...secretProblems(s));
  problems.push(...listedTwice('application', (input.kymaApplications ?? []).map((app) => app.name)));
  for (const app of input.kymaApplications ?? []) problems.push(...kymaApplicationProblems(app));
  problems.push(...listedTwice('APK backend', (input.apkBackends ?? []).map(inNamespace)));
  for (const backend of input.apkBackends ?? []) problems.push(...apkBackendProblems(backend));
  problems.push(...listedTwice('APISIX consumer', (input.apisixConsumers ?? []).map(inNamespace)));
  problems.push(...listedTwice('APISIX route', (input.apisixRoutes ?? []).map(inNamespace)));
  problems.push(...apisixProblems(input.apisixConsumers ?? [], input.apisixRoutes ?? []));
  return problems;
}

/** Every object of the input; refused (InvalidClusterSpecError) when what would be sent to a cluster serving `served` cannot be. */
export function buildDesiredObjects(input: ClusterPushInput, served?: ClusterTargets): DesiredObject[] {
  const problems = clusterInputProblems(input, served);
  if (problems.length) throw new InvalidClusterSpecError(problems);
  const defaults = { namespace: input.namespace, workspace: input.workspace };
  return [
    ...input.secrets.map((s) => buildSecret(s, defaults)),
    ...(input.kymaApplications ?? []).map((app) => buildKymaApplication(app, { ...defaults, secretNamespace: app.secretNamespace ?? input.kymaSecretNamespace ?? input.namespace })),
    ...(input.apkBackends ?? []).map((b) => buildApkBackend(b, defaults)),
    ...(input.apisixConsumers ?? []).map((c) => buildApisixConsumer(c, defaults)),
    ...(input.apisixRoutes ?? []).map((r) => buildApisixRoute(r, defaults)),
  ];
}
