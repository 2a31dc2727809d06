// Stage 6, forward: sends the request with the endpoint's credentials and streams the answer back; when the
// backend rejects a cached credential (retry-policy.ts) the request goes out once more with a fresh one, as
// undici keeps its RetryHandler beside its dispatchers. A backend behind the API server's service proxy gets the
// cluster user's Authorization instead of the client's; a tokenFile user's token refused with a 401 is read again
// from its file at once, and the request sent once more when the file holds another (connected-cluster.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange } from '../log/exchange';
import { BodyTooLargeError, limitBody } from '../proxy/body-limit';
import { dispatchForward, forwardRequest, hasBody, type ForwardRequest, type ForwardResult } from '../proxy/forward';
import type { OutgoingHeaders } from '../proxy/forward-headers';
import { applyCredentials, applyFixedCredentials, applyOutboundSecurity, invalidateRejected, type AppliedCredentials, type OutboundSecurity } from './outbound-security';
import { bodyForAttempt, isReplayable, replayableBody, type ReplayableBody } from './replayable-body';
import { credentialRejection } from './retry-policy';
import { notSentWords } from '../capture/failure-words';
import type { ConnectionQueue } from '../proxy/connection-queue';
import type { RedirectMapping } from '../proxy/redirect-location';
import type { ConnectedCluster } from '../cluster/connected-cluster';

/** The backend a request is forwarded to, as the compiled config holds it (server/compile-config.ts). */
export interface SecuredEndpoint {
  dispatcher: Dispatcher;
  /** `scheme://host:port` of the backend. */
  origin: string;
  /** Used in error messages: the upstream's origin and path, never credentials. */
  label: string;
  responseTimeoutMs: number;
  /** How long the client may leave the answer unread before its connection is closed (timeouts.clientReadMs). */
  clientReadTimeoutMs: number;
  /** How long a request may wait for a free connection to the backend (timeouts.queueMs). */
  queue?: ConnectionQueue;
  /** Outbound credentials, CSRF and request parameters for the backend, held only in memory. */
  security: OutboundSecurity;
  /** The cluster whose user's Authorization is sent, for backends reached through the API server's service proxy. */
  cluster?: ConnectedCluster;
  /** How a Location naming the backend maps back to the gateway (none for backends behind the API server). */
  redirects?: RedirectMapping;
}

/** The request to send: origin-relative path and query, and headers before the endpoint's credentials. */
export interface OutgoingRequest {
  path: string;
  headers: OutgoingHeaders;
}

/** The request to the endpoint, as the forward stage takes it (the endpoint's credentials already in `headers`). */
function forwardFor(
  endpoint: SecuredEndpoint, path: string, headers: OutgoingHeaders, exchange: Exchange, kymaTargetErrors: boolean,
  body: Buffer | Readable | null | undefined,
): ForwardRequest {
  const forward: ForwardRequest = {
    dispatcher: endpoint.dispatcher,
    path,
    headers,
    upstreamLabel: endpoint.label,
    responseTimeoutMs: endpoint.responseTimeoutMs,
    clientReadTimeoutMs: endpoint.clientReadTimeoutMs,
    queue: endpoint.queue,
    exchange,
    kymaTargetErrors,
    redirects: endpoint.redirects,
  };
  if (body !== undefined) forward.body = body;
  return forward;
}

/** What an attempt was sent with that the backend, or the API server in front of it, may reject. */
interface SentCredentials extends AppliedCredentials {
  clusterAuthorization?: string;
}

/** The cluster user's Authorization, replacing the client's: the API server authenticates the user, not the client. */
function applyClusterAuthorization(headers: OutgoingHeaders, endpoint: SecuredEndpoint): string | undefined {
  const authorization = endpoint.cluster?.authorization();
  if (authorization) headers.authorization = authorization;
  return authorization;
}

/** All the credentials of an attempt that may be retried: the endpoint's own (tokens had first), then the cluster user's. */
async function applyAttemptCredentials(headers: OutgoingHeaders, endpoint: SecuredEndpoint, exchange: Exchange): Promise<SentCredentials> {
  const applied: SentCredentials = await applyOutboundSecurity(headers, endpoint.security, exchange.recorder?.securityTrace());
  const clusterAuthorization = applyClusterAuthorization(headers, endpoint);
  if (clusterAuthorization) applied.clusterAuthorization = clusterAuthorization;
  return applied;
}

/** One attempt's dispatch; with `applied` (cached credentials were used), the check that turns a rejection into a retry. */
function sendAttempt(
  req: IncomingMessage, res: ServerResponse, endpoint: SecuredEndpoint, path: string, headers: OutgoingHeaders,
  exchange: Exchange, kymaTargetErrors: boolean, body: Buffer | Readable | null | undefined,
  applied?: SentCredentials, attemptNumber = 0, bodyReplayable = false,
): Promise<ForwardResult> {
  const forward = forwardFor(endpoint, path, headers, exchange, kymaTargetErrors, body);
  if (applied) forward.discardIf = rejectionCheck(endpoint, applied, attemptNumber, bodyReplayable);
  const recorder = exchange.recorder;
  if (!recorder) return forwardRequest(req, res, forward);
  // The app's traffic inspector: what this attempt sent and what the backend answered. A call sent again after its
  // connection was lost (proxy/forward.ts) is an attempt of its own, with the same headers.
  // An attempt that failed with no onConnect since it began (proxy/forward.ts sets dispatchedAt there) never
  // reached the backend: undici calls it as it writes the request to a connection it made.
  let recorded = recorder.attempt(headers);
  let dispatchedBefore = exchange.dispatchedAt;
  forward.onResend = () => {
    recorder.resent(recorded);
    recorded = recorder.attempt(headers);
    dispatchedBefore = exchange.dispatchedAt;
  };
  const discardIf = forward.discardIf;
  forward.discardIf = (status) => {
    const retry = discardIf?.(status) ?? false;
    recorder.answered(recorded, status, retry);
    return retry;
  };
  return forwardRequest(req, res, forward).catch((error: unknown) => {
    recorder.failed(recorded, exchange.entry.upstreamStatus, exchange.dispatchedAt === dispatchedBefore ? notSentWords(error) : undefined);
    throw error;
  });
}

/** For an attempt sent with cached credentials: an answer rejecting them invalidates them, and is dropped when a retry follows. */
function rejectionCheck(endpoint: SecuredEndpoint, applied: SentCredentials, attemptNumber: number, bodyReplayable: boolean): (status: number) => boolean {
  const security = endpoint.security;
  return (status) => {
    const sent = applied.clusterAuthorization;
    if (status === 401 && attemptNumber === 0 && sent !== undefined && endpoint.cluster?.rereads) {
      // The user's tokenFile is read at once (the next request gets what it holds, retried or not). The 401 may be
      // the Service's own, passed through by the proxy: then the file holds the token sent, and it goes to the client.
      return endpoint.cluster.renewed(sent) !== undefined && bodyReplayable;
    }
    const rejection = credentialRejection({
      status, attempt: attemptNumber, usedOAuthToken: applied.oauthToken !== undefined,
      usedCsrfToken: applied.csrfToken !== undefined, bodyReplayable,
    });
    if (rejection) invalidateRejected(security, applied, rejection);
    return rejection?.retry ?? false;
  };
}

/** Hears the forward's end: nothing to do when it went well; a failure with nothing sent yet is for `onFailure`. */
class ForwardEnd {
  constructor(
    readonly onFailure: (error: unknown) => void,
    readonly limited: { exceeded: boolean } | undefined,
    readonly maxBodyBytes: number | undefined,
  ) {}

  resolve(): void {}

  reject(error: unknown): void {
    // A chunked body cut off at the limit fails the upstream call: the client hears about its body, not the upstream.
    this.onFailure(this.limited?.exceeded && !(error instanceof BodyTooLargeError) ? new BodyTooLargeError(this.maxBodyBytes!) : error);
  }
}

/**
 * Forwards the request and streams the answer back. A failure before anything was sent to the client reaches
 * `onFailure` (BodyTooLargeError, CredentialEndpointError or UpstreamError; answer-failure.ts turns them into
 * answers); once the response has begun, failures cut the connection.
 */
export function forwardWithCredentialRetry(
  req: IncomingMessage, res: ServerResponse, endpoint: SecuredEndpoint, request: OutgoingRequest, exchange: Exchange,
  /** Kyma's Application Gateway answer to a failing target. */
  kymaTargetErrors: boolean,
  /** gateway.limits.maxBodyBytes: a chunked body is counted as it streams. */
  maxBodyBytes: number | undefined,
  onFailure: (error: unknown) => void,
): void {
  const { path, headers } = request;
  const security = endpoint.security;
  exchange.upstreamOrigin = endpoint.origin;
  exchange.upstreamPath = path;
  exchange.credential = endpoint.cluster ? 'cluster' : security.credentialKind;
  const limited = maxBodyBytes !== undefined && req.headers['transfer-encoding'] !== undefined ? limitBody(req, maxBodyBytes) : undefined;
  const end = new ForwardEnd(onFailure, limited, maxBodyBytes);
  if (!rejectable(endpoint) && !exchange.recorder) {
    // Nothing cached that the backend could reject, and nobody recording attempts: one dispatch, the body streamed,
    // no promise on the way (the common case, and the hot path).
    applyFixedCredentials(headers, security);
    applyClusterAuthorization(headers, endpoint);
    dispatchForward(req, res, forwardFor(endpoint, path, headers, exchange, kymaTargetErrors, limited?.stream), end);
    return;
  }
  const token = !security.csrf && !exchange.recorder && !hasBody(req) ? security.oauth?.fresh() : undefined;
  if (token) {
    // An OAuth token in the cache and no body to read ahead: the first attempt goes out at once, without a promise;
    // only a backend rejecting the token sends the request down the general path, for its one retry.
    const callerHeaders = { ...headers };
    const applied: AppliedCredentials = { oauthToken: token };
    applyCredentials(headers, security, applied);
    const forward = forwardFor(endpoint, path, headers, exchange, kymaTargetErrors, null);
    forward.discardIf = rejectionCheck(endpoint, applied, 0, true);
    dispatchForward(req, res, forward, {
      resolve: (result) => {
        if (result.discarded) retryWithFreshCredentials(req, res, endpoint, path, callerHeaders, exchange, kymaTargetErrors, EMPTY_BODY).catch((error: unknown) => end.reject(error));
      },
      reject: (error) => end.reject(error),
    });
    return;
  }
  forwardWithRetry(req, res, endpoint, request, exchange, kymaTargetErrors, limited?.stream).catch((error: unknown) => end.reject(error));
}

const EMPTY_BODY: ReplayableBody = { kind: 'empty' };

/** The endpoint sends a credential the backend may reject and that can be had again: an OAuth or CSRF token, a tokenFile's. */
const rejectable = (endpoint: SecuredEndpoint) => Boolean(endpoint.security.oauth || endpoint.security.csrf || endpoint.cluster?.rereads);

/** The second attempt, after the backend rejected the first one's cached credentials: fresh ones, same request. */
async function retryWithFreshCredentials(
  req: IncomingMessage, res: ServerResponse, endpoint: SecuredEndpoint, path: string, callerHeaders: OutgoingHeaders,
  exchange: Exchange, kymaTargetErrors: boolean, body: ReplayableBody,
): Promise<void> {
  exchange.retried = true;
  const retryHeaders = { ...callerHeaders };
  const reapplied = await applyAttemptCredentials(retryHeaders, endpoint, exchange);
  await sendAttempt(req, res, endpoint, path, retryHeaders, exchange, kymaTargetErrors, bodyForAttempt(body), reapplied, 1, isReplayable(body));
}

/** The general case: attempts recorded for the traffic inspector, and a cached credential the backend rejects replaced once. */
async function forwardWithRetry(
  req: IncomingMessage, res: ServerResponse, endpoint: SecuredEndpoint, request: OutgoingRequest, exchange: Exchange,
  kymaTargetErrors: boolean, limitedBody: Readable | undefined,
): Promise<void> {
  const { path, headers } = request;
  if (!rejectable(endpoint)) {
    applyFixedCredentials(headers, endpoint.security);
    applyClusterAuthorization(headers, endpoint);
    await sendAttempt(req, res, endpoint, path, headers, exchange, kymaTargetErrors, limitedBody);
    return;
  }
  // A request that may be retried has its body read ahead (up to a bound, see replayable-body.ts).
  const body = await replayableBody(limitedBody ?? req, { hasBody: hasBody(req), contentLength: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']) });
  const callerHeaders = { ...headers };
  const applied = await applyAttemptCredentials(headers, endpoint, exchange);
  const replayable = isReplayable(body);
  const first = await sendAttempt(req, res, endpoint, path, headers, exchange, kymaTargetErrors, bodyForAttempt(body), applied, 0, replayable);
  if (first.discarded) await retryWithFreshCredentials(req, res, endpoint, path, callerHeaders, exchange, kymaTargetErrors, body);
}
