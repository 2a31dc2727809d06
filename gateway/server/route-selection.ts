// Stage 2, route: which route (and so which service) answers this method, path and host.
import type { Router, RouteTarget } from '../routing/router';
import { Refusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';

const NO_ROUTE = new Refusal(404, 'No route matches this request');

export function selectRoute(router: Router, hostname: string, exchange: Exchange): RouteTarget | Refusal {
  const method = exchange.entry.method;
  const match = router.match(method, exchange.path, hostname);
  if (match.kind === 'no-route') return NO_ROUTE;
  if (match.kind === 'method-not-allowed') return new Refusal(405, `Method ${method} not allowed`, { allow: match.allow.join(', ') });
  exchange.entry.route = match.target.name;
  exchange.entry.service = match.target.service.name;
  return match.target;
}
