// Which routes ask for basic auth: the gateway's rule (gateway/server/compile-config.ts `effectiveBasicAuth`):
// a route's basic-auth plugin overrides its service's, and it applies when `enabled`.
import type { BasicAuthPlugin, Route, Service, Workspace } from '../../../gateway/config/schema';
import { joinPaths } from './paths';

export function effectiveBasicAuth(route: Route | undefined, service: Service): BasicAuthPlugin | undefined {
  const plugin = route?.plugins['basic-auth'] ?? service.plugins['basic-auth'];
  return plugin?.enabled ? plugin : undefined;
}

export interface ProtectedTarget {
  /** `route` for a route, `service` for a service without routes (reachable as a whole). */
  kind: 'route' | 'service';
  name: string;
  service: string;
  path: string;
  match: 'exact' | 'prefix';
  methods?: readonly string[];
  realm: string;
}

/** Every route (and route-less service) whose effective basic-auth is enabled: where consumers' credentials are accepted. */
export function basicAuthTargets(workspace: Workspace): ProtectedTarget[] {
  const out: ProtectedTarget[] = [];
  for (const service of workspace.services) {
    const routes = workspace.routes.filter((r) => r.service === service.name);
    if (routes.length === 0) {
      const plugin = effectiveBasicAuth(undefined, service);
      if (plugin) out.push({ kind: 'service', name: service.name, service: service.name, path: service.pathPrefix, match: 'prefix', realm: plugin.realm });
      continue;
    }
    for (const route of routes) {
      const plugin = effectiveBasicAuth(route, service);
      if (plugin) out.push({ kind: 'route', name: route.name, service: service.name, path: joinPaths(service.pathPrefix, route.path), match: route.match, methods: route.methods, realm: plugin.realm });
    }
  }
  return out;
}
