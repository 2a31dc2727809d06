// Stage 2, route: which route (and so which service) answers this method, path and host.
import type { Router, RouteMatch, RouteTarget } from '../routing/router';
import { pathAsDecoded } from './request-path';
import { Refusal } from '../http/refusal';
import { escapesInUpperCase } from '../config/route-paths';
import type { Exchange } from '../log/exchange';

const NO_ROUTE = new Refusal(404, 'No route matches this request');
const AMBIGUOUS_PATH = new Refusal(400, 'The request path has escapes (such as %2F) or path parameters (;) that would select another route once decoded, as the upstream may decode them', undefined, 'AMBIGUOUS_PATH');

/** The route or refusal a match gives, compared by what the request would get. */
function sameOutcome(a: RouteMatch, b: RouteMatch): boolean {
  if (a.kind === 'matched') return b.kind === 'matched' && a.target === b.target;
  return a.kind === b.kind;
}

export function selectRoute(router: Router, hostname: string, exchange: Exchange): RouteTarget | Refusal {
  const method = exchange.entry.method;
  // Configured paths are read in this form (schema.ts, normalRoutePath).
  const match = router.match(method, escapesInUpperCase(exchange.path), hostname);
  // Only a path with escapes or path parameters left after normalisation (request-path.ts) gets the second look.
  const decoded = pathAsDecoded(exchange.path);
  if (decoded !== undefined && !sameOutcome(match, router.match(method, escapesInUpperCase(decoded), hostname))) return AMBIGUOUS_PATH;
  if (match.kind === 'no-route') return NO_ROUTE;
  if (match.kind === 'method-not-allowed') return new Refusal(405, `Method ${method} not allowed`, { allow: match.allow.join(', ') });
  // A service reached as a whole (it has no routes) is no route: the log and the inspector say none.
  exchange.entry.route = match.target.route ? match.target.name : null;
  exchange.entry.service = match.target.service.name;
  return match.target;
}
