// Kyma Application (applicationconnector.kyma-project.io/v1alpha1, cluster-scoped): one per application, its
// services with stable ids, names Kyma accepts, and API entries with credentials pointing at Secrets.
import { createHash } from 'node:crypto';
import type { DesiredObject, KubeObject, ObjectRef } from './object-model';
import { ownershipLabels, type Ownership } from './ownership-labels';
import { isLabelName, LABEL_NAME_RULE, subdomainProblem } from '../../../../gateway/config/kubernetes-names';
import { kymaServiceName as kymaServiceNameOf } from '../../../../gateway/config/kyma-services';

export const KYMA_API_VERSION = 'applicationconnector.kyma-project.io/v1alpha1';

export type KymaCredentialType = 'Basic' | 'OAuth' | 'OAuthWithCert' | 'CertificateGen';

export interface KymaEntrySpec {
  targetUrl: string;
  credentials?: {
    type: KymaCredentialType;
    secretName: string;
    /** OAuth token URL; only for types OAuth and OAuthWithCert. */
    authenticationUrl?: string;
    csrfInfo?: { tokenEndpointURL: string };
  };
  requestParametersSecretName?: string;
}

export interface KymaServiceSpec {
  displayName: string;
  description: string;
  providerDisplayName: string;
  /** Defaults to one derived from displayName (lowercase letters, digits, hyphens). */
  name?: string;
  /** Defaults to a UUID derived from the application and service name, stable across pushes. */
  id?: string;
  entries: KymaEntrySpec[];
}

export interface KymaApplicationSpec {
  name: string;
  skipVerify: boolean;
  description?: string;
  services: KymaServiceSpec[];
  /** Where its Secrets are (the push's Kyma secret namespace when absent). */
  secretNamespace?: string;
}

/** Kyma's rule for service names (gateway/config/kyma-services.ts), or `service` when nothing usable is left. */
export function kymaServiceName(displayName: string): string {
  return kymaServiceNameOf(displayName) || 'service';
}

/** A name-based UUID (RFC 4122 version 5 layout over SHA-1): the same application and service always get the same id. */
export function stableServiceId(applicationName: string, serviceName: string): string {
  const bytes = createHash('sha1').update(`gatehouse/kyma-application/${applicationName}/${serviceName}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface ResolvedService {
  spec: KymaServiceSpec;
  name: string;
  id: string;
}

function resolveServices(app: KymaApplicationSpec, problems: string[]): ResolvedService[] {
  const used = new Set<string>();
  const resolved = app.services.map((spec) => {
    let name = spec.name ?? kymaServiceName(spec.displayName);
    if (spec.name === undefined) {
      const base = name;
      for (let n = 2; used.has(name); n++) name = `${base.slice(0, 60)}-${n}`;
    }
    if (!isLabelName(name)) problems.push(`application "${app.name}": service name "${name}" is not a valid Kubernetes name: ${LABEL_NAME_RULE}`);
    if (used.has(name)) problems.push(`application "${app.name}": two services are named "${name}"`);
    used.add(name);
    return { spec, name, id: spec.id ?? stableServiceId(app.name, name) };
  });
  const ids = new Set<string>();
  const displayNames = new Set<string>();
  for (const s of resolved) {
    if (ids.has(s.id)) problems.push(`application "${app.name}": two services have the id "${s.id}"`);
    if (displayNames.has(s.spec.displayName)) problems.push(`application "${app.name}": two services are displayed as "${s.spec.displayName}"`);
    ids.add(s.id);
    displayNames.add(s.spec.displayName);
  }
  return resolved;
}

function entryProblems(app: string, service: string, entry: KymaEntrySpec): string[] {
  const where = `application "${app}", service "${service}"`;
  const problems: string[] = [];
  if (!URL.canParse(entry.targetUrl)) problems.push(`${where}: targetUrl "${entry.targetUrl}" is not a URL`);
  const c = entry.credentials;
  const oauth = c?.type === 'OAuth' || c?.type === 'OAuthWithCert';
  if (c && oauth && !c.authenticationUrl) problems.push(`${where}: ${c.type} credentials need an authenticationUrl (the token URL)`);
  if (c && !oauth && c.authenticationUrl) problems.push(`${where}: authenticationUrl applies only to OAuth and OAuthWithCert credentials`);
  if (c) {
    const p = subdomainProblem(`${where}: credentials secret`, c.secretName);
    if (p) problems.push(p);
  }
  if (entry.requestParametersSecretName) {
    const p = subdomainProblem(`${where}: request parameters secret`, entry.requestParametersSecretName);
    if (p) problems.push(p);
  }
  return problems;
}

export function kymaApplicationProblems(app: KymaApplicationSpec): string[] {
  const problems: string[] = [];
  const nameProblem = subdomainProblem('application', app.name);
  if (nameProblem) problems.push(nameProblem);
  const services = resolveServices(app, problems);
  for (const s of services) for (const entry of s.spec.entries) problems.push(...entryProblems(app.name, s.name, entry));
  return problems;
}

/** `secretNamespace`: where Kyma's Application Gateway reads the Secrets the entries name. */
export function buildKymaApplication(app: KymaApplicationSpec, options: Ownership & { secretNamespace: string }): DesiredObject {
  const services = resolveServices(app, []).map(({ spec, name, id }) => ({
    id,
    name,
    displayName: spec.displayName,
    description: spec.description,
    providerDisplayName: spec.providerDisplayName,
    entries: spec.entries.map((entry) => ({
      type: 'API',
      targetUrl: entry.targetUrl,
      ...(entry.credentials
        ? {
            credentials: {
              type: entry.credentials.type,
              secretName: entry.credentials.secretName,
              ...(entry.credentials.authenticationUrl ? { authenticationUrl: entry.credentials.authenticationUrl } : {}),
              ...(entry.credentials.csrfInfo ? { csrfInfo: { tokenEndpointURL: entry.credentials.csrfInfo.tokenEndpointURL } } : {}),
            },
          }
        : {}),
      ...(entry.requestParametersSecretName ? { requestParametersSecretName: entry.requestParametersSecretName } : {}),
    })),
  }));
  const object: KubeObject = {
    apiVersion: KYMA_API_VERSION,
    kind: 'Application',
    metadata: { name: app.name, labels: ownershipLabels(options, false) },
    spec: {
      ...(app.description !== undefined ? { description: app.description } : {}),
      skipVerify: app.skipVerify,
      services,
    },
  };
  const secretNames = new Set(
    app.services.flatMap((s) => s.entries.flatMap((e) => [e.credentials?.secretName, e.requestParametersSecretName].filter((n): n is string => n !== undefined))),
  );
  const dependsOn: ObjectRef[] = [...secretNames].sort().map((name) => ({ apiVersion: 'v1', kind: 'Secret', name, namespace: options.secretNamespace }));
  return { object, dependsOn };
}
