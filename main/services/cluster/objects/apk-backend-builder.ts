// WSO2 APK Backend (dp.wso2.com/v1alpha2): one upstream host and port, with Basic credentials from a Secret.
import type { DesiredObject, KubeObject } from './object-model';
import { ownershipLabels } from './ownership-labels';
import { subdomainProblem } from '../../../../gateway/config/kubernetes-names';

export const APK_API_VERSION = 'dp.wso2.com/v1alpha2';

export interface ApkBackendSpec {
  name: string;
  namespace?: string;
  host: string;
  port: number;
  protocol: 'http' | 'https';
  basePath?: string;
  basicAuth?: { secretName: string; usernameKey?: string; passwordKey?: string };
}

export function apkBackendProblems(spec: ApkBackendSpec): string[] {
  const problems = [subdomainProblem('APK backend', spec.name), spec.basicAuth ? subdomainProblem(`APK backend "${spec.name}": secret`, spec.basicAuth.secretName) : undefined];
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) problems.push(`APK backend "${spec.name}": port ${spec.port} is not 1-65535`);
  if (spec.host.trim() === '') problems.push(`APK backend "${spec.name}": host is empty`);
  return problems.filter((p): p is string => p !== undefined);
}

export function buildApkBackend(spec: ApkBackendSpec, defaults: { namespace: string; workspace: string }): DesiredObject {
  const namespace = spec.namespace ?? defaults.namespace;
  const object: KubeObject = {
    apiVersion: APK_API_VERSION,
    kind: 'Backend',
    metadata: { name: spec.name, namespace, labels: ownershipLabels(defaults, spec.namespace === undefined) },
    spec: {
      services: [{ host: spec.host, port: spec.port }],
      protocol: spec.protocol,
      ...(spec.basePath ? { basePath: spec.basePath } : {}),
      ...(spec.basicAuth
        ? {
            security: {
              basic: {
                secretRef: {
                  name: spec.basicAuth.secretName,
                  usernameKey: spec.basicAuth.usernameKey ?? 'username',
                  passwordKey: spec.basicAuth.passwordKey ?? 'password',
                },
              },
            },
          }
        : {}),
    },
  };
  return { object, dependsOn: spec.basicAuth ? [{ apiVersion: 'v1', kind: 'Secret', name: spec.basicAuth.secretName, namespace }] : [] };
}
