// Which basic-auth plugin applies to a request: the gateway enforces it, the renderer shows it, and a cluster
// push writes it into APISIX routes, so all three read it from here.
import type { BasicAuthPlugin, Route, Service } from './schema';

/**
 * A route's basic-auth plugin overrides its service's, even when the route's is disabled, as in APISIX (a route's
 * plugin replaces the service's of the same name, and `_meta.disable` then turns it off): that is how a public
 * route is made on a protected service. Kong differs: it ignores disabled plugins, so there the service's plugin
 * would apply (kong/runloop/plugins_iterator.lua). The plugin applies only when `enabled`. `route` is undefined for
 * a service reached without routes.
 */
export function effectiveBasicAuth(route: Pick<Route, 'plugins'> | undefined, service: Pick<Service, 'plugins'>): BasicAuthPlugin | undefined {
  const plugin = route?.plugins['basic-auth'] ?? service.plugins['basic-auth'];
  return plugin?.enabled ? plugin : undefined;
}
