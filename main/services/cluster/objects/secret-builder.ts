// Opaque Secrets with exactly the keys their readers expect: Kyma's Application Gateway (username/password,
// clientId/clientSecret, crt/key, headers/queryParameters as JSON) and WSO2 APK / APISIX (username/password).
import type { DesiredObject, KubeObject } from './object-model';
import { ownershipLabels } from './ownership-labels';
import { secretKeyProblem, subdomainProblem } from '../../../../gateway/config/kubernetes-names';

export interface SecretSpec {
  name: string;
  /** Defaults to the push's namespace. */
  namespace?: string;
  /**
   * Whether it lies where it does because the push is aimed there (PUSH_NAMESPACE_LABEL): by default, when it names no
   * namespace. A Secret a Kyma application reads lies in the application's namespace, whichever namespace is pushed to.
   */
  placedByPush?: boolean;
  /** Decoded values by key. */
  data: Record<string, string>;
}

export function secretProblems(spec: SecretSpec): string[] {
  const problems = [subdomainProblem('secret', spec.name), ...Object.keys(spec.data).map((k) => secretKeyProblem(spec.name, k))];
  return problems.filter((p): p is string => p !== undefined);
}

export function buildSecret(spec: SecretSpec, defaults: { namespace: string; workspace: string }): DesiredObject {
  const data = Object.fromEntries(
    Object.entries(spec.data)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
  );
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: spec.name, namespace: spec.namespace ?? defaults.namespace, labels: ownershipLabels(defaults, spec.placedByPush ?? spec.namespace === undefined) },
    type: 'Opaque',
    data,
  };
  return { object, dependsOn: [] };
}
