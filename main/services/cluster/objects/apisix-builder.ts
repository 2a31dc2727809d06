// APISIX Ingress (apisix.apache.org/v2): an ApisixConsumer per consumer with basic auth from a Secret
// (keys username/password), and an ApisixRoute per service whose routes enable basic-auth.
import type { DesiredObject, KubeObject } from './object-model';
import { ownershipLabels } from './ownership-labels';
import { subdomainProblem } from '../../../../gateway/config/kubernetes-names';

export const APISIX_API_VERSION = 'apisix.apache.org/v2';

export interface ApisixConsumerSpec {
  name: string;
  namespace?: string;
  /** A Secret with the keys `username` and `password`. */
  secretName: string;
}

export interface ApisixHttpRouteSpec {
  name: string;
  paths: string[];
  methods?: string[];
  hosts?: string[];
  backend: { serviceName: string; servicePort: number };
  basicAuth: boolean;
  /** The path prefix the backend is called without (the Gatehouse service strips it): a proxy-rewrite takes it off. */
  stripPrefix?: string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface ApisixRouteSpec {
  name: string;
  namespace?: string;
  routes: ApisixHttpRouteSpec[];
}

export function apisixProblems(consumers: readonly ApisixConsumerSpec[], routes: readonly ApisixRouteSpec[]): string[] {
  const problems = [
    ...consumers.flatMap((c) => [subdomainProblem('APISIX consumer', c.name), subdomainProblem(`APISIX consumer "${c.name}": secret`, c.secretName)]),
    ...routes.flatMap((r) => [
      subdomainProblem('APISIX route', r.name),
      r.routes.length === 0 ? `APISIX route "${r.name}" has no routes` : undefined,
      ...r.routes.flatMap((h) => [subdomainProblem(`APISIX route "${r.name}": backend service`, h.backend.serviceName), h.paths.length === 0 ? `APISIX route "${r.name}/${h.name}" has no paths` : undefined]),
    ]),
  ];
  return problems.filter((p): p is string => p !== undefined);
}

export function buildApisixConsumer(spec: ApisixConsumerSpec, defaults: { namespace: string; workspace: string }): DesiredObject {
  const namespace = spec.namespace ?? defaults.namespace;
  const object: KubeObject = {
    apiVersion: APISIX_API_VERSION,
    kind: 'ApisixConsumer',
    metadata: { name: spec.name, namespace, labels: ownershipLabels(defaults, spec.namespace === undefined) },
    spec: { authParameter: { basicAuth: { secretRef: { name: spec.secretName } } } },
  };
  return { object, dependsOn: [{ apiVersion: 'v1', kind: 'Secret', name: spec.secretName, namespace }] };
}

export function buildApisixRoute(spec: ApisixRouteSpec, defaults: { namespace: string; workspace: string }): DesiredObject {
  const object: KubeObject = {
    apiVersion: APISIX_API_VERSION,
    kind: 'ApisixRoute',
    metadata: { name: spec.name, namespace: spec.namespace ?? defaults.namespace, labels: ownershipLabels(defaults, spec.namespace === undefined) },
    spec: {
      http: spec.routes.map((route) => ({
        name: route.name,
        match: {
          paths: route.paths,
          ...(route.methods?.length ? { methods: route.methods } : {}),
          ...(route.hosts?.length ? { hosts: route.hosts } : {}),
        },
        backends: [{ serviceName: route.backend.serviceName, servicePort: route.backend.servicePort }],
        ...(route.basicAuth ? { authentication: { enable: true, type: 'basicAuth' } } : {}),
        ...(route.stripPrefix
          ? { plugins: [{ name: 'proxy-rewrite', enable: true, config: { regex_uri: [`^${escapeRegex(route.stripPrefix)}/?(.*)$`, '/$1'] } }] }
          : {}),
      })),
    },
  };
  return { object, dependsOn: [] };
}
