import type { Dispatcher } from 'undici';
import type { BasicAuthPlugin, Service, Timeouts, Workspace } from '../config/schema';
import { CredentialStore } from '../auth/credential-store';
import { Router, type RouteTarget } from '../routing/router';
import type { SecretResolver } from '../secrets/secret-source';
import type { UpstreamPools } from '../proxy/upstream-pools';
import { compileOutboundSecurity, type OutboundSecurityDeps } from '../security/outbound-security';
import type { SecuredEndpoint } from '../security/credential-retry';
import type { ConnectionQueue } from '../proxy/connection-queue';
import { OAuthTokenCache } from '../security/oauth-token-cache';
import { CsrfTokenStore } from '../security/csrf-token-store';
import type { EndpointOptions } from '../config/endpoint-security-schema';
import { servedServices } from '../config/kyma-services';
import { effectiveBasicAuth as effectiveRouteBasicAuth } from '../config/effective-basic-auth';
import { ClusterAccessError, serviceProxyPath } from '../cluster/cluster-access';
import type { ConnectedCluster } from '../cluster/connected-cluster';
import { upstreamTlsProfile } from '../security/upstream-tls';
import { redirectMapping } from '../proxy/redirect-location';
import { urlBasePath } from '../config/http-url';
import { MissingSecretError } from '../secrets/secret-source';
import { CredentialValueError } from '../security/credential-value-error';
import type { LeftOutItem } from '../config/left-out-item';
import { consumerIdentities, type ConsumerIdentities } from './consumer-identity';

export interface UpstreamPlan extends SecuredEndpoint {
  kind: 'http';
  /** `Host` sent upstream. */
  host: string;
  /** Path of the upstream URL, prepended to the forwarded path ('' for the root). */
  basePath: string;
  /**
   * What a request for the service's prefix itself is sent to: the upstream URL's path as written ('/' for the
   * root), as Kyma's gateway (joinPaths with an empty rest) and Kong send it, not `basePath` + '/'.
   */
  rootPath: string;
  /** Query of the upstream URL ('' or '?...'): it leads, the caller's query follows. */
  query: string;
}

export interface UnavailableUpstream {
  kind: 'unavailable';
  /** 502: the backend cannot be reached this way; 503: the service is left out of the served configuration. */
  status: 502 | 503;
  message: string;
}

export type EndpointPlan = UpstreamPlan | UnavailableUpstream;

export interface ServicePlans {
  production: EndpointPlan;
  sandbox?: EndpointPlan;
}

export interface CompiledConfig {
  workspace: Workspace;
  router: Router;
  credentials: CredentialStore<string>;
  /** X-Consumer-ID / X-Consumer-Custom-ID of the consumers that have them, by username. */
  identities: ConsumerIdentities;
  /** By service name: the workspace's services and its Kyma applications' (`app/service`). */
  upstreams: Map<string, ServicePlans>;
  dispatchers: Set<Dispatcher>;
  /** Items not served (only with `leaveOutBrokenItems`; otherwise the first problem throws). */
  leftOut: LeftOutItem[];
}

/** The basic-auth plugin a matched route applies (gateway/config/effective-basic-auth.ts). */
export function effectiveBasicAuth(target: RouteTarget): BasicAuthPlugin | undefined {
  return effectiveRouteBasicAuth(target.route, target.service);
}

/** Caches that outlive a config generation, so tokens survive a reload. */
export interface OutboundCaches {
  tokens: OAuthTokenCache;
  csrfTokens: CsrfTokenStore;
}

type DispatcherFor = OutboundSecurityDeps['dispatcherFor'];

/** One endpoint of a service: its production fields, or its sandbox. */
type Endpoint = Pick<Service, 'upstream'> & EndpointOptions;

async function compileEndpoint(
  service: Service,
  endpoint: Endpoint,
  usedBy: string,
  workspace: Workspace,
  secrets: SecretResolver,
  pools: UpstreamPools,
  caches: OutboundCaches,
  dispatchers: Set<Dispatcher>,
  cluster: ConnectedCluster | undefined,
  /** A Kyma Application's entry: its OAuth token requests are made as Kyma makes them (token-client-auth.ts). */
  kymaApplication: boolean,
): Promise<EndpointPlan> {
  const upstream = endpoint.upstream;
  const timeouts = service.timeouts ?? workspace.gateway.timeouts;
  const connections = workspace.gateway.maxUpstreamConnections;
  const queue: ConnectionQueue = { timeoutMs: timeouts.queueMs ?? timeouts.connectMs, connections };
  // The endpoint's pool, and its token and CSRF endpoints' pools, all retired with the generation.
  const dispatcherFor: DispatcherFor = (origin, tls) => {
    const pool = pools.get(origin, { connectTimeoutMs: timeouts.connectMs, connections, tls });
    dispatchers.add(pool);
    return pool;
  };
  if ('serviceInfo' in upstream) {
    const { name, namespace } = upstream.serviceInfo;
    if (!cluster) return { kind: 'unavailable', status: 502, message: `Upstream service ${namespace}/${name} needs a connected Kubernetes cluster` };
    return compileServiceProxy(upstream.serviceInfo, endpoint, usedBy, cluster, timeouts, queue, secrets, caches, dispatcherFor);
  }
  const url = new URL(upstream.url);
  const security = await compileOutboundSecurity(endpoint, { secrets, ...caches, dispatcherFor }, usedBy, kymaApplication);
  const dispatcher = dispatcherFor(url.origin, security.tls);
  return {
    kind: 'http',
    dispatcher,
    origin: url.origin,
    host: url.host,
    basePath: urlBasePath(url),
    rootPath: url.pathname,
    query: url.search,
    label: `${url.origin}${url.pathname}`,
    responseTimeoutMs: timeouts.responseMs,
    clientReadTimeoutMs: timeouts.clientReadMs,
    queue,
    security,
    redirects: redirectMapping(url, service),
  };
}

/**
 * A Kubernetes Service as the backend, reached through the API server's service proxy with the kubeconfig
 * user's credentials. The backend's own credentials would need the same Authorization header as a token
 * user's, so that combination is refused rather than one of them silently dropped.
 */
async function compileServiceProxy(
  info: { name: string; namespace: string; port?: number; protocol: 'http' | 'https' },
  endpoint: Endpoint,
  usedBy: string,
  cluster: ConnectedCluster,
  timeouts: Timeouts,
  queue: ConnectionQueue,
  secrets: SecretResolver,
  caches: OutboundCaches,
  dispatcherFor: DispatcherFor,
): Promise<UpstreamPlan> {
  const access = cluster.access;
  const server = new URL(access.server);
  const usesAuthorization = endpoint.endpointSecurity?.type === 'basic' || endpoint.endpointSecurity?.type === 'oauth2-client-credentials';
  if (usesAuthorization && cluster.sendsAuthorization) {
    throw new ClusterAccessError(`${usedBy}: its backend credentials and the cluster user's token would both need the Authorization header; use a client-certificate kubeconfig user for serviceInfo backends with endpoint security`);
  }
  const tls = upstreamTlsProfile({
    skipVerify: access.skipTLSVerify,
    ca: access.ca ? [access.ca] : undefined,
    clientCertificate: access.cert && access.key ? { certificate: access.cert, privateKey: access.key } : undefined,
  });
  const security = await compileOutboundSecurity({ ...endpoint, tls: undefined }, { secrets, ...caches, dispatcherFor }, usedBy);
  const dispatcher = dispatcherFor(server.origin, tls);
  const base = urlBasePath(server) + serviceProxyPath(info);
  return {
    kind: 'http',
    dispatcher,
    origin: server.origin,
    host: server.host,
    basePath: base,
    // The API server's service proxy answers its bare path with a redirect to the same path with a slash.
    rootPath: `${base}/`,
    query: '',
    label: `service ${info.namespace}/${info.name} via ${server.origin}`,
    responseTimeoutMs: timeouts.responseMs,
    clientReadTimeoutMs: timeouts.clientReadMs,
    queue,
    security,
    ...(cluster.sendsAuthorization ? { cluster } : {}),
  };
}

/** A service as served, with where it sits in the workspace. */
interface PlacedService {
  service: Service;
  kind: 'service' | 'application-service';
  path: string;
}

function placedServices(workspace: Workspace): PlacedService[] {
  const kyma = servedServices({ services: [], applications: workspace.applications });
  const placed: PlacedService[] = workspace.services.map((service, i) => ({ service, kind: 'service', path: `services[${i}]` }));
  let k = 0;
  workspace.applications.forEach((app, a) => {
    app.services.forEach((_, s) => placed.push({ service: kyma[k++]!, kind: 'application-service', path: `applications[${a}].services[${s}]` }));
  });
  return placed;
}

/**
 * The secret an error is about, when one is missing or holds credentials that cannot be sent (its namespace from
 * the item's own references).
 */
function secretOf(error: unknown, namespaces: (string | undefined)[]): LeftOutItem['secret'] {
  if (!(error instanceof MissingSecretError || error instanceof CredentialValueError)) return undefined;
  const namespace = namespaces.find((n) => n !== undefined);
  const invalid = error instanceof CredentialValueError ? { invalid: error.detail } : {};
  return { name: error.secret, ...(namespace ? { namespace } : {}), ...(error.key ? { key: error.key } : {}), ...invalid };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface CompileOptions {
  /**
   * Serve every item that compiles and list the others in `leftOut` (the app's gateway), instead of throwing on the
   * first problem (a dry run, and the headless gateway, which refuses a broken file outright).
   */
  leaveOutBrokenItems?: boolean;
}

/** Turns a validated workspace into what the request path needs; throws before anything is swapped in. */
export async function compileConfig(
  workspace: Workspace,
  secrets: SecretResolver,
  pools: UpstreamPools,
  // Compiling fetches no token, so a dry run (checking a workspace) can use throwaway caches.
  caches: OutboundCaches = { tokens: new OAuthTokenCache(), csrfTokens: new CsrfTokenStore() },
  cluster?: ConnectedCluster,
  options: CompileOptions = {},
): Promise<CompiledConfig> {
  const leftOut: LeftOutItem[] = [];
  const leaveOut = (item: LeftOutItem, error: unknown) => {
    if (!options.leaveOutBrokenItems) throw error;
    leftOut.push(item);
  };
  const credentials = new CredentialStore<string>();
  for (const [i, consumer] of workspace.consumers.entries()) {
    if (!consumer.basicAuth) continue;
    const { password } = consumer.basicAuth;
    try {
      const value = await secrets.readKey({ name: password.secret, namespace: password.namespace }, password.key, `consumer "${consumer.username}"`);
      credentials.add(consumer.basicAuth.username ?? consumer.username, value, consumer.username, `consumer "${consumer.username}"`);
    } catch (error) {
      // Left out of the credentials: its requests get 401 like any unknown caller's.
      leaveOut({ kind: 'consumer', path: `consumers[${i}]`, name: consumer.username, message: messageOf(error), secret: secretOf(error, [password.namespace]) }, error);
    }
  }
  const upstreams = new Map<string, ServicePlans>();
  const dispatchers = new Set<Dispatcher>();
  const leftOutServices = new Set<string>();
  for (const { service, kind, path } of placedServices(workspace)) {
    const usedBy = `service "${service.name}"`;
    const serviceDispatchers = new Set<Dispatcher>();
    try {
      const kymaApplication = kind === 'application-service';
      const production = await compileEndpoint(service, service, usedBy, workspace, secrets, pools, caches, serviceDispatchers, cluster, kymaApplication);
      const sandbox = service.sandbox ? await compileEndpoint(service, service.sandbox, `${usedBy} (sandbox)`, workspace, secrets, pools, caches, serviceDispatchers, cluster, kymaApplication) : undefined;
      upstreams.set(service.name, { production, sandbox });
      for (const d of serviceDispatchers) dispatchers.add(d);
    } catch (error) {
      const namespaces = [service.endpointSecurity?.namespace, service.requestParametersSecret?.namespace, service.sandbox?.endpointSecurity?.namespace];
      leaveOut({ kind, path, name: service.name, message: messageOf(error), secret: secretOf(error, namespaces) }, error);
      leftOutServices.add(service.name);
      // Its routes still match, so a caller learns why instead of getting "no route".
      const unavailable: UnavailableUpstream = { kind: 'unavailable', status: 503, message: `Service ${service.name} is not served: ${messageOf(error)}` };
      upstreams.set(service.name, { production: unavailable, sandbox: service.sandbox ? unavailable : undefined });
    }
  }
  workspace.routes.forEach((route, i) => {
    if (leftOutServices.has(route.service)) leftOut.push({ kind: 'route', path: `routes[${i}]`, name: route.name, message: `its service "${route.service}" is not served` });
  });
  return { workspace, router: new Router(servedServices(workspace), workspace.routes), credentials, identities: consumerIdentities(workspace.consumers), upstreams, dispatchers, leftOut };
}
