// Opaque Secrets with exactly the keys their readers expect: Kyma's Application Gateway (username/password,
// clientId/clientSecret, crt/key, headers/queryParameters as JSON) and WSO2 APK / APISIX (username/password).
import type { DesiredObject, KubeObject } from './object-model';
import { ownershipLabels } from './ownership-labels';
import { secretKeyProblem, subdomainProblem } from './kube-names';

export interface SecretSpec {
  name: string;
  /** Defaults to the push's namespace. */
  namespace?: string;
  /** Decoded values by key. */
  data: Record<string, string>;
}

export type CredentialSet =
  | { type: 'Basic'; username: string; password: string }
  | { type: 'OAuth'; clientId: string; clientSecret: string }
  | { type: 'CertificateGen'; crt: string; key: string }
  | { type: 'RequestParameters'; headers?: Record<string, string[]>; queryParameters?: Record<string, string[]> };

/** The Secret data Kyma and APK read for one credential set. */
export function credentialSecretData(credentials: CredentialSet): Record<string, string> {
  switch (credentials.type) {
    case 'Basic':
      return { username: credentials.username, password: credentials.password };
    case 'OAuth':
      return { clientId: credentials.clientId, clientSecret: credentials.clientSecret };
    case 'CertificateGen':
      return { crt: credentials.crt, key: credentials.key };
    case 'RequestParameters':
      return {
        ...(credentials.headers ? { headers: JSON.stringify(credentials.headers) } : {}),
        ...(credentials.queryParameters ? { queryParameters: JSON.stringify(credentials.queryParameters) } : {}),
      };
  }
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
    metadata: { name: spec.name, namespace: spec.namespace ?? defaults.namespace, labels: ownershipLabels(defaults.workspace) },
    type: 'Opaque',
    data,
  };
  return { object, dependsOn: [] };
}
