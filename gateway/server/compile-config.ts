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

export interface UpstreamPlan {
  kind: 'http';
  dispatcher: Dispatcher;
  /** `Host` sent upstream. */
  host: string;
  /** Path of the upstream URL, prepended to the forwarded path ('' for the root). */
  basePath: string;
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

export interface CompiledConfig {
  workspace: Workspace;
  router: Router;
  credentials: CredentialStore<string>;
  upstreams: Map<string, UpstreamPlan | UnavailableUpstream>;
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

async function compileUpstream(service: Service, workspace: Workspace, secrets: SecretResolver, pools: UpstreamPools, caches: OutboundCaches, dispatchers: Set<Dispatcher>): Promise<UpstreamPlan | UnavailableUpstream> {
  const upstream = service.upstream;
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
  const security = await compileOutboundSecurity(service, { secrets, ...caches, dispatcherFor }, `service "${service.name}"`);
  return {
    kind: 'http',
    dispatcher: pools.get(url.origin, { connectTimeoutMs: timeouts.connectMs, tls: security.tls }),
    host: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
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
  const upstreams = new Map<string, UpstreamPlan | UnavailableUpstream>();
  const dispatchers = new Set<Dispatcher>();
  for (const service of workspace.services) {
    const plan = await compileUpstream(service, workspace, secrets, pools, caches, dispatchers);
    upstreams.set(service.name, plan);
    if (plan.kind === 'http') dispatchers.add(plan.dispatcher);
  }
  return { workspace, router: new Router(workspace.services, workspace.routes), credentials, upstreams, dispatchers };
}
