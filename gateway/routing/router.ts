import type { HttpMethod, Route, Service } from '../config/schema';
import { joinPaths } from '../config/route-paths';

export interface RouteTarget {
  /** The route's name, or the service's for a service reached without routes. */
  name: string;
  service: Service;
  route?: Route;
  /** Full request path the route answers to (service prefix + route path). */
  path: string;
  exact: boolean;
  methods?: readonly HttpMethod[];
  hosts?: readonly string[];
}

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

/**
 * A route's methods as it answers them: one that allows GET allows HEAD too (RFC 9110 §9.1: a general-purpose server
 * "MUST support the methods GET and HEAD"; HEAD is GET without the content, so it reveals nothing GET does not), as
 * nginx's `limit_except GET` does. So a GET-only route answers HEAD, and its 405's Allow lists HEAD.
 */
function withHeadForGet(methods: readonly HttpMethod[] | undefined): readonly HttpMethod[] | undefined {
  return methods && methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : methods;
}

function hostMatches(hosts: readonly string[] | undefined, host: string): boolean {
  if (!hosts) return true;
  return hosts.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern));
}

/** Precedence: host-specific before host-less, exact before prefix, then longer paths first. */
function compareTargets(a: RouteTarget, b: RouteTarget): number {
  return Number(!a.hosts) - Number(!b.hosts) || Number(b.exact) - Number(a.exact) || b.path.length - a.path.length;
}

export class Router {
  readonly #targets: RouteTarget[];

  constructor(services: readonly Service[], routes: readonly Route[]) {
    const targets: RouteTarget[] = [];
    for (const service of services) {
      const serviceRoutes = routes.filter((r) => r.service === service.name);
      // A service without routes is reachable as a whole under its prefix.
      if (serviceRoutes.length === 0) {
        targets.push({ name: service.name, service, path: service.pathPrefix, exact: false, hosts: service.hosts });
      }
      for (const route of serviceRoutes) {
        targets.push({
          name: route.name,
          service,
          route,
          path: joinPaths(service.pathPrefix, route.path),
          exact: route.match === 'exact',
          methods: withHeadForGet(route.methods),
          hosts: route.hosts ?? service.hosts,
        });
      }
    }
    this.#targets = targets.sort(compareTargets);
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
