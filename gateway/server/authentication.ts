// Stage 3, authenticate: the route's (or its service's) basic-auth plugin decides who the consumer is.
import type { IncomingMessage } from 'node:http';
import { authenticateBasic, type AuthenticatedConsumer, type BasicAuthContext } from '../auth/basic-auth';
import type { BasicAuthPlugin } from '../config/schema';
import { Refusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';

/** The consumer, or the 401/429 answer. `plugin` is the route's effective one (compile-config.ts effectiveBasicAuth). */
export function authenticate(req: IncomingMessage, plugin: BasicAuthPlugin, context: BasicAuthContext, exchange: Exchange): AuthenticatedConsumer | Refusal {
  const outcome = authenticateBasic(req, plugin, context, exchange.client);
  if (!outcome.ok) return new Refusal(outcome.status, outcome.message, outcome.headers);
  exchange.entry.consumer = outcome.consumer.username;
  return outcome.consumer;
}
