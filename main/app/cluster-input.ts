// The workspace as cluster objects: what `cluster:plan`, `cluster:push` and `export` hand to the cluster
// service. Secret values come from the vault and stay in memory; an export without values needs key names only.
import type { Workspace } from '../../gateway/config/schema';
import { servedServices } from '../../gateway/config/kyma-services';
import type { SecretVault } from '../services/vault';
import { findSecret } from './find-secret';
import { secretId } from '../../gateway/config/secret-names';
import { effectiveBasicAuth } from '../../gateway/config/effective-basic-auth';
import { KYMA_CREDENTIAL_KEYS, KYMA_REQUEST_PARAMETER_KEYS } from '../../gateway/config/kyma-secret-keys';
import type { ApisixConsumerSpec, ApisixRouteSpec, ApkBackendSpec, ClusterPushInput, KymaApplicationSpec, SecretSpec } from '../services/cluster';
import { GatehouseError } from '../../gateway/errors/gatehouse-error';

export interface ClusterInputOptions {
  /** Labels every object as this workspace's (`gatehouse.dev/workspace`), for prune. */
  workspaceName: string;
  namespace: string;
  /** Read values from the vault; without, every value is '' (an export without secret values). */
  withValues: boolean;
}

export class MissingClusterSecretError extends GatehouseError {
  readonly code = 'GATEHOUSE_MISSING_SECRET';
  constructor(readonly missing: string[]) {
    super(`the vault has no value for ${missing.join(', ')}: add them before pushing`);
    this.name = 'MissingClusterSecretError';
  }
}

/** Collects Secrets with exactly the keys their readers (Kyma, APK, APISIX) expect. */
class SecretCollector {
  readonly secrets = new Map<string, SecretSpec>();
  readonly missing: string[] = [];
  constructor(private readonly vault: SecretVault, private readonly withValues: boolean) {}

  /** `keys` maps the cluster key to the vault key it is read from. */
  async add(name: string, namespace: string, lookupNamespace: string | undefined, keys: Record<string, string>): Promise<void> {
    const id = secretId({ name, namespace });
    if (this.secrets.has(id)) return;
    const data: Record<string, string> = {};
    const stored = this.withValues ? ((await findSecret(this.vault, { name, namespace: lookupNamespace })) ?? (lookupNamespace ? await findSecret(this.vault, { name }) : undefined)) : undefined;
    for (const [clusterKey, vaultKey] of Object.entries(keys)) {
      const value = this.withValues ? stored?.data[vaultKey] : '';
      if (value === undefined) this.missing.push(`secret "${name}" key "${vaultKey}"`);
      data[clusterKey] = value ?? '';
    }
    this.secrets.set(id, { name, namespace, data });
  }
}

/** The same key in the cluster as in the vault, for each of `keys`. */
const sameKeys = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, k]));

export async function clusterInputFromWorkspace(workspace: Workspace, vault: SecretVault, options: ClusterInputOptions): Promise<ClusterPushInput> {
  const collector = new SecretCollector(vault, options.withValues);
  const kymaApplications: KymaApplicationSpec[] = [];
  for (const app of workspace.applications) {
    for (const service of app.services) {
      const entry = service.entries[0]!;
      if (entry.credentials) await collector.add(entry.credentials.secretName, app.namespace, app.namespace, sameKeys(KYMA_CREDENTIAL_KEYS[entry.credentials.type]));
      if (entry.requestParametersSecretName) await collector.add(entry.requestParametersSecretName, app.namespace, app.namespace, sameKeys(KYMA_REQUEST_PARAMETER_KEYS));
    }
    kymaApplications.push({
      name: app.name,
      skipVerify: app.skipVerify,
      description: app.description,
      services: app.services.map((s) => ({ id: s.id, name: s.name, displayName: s.displayName, description: s.description, providerDisplayName: s.providerDisplayName, entries: s.entries.map(({ type: _type, ...entry }) => entry) })),
    });
  }

  // APK Backends for the workspace's own services that call their backend with Basic credentials.
  const apkBackends: ApkBackendSpec[] = [];
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
    if (security?.type === 'basic') {
      await collector.add(security.secret, security.namespace ?? options.namespace, security.namespace, { [security.usernameKey]: security.usernameKey, [security.passwordKey]: security.passwordKey });
      backend.basicAuth = { secretName: security.secret, usernameKey: security.usernameKey, passwordKey: security.passwordKey };
    }
    if (security?.type === 'basic' || info) apkBackends.push(backend);
  }

  // APISIX: consumers with basic auth, and routes of services that run in the cluster.
  const apisixConsumers: ApisixConsumerSpec[] = [];
  for (const consumer of workspace.consumers) {
    if (!consumer.basicAuth) continue;
    const secretName = `gatehouse-consumer-${consumer.username.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
    const login = consumer.basicAuth.username ?? consumer.username;
    const stored = options.withValues ? await findSecret(vault, { name: consumer.basicAuth.password.secret, namespace: consumer.basicAuth.password.namespace }) : undefined;
    const password = options.withValues ? stored?.data[consumer.basicAuth.password.key] : '';
    if (password === undefined) collector.missing.push(`secret "${consumer.basicAuth.password.secret}" key "${consumer.basicAuth.password.key}"`);
    collector.secrets.set(secretId({ name: secretName, namespace: options.namespace }), { name: secretName, namespace: options.namespace, data: { username: login, password: password ?? '' } });
    apisixConsumers.push({ name: secretName.replace(/^gatehouse-consumer-/, ''), secretName });
  }
  const apisixRoutes: ApisixRouteSpec[] = [];
  for (const service of servedServices(workspace)) {
    if (!('serviceInfo' in service.upstream)) continue;
    const info = service.upstream.serviceInfo;
    const routes = workspace.routes.filter((r) => r.service === service.name);
    apisixRoutes.push({
      name: service.name.toLowerCase(),
      routes: (routes.length > 0 ? routes : [undefined]).map((route) => ({
        name: (route?.name ?? service.name).toLowerCase(),
        paths: [`${service.pathPrefix.replace(/\/$/, '')}${route ? route.path : ''}${route?.match === 'exact' ? '' : '*'}`.replace(/^\/?/, '/')],
        ...(route?.methods ? { methods: route.methods } : {}),
        ...(route?.hosts ?? service.hosts ? { hosts: route?.hosts ?? service.hosts } : {}),
        backend: { serviceName: info.name, servicePort: info.port ?? 80 },
        basicAuth: effectiveBasicAuth(route, service) !== undefined,
      })),
    });
  }

  if (options.withValues && collector.missing.length > 0) throw new MissingClusterSecretError(collector.missing);
  return {
    workspace: options.workspaceName,
    namespace: options.namespace,
    secrets: [...collector.secrets.values()],
    kymaApplications,
    apkBackends,
    apisixConsumers,
    apisixRoutes,
  };
}
