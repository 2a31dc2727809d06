// Which routes ask for basic auth, by the gateway's own rules (gateway/config/effective-basic-auth.ts and
// route-paths.ts): where the consumers form says a consumer's credentials are accepted.
import type { Workspace } from '../../../gateway/config/schema';
import { effectiveBasicAuth } from '../../../gateway/config/effective-basic-auth';
import { joinPaths } from '../../../gateway/config/route-paths';

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
