import type { HttpMethod, Route, Service } from '../config/schema';
import { hostMatches, routeTargets, type RouteTarget } from '../config/route-targets';

export type { RouteTarget } from '../config/route-targets';

export type RouteMatch =
  | { kind: 'matched'; target: RouteTarget }
  | { kind: 'no-route' }
  | { kind: 'method-not-allowed'; allow: string[] };

function pathMatches(target: RouteTarget, path: string): boolean {
  if (target.exact) return path === target.path;
  if (target.path === '/' || path === target.path) return true;
  const base = target.path.endsWith('/') ? target.path : `${target.path}/`;
  return path.startsWith(base);
}

export class Router {
  readonly #targets: RouteTarget[];

  constructor(services: readonly Service[], routes: readonly Route[]) {
    this.#targets = routeTargets(services, routes);
  }

  match(method: string, path: string, host: string): RouteMatch {
    let allow: Set<string> | undefined;
    for (const target of this.#targets) {
      if (!pathMatches(target, path) || !hostMatches(target.hosts, host)) continue;
      if (!target.methods || target.methods.includes(method as HttpMethod)) return { kind: 'matched', target };
      allow ??= new Set();
      for (const m of target.methods) allow.add(m);
    }
    return allow ? { kind: 'method-not-allowed', allow: [...allow] } : { kind: 'no-route' };
  }
}

/**
 * A host name as routes match it: lower case, and without the trailing dot of a fully qualified name
 * (`api.example.com.` is `api.example.com`, as nginx reads it and APISIX routes on it): with the dot kept, a request
 * for a protected host-specific service would fall through to a host-less one. undefined for a name with an empty
 * label (`a..b`, `.a`, `a..`), which nginx refuses too, so no second spelling of a host is left to route apart.
 */
export function routingHostname(name: string): string | undefined {
  const host = (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..')) return undefined;
  return host;
}

/** The routing host name (above) of a Host header value, its port left out; '' without one, undefined if malformed. */
export function requestHostname(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return '';
  return routingHostname(hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!);
}
