// The workspace as cluster objects: what the app's preview and push, the CLI's plan and push, and export hand to
// the cluster service, and what becomes of each workspace item (pushed, skipped with why, not applicable).
// Secret values are read through `readSecret` and stay in memory; an export without values needs key names only.
import type { Workspace } from '../../gateway/config/schema';
import { servedServices } from '../../gateway/config/kyma-services';
import type { SecretData } from '../../gateway/secrets/secret-source';
import { secretId, type SecretRef } from '../../gateway/config/secret-names';
import { effectiveBasicAuth } from '../../gateway/config/effective-basic-auth';
import { joinPaths, strippedPathPrefix } from '../../gateway/config/route-paths';
import { KYMA_CREDENTIAL_KEYS, KYMA_REQUEST_PARAMETER_KEYS } from '../../gateway/config/kyma-secret-keys';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import {
  APISIX_API_VERSION, APK_API_VERSION, KYMA_API_VERSION, InvalidClusterSpecError,
  type ApisixConsumerSpec, type ApisixRouteSpec, type ApkBackendSpec, type ClusterPushInput, type KymaApplicationSpec, type ObjectRef, type SecretSpec, type WorkspaceItemPlan,
} from '../services/cluster';

/** Reads one secret's values; undefined when no source holds it. */
export type SecretLookup = (ref: SecretRef) => Promise<SecretData | undefined>;

export interface ClusterInputOptions {
  /** Labels every object as this workspace's (`gatehouse.dev/workspace`), for prune. */
  workspaceName: string;
  namespace: string;
  /** Read values through `readSecret`; without, every value is '' (an export without secret values). */
  withValues: boolean;
  /**
   * Where values were looked for, for the missing-secret error ("the OS keychain", "--secrets, OS keychain"): asked
   * after the reads, when a source that could not be used (a keychain without a session bus) can say so.
   */
  secretSources?: () => string;
}

export interface WorkspaceClusterInput {
  input: ClusterPushInput;
  /** Every service, route, consumer and Kyma application of the workspace, in that order. */
  workspaceItems: WorkspaceItemPlan[];
}

export class MissingClusterSecretError extends GatehouseError {
  readonly code = 'GATEHOUSE_MISSING_SECRET';
  constructor(readonly missing: string[], sources = 'the vault') {
    super(`no value for ${missing.join(', ')} (looked in: ${sources}): add them before pushing`);
    this.name = 'MissingClusterSecretError';
  }
}

const secretRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Secret', name, namespace });

/** Collects Secrets with exactly the keys their readers (Kyma, APK, APISIX) expect. */
class SecretCollector {
  readonly secrets = new Map<string, SecretSpec>();
  readonly missing: string[] = [];
  /** Two vault secrets that would become one cluster Secret (same name, read from different namespaces). */
  readonly collisions: string[] = [];
  /** Per cluster Secret: the vault secret its values are read from. */
  readonly #readFrom = new Map<string, string>();
  constructor(private readonly readSecret: SecretLookup, private readonly withValues: boolean) {}

  /**
   * `keys` maps the cluster key to the key it is read from; `optionalKeys` likewise, for keys written only when the
   * stored secret has them (without values, as empty placeholders like the others). Several readers may name one
   * Secret (a Kyma OAuth entry and a Backend's Basic credentials in one vault secret): it carries every key any of
   * them reads, not only the first reader's. `placedByPush`: `namespace` is the push's because the push is aimed
   * there (secret-builder.ts); a Secret one reader puts in a namespace of its own is shared by every push.
   */
  async add(name: string, namespace: string, lookupNamespace: string | undefined, keys: Record<string, string>, optionalKeys: Record<string, string> = {}, placedByPush = false): Promise<ObjectRef> {
    const id = secretId({ name, namespace });
    const needsStored = this.withValues || Object.keys(optionalKeys).length > 0;
    const found = needsStored ? await this.#stored(name, lookupNamespace) : undefined;
    const earlier = this.#readFrom.get(id);
    if (found && earlier !== undefined && earlier !== found.from) {
      this.collisions.push(`vault secrets "${earlier}" and "${found.from}" would both become Secret ${namespace}/${name}: rename one`);
      return secretRef(name, namespace);
    }
    if (found) this.#readFrom.set(id, found.from);
    const spec = this.secrets.get(id) ?? { name, namespace, data: {} };
    // Shared as soon as one reader puts it in a namespace of its own.
    spec.placedByPush = (spec.placedByPush ?? true) && placedByPush;
    this.secrets.set(id, spec);
    const data = spec.data;
    const stored = found?.data;
    for (const [clusterKey, sourceKey] of Object.entries(keys)) {
      if (clusterKey in data) continue;
      const value = this.withValues ? stored?.[sourceKey] : '';
      if (value === undefined) this.missing.push(`secret "${name}" key "${sourceKey}"`);
      data[clusterKey] = value ?? '';
    }
    for (const [clusterKey, sourceKey] of Object.entries(optionalKeys)) {
      const value = stored?.[sourceKey];
      if (value !== undefined) data[clusterKey] = this.withValues ? value : '';
    }
    return secretRef(name, namespace);
  }

  /**
   * A Kyma request-parameters Secret: `headers` and `queryParameters` as the stored secret has them, one of the two
   * at least (as serving needs, request-parameters.ts). Without values and without a stored secret, both as
   * placeholders.
   */
  async addRequestParameters(name: string, namespace: string): Promise<ObjectRef> {
    const ref = await this.add(name, namespace, namespace, {}, sameKeys(KYMA_REQUEST_PARAMETER_KEYS));
    const data = this.secrets.get(secretId({ name, namespace }))!.data;
    if (KYMA_REQUEST_PARAMETER_KEYS.some((key) => key in data)) return ref;
    if (this.withValues) this.missing.push(`secret "${name}" key ${KYMA_REQUEST_PARAMETER_KEYS.map((key) => `"${key}"`).join(' or ')}`);
    else for (const key of KYMA_REQUEST_PARAMETER_KEYS) data[key] = '';
    return ref;
  }

  /** The vault's secret, looked up in the namespace first, then without one; and which of the two it is. */
  async #stored(name: string, lookupNamespace: string | undefined): Promise<{ data: SecretData; from: string } | undefined> {
    const inNamespace = await this.readSecret({ name, namespace: lookupNamespace });
    if (inNamespace) return { data: inNamespace, from: secretId({ name, namespace: lookupNamespace }) };
    const plain = lookupNamespace ? await this.readSecret({ name }) : undefined;
    return plain ? { data: plain, from: secretId({ name }) } : undefined;
  }
}

/** The same key in the cluster as in the vault, for each of `keys`. */
const sameKeys = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, k]));

const BACKEND_CREDENTIALS_ONLY_BASIC = 'a WSO2 APK Backend carries only Basic credentials (spec.security.basic)';
const SECURITY_NAMES = { 'oauth2-client-credentials': 'OAuth2 client credentials', 'client-certificate': 'a client certificate' } as const;

/**
 * What of a pushed consumer an ApisixConsumer cannot hold, for its item's reason: the CRD's spec is only
 * `authParameter` (APISIX would send X-Consumer-Custom-ID from a consumer label, which the CRD does not set).
 */
function consumerFieldsNotCarried(consumer: Workspace['consumers'][number]): string | undefined {
  const fields = [consumer.id !== undefined ? 'id (X-Consumer-ID)' : undefined, consumer.customId !== undefined ? 'customId (X-Consumer-Custom-ID)' : undefined].filter((f) => f !== undefined);
  if (fields.length === 0) return undefined;
  return `its ${fields.join(' and ')} ${fields.length > 1 ? 'are' : 'is'} not pushed: an ApisixConsumer carries only credentials (spec.authParameter)`;
}

/**
 * The ApisixRoute paths that match what a Gatehouse route matches: the path itself, and for a prefix route what lies
 * below it on a segment boundary (`/in/get` and `/in/get/*`: APISIX's `/in/get*` would match `/in/getx` too).
 */
function apisixPaths(path: string, exact: boolean): string[] {
  if (exact) return [path];
  if (path === '/') return ['/*'];
  return [path, path.endsWith('/') ? `${path}*` : `${path}/*`];
}

export async function clusterInputFromWorkspace(workspace: Workspace, readSecret: SecretLookup, options: ClusterInputOptions): Promise<WorkspaceClusterInput> {
  const collector = new SecretCollector(readSecret, options.withValues);
  const items = { service: [] as WorkspaceItemPlan[], route: [] as WorkspaceItemPlan[], consumer: [] as WorkspaceItemPlan[], application: [] as WorkspaceItemPlan[] };

  const kymaApplications: KymaApplicationSpec[] = [];
  for (const app of workspace.applications) {
    const secrets: ObjectRef[] = [];
    for (const service of app.services) {
      const entry = service.entries[0]!;
      // Kyma sends an OAuth secret's optional `headers` and `queryParameters` on the token request, as the gateway does.
      const oauth = entry.credentials?.type === 'OAuth' || entry.credentials?.type === 'OAuthWithCert';
      const optional = oauth ? sameKeys(KYMA_REQUEST_PARAMETER_KEYS) : {};
      if (entry.credentials) secrets.push(await collector.add(entry.credentials.secretName, app.namespace, app.namespace, sameKeys(KYMA_CREDENTIAL_KEYS[entry.credentials.type]), optional));
      if (entry.requestParametersSecretName) secrets.push(await collector.addRequestParameters(entry.requestParametersSecretName, app.namespace));
    }
    kymaApplications.push({
      name: app.name,
      skipVerify: app.skipVerify,
      description: app.description,
      secretNamespace: app.namespace,
      services: app.services.map((s) => ({ id: s.id, name: s.name, displayName: s.displayName, description: s.description, providerDisplayName: s.providerDisplayName, entries: s.entries.map(({ type: _type, ...entry }) => entry) })),
    });
    items.application.push({ kind: 'application', name: app.name, status: 'pushed', objects: [{ apiVersion: KYMA_API_VERSION, kind: 'Application', name: app.name }, ...secrets] });
  }

  // APK Backends for the workspace's own services: those calling their backend with Basic credentials, and
  // those whose upstream is a Service in the cluster.
  const apkBackends: ApkBackendSpec[] = [];
  const serviceObjects = new Map<string, { objects: ObjectRef[]; notes: string[] }>();
  for (const service of workspace.services) {
    const security = service.endpointSecurity;
    const target = 'url' in service.upstream ? new URL(service.upstream.url) : undefined;
    const info = 'serviceInfo' in service.upstream ? service.upstream.serviceInfo : undefined;
    const protocol = target ? (target.protocol === 'https:' ? 'https' : 'http') : info!.protocol;
    const backend: ApkBackendSpec = {
      name: service.name.toLowerCase(),
      host: target ? target.hostname : `${info!.name}.${info!.namespace}.svc.cluster.local`,
      port: target ? Number(target.port || (protocol === 'https' ? 443 : 80)) : (info!.port ?? 80),
      protocol,
      ...(target && target.pathname !== '/' ? { basePath: target.pathname } : {}),
    };
    const objects: ObjectRef[] = [];
    const notes: string[] = [];
    if (security && security.type !== 'basic') {
      // Pushing the Backend without them would call the backend unauthenticated: it is left out, and said so.
      notes.push(`no APK Backend: ${BACKEND_CREDENTIALS_ONLY_BASIC}, not ${SECURITY_NAMES[security.type]}`);
    } else if (security?.type === 'basic' || info) {
      if (security?.type === 'basic') {
        // In the Backend's own namespace: its secretRef names a Secret there (a vault secret of another namespace
        // is only where the values are read from).
        objects.push(await collector.add(security.secret, options.namespace, security.namespace, { [security.usernameKey]: security.usernameKey, [security.passwordKey]: security.passwordKey }, {}, true));
        backend.basicAuth = { secretName: security.secret, usernameKey: security.usernameKey, passwordKey: security.passwordKey };
      }
      apkBackends.push(backend);
      objects.unshift({ apiVersion: APK_API_VERSION, kind: 'Backend', name: backend.name, namespace: options.namespace });
      if (service.sandbox) notes.push('its sandbox endpoint is not pushed (an APK Backend has one upstream)');
      // The gateway sends it on every request; the Backend would not (its value is not repeated: it may hold a key).
      if (target?.search) notes.push("its upstream URL's query string is not pushed (an APK Backend has no field for one)");
    }
    serviceObjects.set(service.name, { objects, notes });
  }

  // APISIX: consumers with basic auth, and routes of services that run in the cluster.
  const apisixConsumers: ApisixConsumerSpec[] = [];
  for (const consumer of workspace.consumers) {
    if (!consumer.basicAuth) {
      items.consumer.push({ kind: 'consumer', name: consumer.username, status: 'not-applicable', objects: [], reason: 'no basic-auth credentials: nothing for an APISIX consumer to hold' });
      continue;
    }
    const secretName = `gatehouse-consumer-${consumer.username.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
    const login = consumer.basicAuth.username ?? consumer.username;
    const stored = options.withValues ? await readSecret({ name: consumer.basicAuth.password.secret, namespace: consumer.basicAuth.password.namespace }) : undefined;
    const password = options.withValues ? stored?.[consumer.basicAuth.password.key] : '';
    if (password === undefined) collector.missing.push(`secret "${consumer.basicAuth.password.secret}" key "${consumer.basicAuth.password.key}"`);
    collector.secrets.set(secretId({ name: secretName, namespace: options.namespace }), { name: secretName, namespace: options.namespace, placedByPush: true, data: { username: login, password: password ?? '' } });
    const name = secretName.replace(/^gatehouse-consumer-/, '');
    apisixConsumers.push({ name, secretName });
    const reason = consumerFieldsNotCarried(consumer);
    items.consumer.push({ kind: 'consumer', name: consumer.username, status: 'pushed', objects: [{ apiVersion: APISIX_API_VERSION, kind: 'ApisixConsumer', name, namespace: options.namespace }, secretRef(secretName, options.namespace)], ...(reason ? { reason } : {}) });
  }
  const apisixRoutes: ApisixRouteSpec[] = [];
  const inCluster = new Set<string>();
  for (const service of servedServices(workspace)) {
    if (!('serviceInfo' in service.upstream)) continue;
    const info = service.upstream.serviceInfo;
    const routes = workspace.routes.filter((r) => r.service === service.name);
    const name = service.name.toLowerCase();
    apisixRoutes.push({
      name,
      // Beside its Service: an ApisixRoute's backends are Services of its own namespace.
      namespace: info.namespace,
      routes: (routes.length > 0 ? routes : [undefined]).map((route) => ({
        name: (route?.name ?? service.name).toLowerCase(),
        paths: apisixPaths(route ? joinPaths(service.pathPrefix, route.path) : service.pathPrefix, route?.match === 'exact'),
        ...(route?.methods ? { methods: route.methods } : {}),
        ...(route?.hosts ?? service.hosts ? { hosts: route?.hosts ?? service.hosts } : {}),
        backend: { serviceName: info.name, servicePort: info.port ?? 80 },
        basicAuth: effectiveBasicAuth(route, service) !== undefined,
        ...(strippedPathPrefix(service) ? { stripPrefix: strippedPathPrefix(service) } : {}),
      })),
    });
    inCluster.add(service.name);
    serviceObjects.get(service.name)?.objects.push({ apiVersion: APISIX_API_VERSION, kind: 'ApisixRoute', name, namespace: info.namespace });
  }

  for (const service of workspace.services) {
    const { objects, notes } = serviceObjects.get(service.name)!;
    const reason = notes.join('; ') || undefined;
    if (objects.length > 0) items.service.push({ kind: 'service', name: service.name, status: 'pushed', objects, ...(reason ? { reason } : {}) });
    else if (service.endpointSecurity && service.endpointSecurity.type !== 'basic') items.service.push({ kind: 'service', name: service.name, status: 'skipped', objects: [], reason: `${BACKEND_CREDENTIALS_ONLY_BASIC}, not ${SECURITY_NAMES[service.endpointSecurity.type]}, and its upstream is not a Service in the cluster (an APISIX route needs one)` });
    else items.service.push({ kind: 'service', name: service.name, status: 'not-applicable', objects: [], reason: 'no backend credentials and its upstream is outside the cluster: nothing for the cluster to hold' });
  }
  for (const route of workspace.routes) {
    const pushedWith = inCluster.has(route.service) ? serviceObjects.get(route.service)?.objects.find((o) => o.kind === 'ApisixRoute') : undefined;
    if (pushedWith) items.route.push({ kind: 'route', name: route.name, status: 'pushed', objects: [pushedWith] });
    else items.route.push({ kind: 'route', name: route.name, status: 'not-applicable', objects: [], reason: `an APISIX route goes to a Service in the cluster; service "${route.service}" calls a URL` });
  }

  if (collector.collisions.length > 0) throw new InvalidClusterSpecError(collector.collisions);
  if (options.withValues && collector.missing.length > 0) throw new MissingClusterSecretError(collector.missing, options.secretSources?.());
  return {
    input: {
      workspace: options.workspaceName,
      namespace: options.namespace,
      secrets: [...collector.secrets.values()],
      kymaApplications,
      apkBackends,
      apisixConsumers,
      apisixRoutes,
    },
    workspaceItems: [...items.service, ...items.route, ...items.consumer, ...items.application],
  };
}
