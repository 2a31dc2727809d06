import type { Dispatcher } from 'undici';
import type { BasicAuthPlugin, Service, Workspace } from '../config/schema';
import { CredentialStore } from '../auth/credential-store';
import { Router, type RouteTarget } from '../routing/router';
import type { SecretResolver } from '../secrets/secret-source';
import type { UpstreamPools } from '../proxy/upstream-pools';
import { outboundAuthorization } from '../security/basic-endpoint';

export interface UpstreamPlan {
  kind: 'http';
  dispatcher: Dispatcher;
  /** `Host` sent upstream. */
  host: string;
  /** Path of the upstream URL, prepended to the forwarded path ('' for the root). */
  basePath: string;
  label: string;
  responseTimeoutMs: number;
  /** Precomputed `Authorization` for the backend, held only in memory. */
  authorization?: string;
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

async function compileUpstream(service: Service, workspace: Workspace, secrets: SecretResolver, pools: UpstreamPools): Promise<UpstreamPlan | UnavailableUpstream> {
  const upstream = service.upstream;
  if ('serviceInfo' in upstream) {
    const { name, namespace } = upstream.serviceInfo;
    return { kind: 'unavailable', status: 502, message: `Upstream service ${namespace}/${name} needs a connected Kubernetes cluster` };
  }
  const url = new URL(upstream.url);
  const timeouts = service.timeouts ?? workspace.gateway.timeouts;
  return {
    kind: 'http',
    dispatcher: pools.get(url.origin, { connectTimeoutMs: timeouts.connectMs }),
    host: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
    label: `${url.origin}${url.pathname}`,
    responseTimeoutMs: timeouts.responseMs,
    authorization: service.endpointSecurity ? await outboundAuthorization(service.endpointSecurity, secrets, `service "${service.name}"`) : undefined,
  };
}

/** Turns a validated workspace into what the request path needs; throws before anything is swapped in. */
export async function compileConfig(workspace: Workspace, secrets: SecretResolver, pools: UpstreamPools): Promise<CompiledConfig> {
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
    const plan = await compileUpstream(service, workspace, secrets, pools);
    upstreams.set(service.name, plan);
    if (plan.kind === 'http') dispatchers.add(plan.dispatcher);
  }
  return { workspace, router: new Router(workspace.services, workspace.routes), credentials, upstreams, dispatchers };
}
