// Stage 4, pick the endpoint: production or sandbox, and whether that backend can be reached at all.
import type { IncomingHttpHeaders } from 'node:http';
import { ENVIRONMENT_HEADER, type Service } from '../config/schema';
import { Refusal } from '../http/refusal';
import type { RouteTarget } from '../routing/router';
import type { Exchange } from '../log/exchange';
import type { CompiledConfig, UpstreamPlan } from './compile-config';

/** Production or sandbox: the request's X-Gatehouse-Environment header, else the service's default. */
function environmentOf(header: string | string[] | undefined, service: Service): 'production' | 'sandbox' | Refusal {
  if (header === undefined) return service.defaultEnvironment;
  const value = String(header).trim().toLowerCase();
  if (value !== 'production' && value !== 'sandbox') return new Refusal(400, `${ENVIRONMENT_HEADER} must be "production" or "sandbox"`);
  if (value === 'sandbox' && !service.sandbox) return new Refusal(400, `service "${service.name}" has no sandbox endpoint`);
  return value;
}

export function pickEndpoint(headers: IncomingHttpHeaders, target: RouteTarget, upstreams: CompiledConfig['upstreams'], exchange: Exchange): UpstreamPlan | Refusal {
  const environment = environmentOf(headers[ENVIRONMENT_HEADER], target.service);
  if (environment instanceof Refusal) return environment;
  exchange.environment = environment;
  const plan = upstreams.get(target.service.name)![environment]!;
  if (plan.kind === 'unavailable') return new Refusal(plan.status, plan.message);
  return plan;
}
