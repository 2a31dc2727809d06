// What the gateway routes to, and in which order: the router (gateway/routing/router.ts) matches requests against
// these targets, and the schema refuses a service or route that no request could reach because an earlier target
// takes all of its requests (`shadowedTargets`). Both read the one precedence rule here, so what the schema calls
// unreachable is exactly what the router would never pick.
import type { HttpMethod, Route, Service } from './schema';
import { joinPaths } from './route-paths';

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

/**
 * A route's methods as it answers them: one that allows GET allows HEAD too (RFC 9110 §9.1: a general-purpose server
 * "MUST support the methods GET and HEAD"; HEAD is GET without the content, so it reveals nothing GET does not), as
 * nginx's `limit_except GET` does. So a GET-only route answers HEAD, and its 405's Allow lists HEAD.
 */
function withHeadForGet(methods: readonly HttpMethod[] | undefined): readonly HttpMethod[] | undefined {
  return methods && methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : methods;
}

/**
 * Whether a target's hosts take a request for `host` (undefined: any host). `host` may itself be a configured
 * pattern: `*.a.example.com` is taken by `*.example.com`, as every name it matches is.
 */
export function hostMatches(hosts: readonly string[] | undefined, host: string): boolean {
  if (!hosts) return true;
  return hosts.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern));
}

/** Precedence: host-specific before host-less, exact before prefix, then longer paths first. */
function compareTargets(a: RouteTarget, b: RouteTarget): number {
  return Number(!a.hosts) - Number(!b.hosts) || Number(b.exact) - Number(a.exact) || b.path.length - a.path.length;
}

/**
 * Every target in the order the router tries them: a service's routes, or the service as a whole under its prefix
 * when it has none; sorted by precedence, and among equals in the order the workspace lists them (the sort is stable).
 */
export function routeTargets(services: readonly Service[], routes: readonly Route[]): RouteTarget[] {
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
  return targets.sort(compareTargets);
}

/**
 * Whether `earlier`, tried first, takes every request `later` matches. Only a target of equal precedence can: one
 * tried first for another reason (host-specific, exact, a longer path) misses requests the later one matches
 * (another host, the path below, the shorter path itself), and two different paths of one length and kind share no
 * request. So: the same path and kind, every host of the later one matched by the earlier one's, every method too.
 */
function takesAllOf(earlier: RouteTarget, later: RouteTarget): boolean {
  if (compareTargets(earlier, later) !== 0 || earlier.path !== later.path) return false;
  // A target with an empty host list matches nothing at all: it is not shadowed, it is unreachable on its own.
  if (later.hosts && (later.hosts.length === 0 || !later.hosts.every((h) => hostMatches(earlier.hosts, h)))) return false;
  if (!earlier.methods) return true;
  return later.methods !== undefined && later.methods.every((m) => earlier.methods!.includes(m));
}

export interface ShadowedTarget {
  target: RouteTarget;
  /** The earlier target that takes all its requests. */
  by: RouteTarget;
}

/** The targets no request can reach, each with the first earlier target that takes all its requests. */
export function shadowedTargets(services: readonly Service[], routes: readonly Route[]): ShadowedTarget[] {
  const targets = routeTargets(services, routes);
  const out: ShadowedTarget[] = [];
  targets.forEach((target, i) => {
    const by = targets.slice(0, i).find((earlier) => takesAllOf(earlier, target));
    if (by) out.push({ target, by });
  });
  return out;
}
