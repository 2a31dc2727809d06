import type { Dispatcher } from 'undici';
import type { BasicAuthPlugin, Service, Workspace } from '../config/schema';
import { CredentialStore } from '../auth/credential-store';
import { Router, type RouteTarget } from '../routing/router';
import type { SecretResolver } from '../secrets/secret-source';
import type { UpstreamPools } from '../proxy/upstream-pools';
import { compileOutboundSecurity, type OutboundSecurity } from '../security/outbound-security';
import { OAuthTokenCache } from '../security/oauth-token-cache';
import { CsrfTokenStore } from '../security/csrf-token-store';
import type { UpstreamTlsProfile } from '../security/upstream-tls';
import type { EndpointOptions } from '../config/endpoint-security-schema';
import { servedServices } from '../config/kyma-services';

export interface UpstreamPlan {
  kind: 'http';
  dispatcher: Dispatcher;
  /** `Host` sent upstream. */
  host: string;
  /** Path of the upstream URL, prepended to the forwarded path ('' for the root). */
  basePath: string;
  /** Query of the upstream URL ('' or '?...'): it leads, the caller's query follows. */
  query: string;
  label: string;
  responseTimeoutMs: number;
  /** Outbound credentials, CSRF and request parameters for the backend, held only in memory. */
  security: OutboundSecurity;
}

export interface UnavailableUpstream {
  kind: 'unavailable';
  status: 502;
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
  /** By service name: the workspace's services and its Kyma applications' (`app/service`). */
  upstreams: Map<string, ServicePlans>;
  dispatchers: Set<Dispatcher>;
}

/** The route's basic-auth config overrides the service's. */
export function effectiveBasicAuth(target: RouteTarget): BasicAuthPlugin | undefined {
  const plugin = target.route?.plugins['basic-auth'] ?? target.service.plugins['basic-auth'];
  return plugin?.enabled ? plugin : undefined;
}

/** Caches that outlive a config generation, so tokens survive a reload. */
export interface OutboundCaches {
  tokens: OAuthTokenCache;
  csrfTokens: CsrfTokenStore;
}

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
): Promise<EndpointPlan> {
  const upstream = endpoint.upstream;
  if ('serviceInfo' in upstream) {
    const { name, namespace } = upstream.serviceInfo;
    return { kind: 'unavailable', status: 502, message: `Upstream service ${namespace}/${name} needs a connected Kubernetes cluster` };
  }
  const url = new URL(upstream.url);
  const timeouts = service.timeouts ?? workspace.gateway.timeouts;
  // Token and CSRF endpoints get pools too, retired with the generation like the upstream's.
  const dispatcherFor = (origin: string, tls: UpstreamTlsProfile | undefined) => {
    const pool = pools.get(origin, { connectTimeoutMs: timeouts.connectMs, tls });
    dispatchers.add(pool);
    return pool;
  };
  const security = await compileOutboundSecurity(endpoint, { secrets, ...caches, dispatcherFor }, usedBy);
  const dispatcher = pools.get(url.origin, { connectTimeoutMs: timeouts.connectMs, tls: security.tls });
  dispatchers.add(dispatcher);
  return {
    kind: 'http',
    dispatcher,
    host: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
    query: url.search,
    label: `${url.origin}${url.pathname}`,
    responseTimeoutMs: timeouts.responseMs,
    security,
  };
}

/** Turns a validated workspace into what the request path needs; throws before anything is swapped in. */
export async function compileConfig(
  workspace: Workspace,
  secrets: SecretResolver,
  pools: UpstreamPools,
  // Compiling fetches no token, so a dry run (checking a workspace) can use throwaway caches.
  caches: OutboundCaches = { tokens: new OAuthTokenCache(), csrfTokens: new CsrfTokenStore() },
): Promise<CompiledConfig> {
  const credentials = new CredentialStore<string>();
  for (const consumer of workspace.consumers) {
    if (!consumer.basicAuth) continue;
    const { password } = consumer.basicAuth;
    const value = await secrets.readKey({ name: password.secret, namespace: password.namespace }, password.key, `consumer "${consumer.username}"`);
    credentials.add(consumer.basicAuth.username ?? consumer.username, value, consumer.username);
  }
  const upstreams = new Map<string, ServicePlans>();
  const dispatchers = new Set<Dispatcher>();
  const services = servedServices(workspace);
  for (const service of services) {
    const usedBy = `service "${service.name}"`;
    const production = await compileEndpoint(service, service, usedBy, workspace, secrets, pools, caches, dispatchers);
    const sandbox = service.sandbox ? await compileEndpoint(service, service.sandbox, `${usedBy} (sandbox)`, workspace, secrets, pools, caches, dispatchers) : undefined;
    upstreams.set(service.name, { production, sandbox });
  }
  return { workspace, router: new Router(services, workspace.routes), credentials, upstreams, dispatchers };
}
