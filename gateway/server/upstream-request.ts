// Stage 5, build the upstream request: a pure function of the admitted request and the compiled config (no
// socket, no clock, no secret lookup), so what the backend receives is unit-tested on its own. The endpoint's
// credentials are added later, per attempt, because an OAuth token may be fetched or replaced.
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedConsumer } from '../auth/basic-auth';
import { upstreamRequestHeaders, utf8HeaderValue, type OutgoingHeaders } from '../proxy/forward-headers';
import type { RouteTarget } from '../routing/router';
import { mergeQuery } from '../security/request-parameters';
import { takeCallerAccessToken } from '../security/caller-access-token';
import type { BasicAuthPlugin } from '../config/schema';
import { strippedPathPrefix } from '../config/route-paths';
import type { UpstreamPlan } from './compile-config';
import type { ConsumerIdentities } from './consumer-identity';

/** What the stages before this one learned about the request (the Exchange has these). */
export interface AdmittedRequest {
  method: string;
  /** Normalised path and raw query ("" or "?…"). */
  path: string;
  query: string;
  client: string;
  localPort: number;
  /** The host (and port) the client asked for, an absolute-form target's or its Host header's; its HTTP version. */
  host: string | undefined;
  httpVersion: string;
}

export interface UpstreamRequest {
  /** Origin-relative path and query. */
  path: string;
  headers: OutgoingHeaders;
  /** The caller's Access-Token became the Authorization: the endpoint's own is not applied. */
  callerAccessToken: boolean;
}

/**
 * The request path as the backend sees it: the service prefix removed when the service strips it, joined to the
 * upstream URL's path. A request for the prefix itself (`/orders` of a service at `/orders`) goes to the upstream
 * URL as written: a target `http://erp/v1/api/ok` gets `/v1/api/ok`, as from Kyma's gateway and Kong. It had got
 * `/v1/api/ok/` until 2 Dec, which a backend routing on exact paths answers 404 (every case of Kyma's e2e suite
 * calls its service that way).
 */
function forwardedPath(path: string, target: RouteTarget, plan: UpstreamPlan): string {
  const stripped = strippedPathPrefix(target.service);
  if (stripped === '') return plan.basePath + path;
  const rest = path.slice(stripped.length);
  if (rest === '') return plan.rootPath;
  return plan.basePath + (rest.startsWith('/') ? rest : `/${rest}`);
}

export function buildUpstreamRequest(
  incoming: IncomingHttpHeaders,
  request: AdmittedRequest,
  target: RouteTarget,
  basicAuth: BasicAuthPlugin | undefined,
  consumer: AuthenticatedConsumer | undefined,
  identities: ConsumerIdentities,
  plan: UpstreamPlan,
  /** The request's fields as they came (Node's `rawHeaders`): a repeated one Node kept the first of is forwarded whole. */
  rawHeaders?: readonly string[],
): UpstreamRequest {
  const headers = upstreamRequestHeaders(incoming, plan.host, {
    rawHeaders, method: request.method, clientAddress: request.client, originalHost: request.host, localPort: request.localPort, httpVersion: request.httpVersion,
  });
  // As Kong's hide_credentials: the header that carried the credentials is removed. Signed in by Proxy-Authorization
  // (never forwarded: hop-by-hop), the request's Authorization is the upstream's own and goes on as sent.
  if (basicAuth?.hideCredentials && consumer?.credentialHeader !== 'proxy-authorization') delete headers.authorization;
  const callerAccessToken = target.service.acceptAccessToken === true && takeCallerAccessToken(headers);
  if (consumer) {
    // UTF-8 bytes, as Kong sends them: a name outside ASCII reaches a UTF-8 upstream intact.
    headers['x-consumer-username'] = utf8HeaderValue(consumer.username);
    if (consumer.credentialId !== undefined) headers['x-credential-identifier'] = utf8HeaderValue(consumer.credentialId);
    else headers['x-anonymous-consumer'] = 'true';
    // As Kong, for the anonymous consumer too. A consumer without id or customId costs one map miss.
    const identity = identities.get(consumer.username);
    if (identity !== undefined) {
      if (identity.id !== undefined) headers['x-consumer-id'] = identity.id;
      if (identity.customId !== undefined) headers['x-consumer-custom-id'] = identity.customId;
    }
  }
  const injectedQuery = plan.security.requestParameters.queryParameters;
  const query = injectedQuery.size > 0 || plan.query ? mergeQuery(plan.query, injectedQuery, request.query) : request.query;
  return { path: forwardedPath(request.path, target, plan) + query, headers, callerAccessToken };
}
