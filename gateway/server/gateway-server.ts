// The gateway's HTTP server: the request pipeline, one stage per module, in the order a request meets them.
//   admit (admission.ts) → route (route-selection.ts) → authenticate (authentication.ts)
//   → pick the endpoint (endpoint-selection.ts) → build the upstream request (upstream-request.ts, pure)
//   → forward with the one credential retry (security/credential-retry.ts) → answer failures (failure-answers.ts)
// Each stage fills in the request's Exchange (log/exchange.ts), which the log line and the traffic capture read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import { parseWorkspace, validateWorkspace, type FieldError } from '../config/validate';
import type { Limits, Workspace } from '../config/schema';
import { FailureThrottle } from '../auth/failure-throttle';
import type { BasicAuthContext } from '../auth/basic-auth';
import { UpstreamPools } from '../proxy/upstream-pools';
import { sendMessage } from '../http/json-response';
import { Refusal, sendRefusal } from '../http/refusal';
import { Exchange } from '../log/exchange';
import type { TrafficCapture } from '../capture/traffic-capture';
import type { RequestLogSink } from '../log/request-log';
import type { ConnectionLogSink } from '../log/connection-log';
import type { SecretResolver } from '../secrets/secret-source';
import { compileConfig, effectiveBasicAuth, type CompiledConfig, type OutboundCaches } from './compile-config';
import { OAuthTokenCache } from '../security/oauth-token-cache';
import { CsrfTokenStore } from '../security/csrf-token-store';
import { forwardWithCredentialRetry } from '../security/credential-retry';
import { withoutOwnAuthorization } from '../security/caller-access-token';
import type { ClusterAccess } from '../cluster/cluster-access';
import { ConnectedCluster } from '../cluster/connected-cluster';
import type { LeftOutItem } from '../config/left-out-item';
import { answerParserErrors, refuseOnSocket } from './parser-error-answers';
import { admit, asksToSwitchProtocols, TUNNEL_NOT_SUPPORTED, UNMET_EXPECTATION } from './admission';
import { selectRoute } from './route-selection';
import { authenticate } from './authentication';
import { pickEndpoint } from './endpoint-selection';
import { buildUpstreamRequest } from './upstream-request';
import { answerFailure } from './failure-answers';
import { GatehouseError } from '../errors/gatehouse-error';
import { inTurn } from './pipelined-turn';
import { CLIENT_CLOSED_REQUEST, CLIENT_GONE, CLOSED_WITHOUT_RESPONSE, CONNECTION_CLOSING, GATEWAY_STOPPED } from '../proxy/client-gone';

export interface GatewayOptions {
  workspace: unknown;
  secrets: SecretResolver;
  log?: RequestLogSink;
  /** Lines about upstream connections rather than requests (log/connection-log.ts); the CLI writes them beside `log`'s. */
  connectionLog?: ConnectionLogSink;
  /** The app's traffic inspector: records both hops of each request while `capture.enabled` (never in the headless CLI). */
  capture?: TrafficCapture;
  /** Called when a request starts, with the new in-flight count (its end is in the log entry). */
  onRequestStart?: (inFlight: number) => void;
  /** Overrides the workspace's listen port (0 = any free port). */
  port?: number;
  host?: string;
  /** The connected cluster, for `serviceInfo` backends. */
  cluster?: ClusterAccess;
  /** The clock a cluster user's tokenFile is read again by (client-go's minute, connected-cluster.ts); tests move it. */
  now?: () => number;
  /** Serve what compiles and report the rest (`leftOut`) instead of refusing the workspace (the app's gateway). */
  leaveOutBrokenItems?: boolean;
}

/** `leftOut`: the items of the applied workspace that are not served, and why. */
export type ReloadResult = { ok: true; leftOut: LeftOutItem[] } | { ok: false; errors: FieldError[] };

export interface Gateway {
  readonly port: number;
  readonly url: string;
  readonly workspace: Workspace;
  /** Items of the served workspace that are left out, and why (empty unless `leaveOutBrokenItems`). */
  readonly leftOut: LeftOutItem[];
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Applies a new workspace (and, when given, new cluster access) atomically, or refuses it with its errors. */
  reload(workspace: unknown, cluster?: ClusterAccess | null): Promise<ReloadResult>;
  /**
   * Stops taking connections and lets the requests in flight finish (a token still being fetched, an answer still
   * streaming) for up to `drainMs`, then closes their connections and the upstream pools; `cut` counts the requests
   * the deadline cut. Without `drainMs`, it closes the pools at once (what a dispatched request needs still finishes).
   */
  close(drainMs?: number): Promise<{ cut: number }>;
  /** Ends a draining close's wait now (a second SIGTERM): what is still in flight is cut at once, as at its deadline. */
  cutNow(): void;
}

export class PortInUseError extends GatehouseError {
  readonly code = 'GATEHOUSE_PORT_IN_USE';
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

/** Why else a listen fails, in words: Node's ("listen EADDRNOTAVAIL: address not available") name no fix. */
const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRNOTAVAIL: "the address is not one of this machine's",
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up now',
  EACCES: 'permission denied (a port below 1024 needs privileges)',
};

/** The gateway cannot listen where it was told, for another reason than a port in use. */
export class ListenError extends GatehouseError {
  readonly code = 'GATEHOUSE_CANNOT_LISTEN';
  constructor(readonly host: string, readonly port: number, errno: string, cause: unknown) {
    super(`cannot listen on ${host} port ${port}: ${LISTEN_FAILURES[errno] ?? 'refused'} (${errno})`, { cause, hint: 'Check gateway.host and gateway.port (or --host and --port).' });
    this.name = 'ListenError';
  }
}

/** Node re-checks its header and request timeouts on this interval: a fraction of the shorter one, at most 1 s. */
function timeoutCheckInterval(limits: Limits): number {
  return Math.min(1000, Math.max(10, Math.floor(Math.min(limits.clientHeadersTimeoutMs, limits.clientBodyTimeoutMs) / 4)));
}

/**
 * What the client's Expect asked of the gateway, as Node's server tells it (HTTP/1.1 only: an HTTP/1.0 client's
 * Expect is ignored, RFC 9110 §10.1.1): nothing, `100-continue`, or an expectation the gateway cannot meet.
 */
type Expectation = 'none' | 'continue' | 'unmet';

/**
 * Sends a stage's refusal, its code in the log line. A client that sent Expect gets the connection closed after the
 * answer (RFC 9110 §10.1.1): it may still send the body nobody read, which must not be read as a next request.
 */
function refuse(res: ServerResponse, refusal: Refusal, exchange: Exchange, expectation: Expectation): void {
  if (refusal.logCode !== undefined) {
    exchange.entry.error = refusal.logCode;
    if (refusal.message) exchange.recorder?.answeredFailure(refusal.message);
  }
  if (expectation !== 'none') res.setHeader('connection', 'close');
  sendRefusal(res, refusal);
}

/** The log's method for a request Node's parser refused before it had one. */
const UNPARSED_METHOD = '(unparsed)';

/** A request's record, from the moment the server hands it over (a request, or a CONNECT refused on its socket). */
function exchangeOf(req: IncomingMessage, received = performance.now()): Exchange {
  return exchangeOn(req.socket, received, req.method ?? 'GET', req.url ?? '/');
}

/** The log record of a request on `socket`: from its client's address to the gateway's port it came in on. */
function exchangeOn(socket: Socket, received: number, method: string, target: string): Exchange {
  return new Exchange(received, method, target, socket.remoteAddress ?? 'unknown', socket.localPort ?? 0);
}

/** A failure of the gateway's own code while handling a request: a 500, and a warning naming the error's class. */
function internalError(res: ServerResponse, error: unknown): void {
  // Only the error's class is reported: its message could quote request data.
  process.emitWarning(`gatehouse: request failed: ${error instanceof Error ? error.name : 'error'}`);
  sendMessage(res, 500, 'Internal gateway error');
}

/**
 * The field path of a reload refused by compiling, not by validation: a workspace whose secrets (or cluster access)
 * cannot serve it. The CLI names the secrets file for it when that file is what changed.
 */
export const SECRETS_FIELD = '(secrets)';

function compileErrors(error: unknown): FieldError[] {
  return [{ path: SECRETS_FIELD, message: error instanceof Error ? error.message : String(error) }];
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const pools = new UpstreamPools(options.connectionLog);
  const caches: OutboundCaches = { tokens: new OAuthTokenCache(), csrfTokens: new CsrfTokenStore() };
  const initial = parseWorkspace(options.workspace);
  // One per cluster access handed over, so that a workspace reload keeps its tokenFile's schedule.
  const connected = (access: ClusterAccess | undefined) => (access ? new ConnectedCluster(access, options.now) : undefined);
  let cluster = connected(options.cluster);
  let current: CompiledConfig = await compileConfig(initial, options.secrets, pools, caches, cluster, { leaveOutBrokenItems: options.leaveOutBrokenItems });
  const throttle = new FailureThrottle(initial.gateway.throttle);
  let reloadQueue: Promise<unknown> = Promise.resolve();
  const log = options.log ?? (() => undefined);
  let inFlight = 0;
  /** While a close drains: told when the last request in flight ends. */
  let onIdle: (() => void) | undefined;
  /** Set while a draining close waits: ends the wait as its deadline does. */
  let endDrain: (() => void) | undefined;
  /** Set when a draining close cuts what is still open: those requests are logged as the gateway's cut, not the client's. */
  let cuttingConnections = false;
  // Replaced together with `current`; a request authenticates synchronously, within the generation it started in.
  let authContext: BasicAuthContext = { credentials: current.credentials, throttle };

  /** A client expecting `100 Continue` waits for it before its body: it is sent only once the request is admitted. */
  function handle(req: IncomingMessage, res: ServerResponse, expectation: Expectation, received: number): void {
    const config = current; // in-flight requests keep the generation they started with
    const socket = req.socket;
    const exchange = exchangeOf(req, received);
    inFlight += 1;
    options.onRequestStart?.(inFlight);
    const capture = options.capture;
    if (capture?.enabled) exchange.recorder = capture.begin(req, res);
    // 'close' comes once per response.
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) onIdle?.();
      // First, so that the log line of a request whose client left says so (CLIENT_GONE).
      exchange.upstreamCall?.clientClosed();
      // Cut by the gateway at the end of its drain: its own doing, not the client's.
      const cut = cuttingConnections && !res.writableFinished;
      if (cut) exchange.entry.error = GATEWAY_STOPPED;
      // The socket the request came on, taken when it started: Node may have let go of it by now (req.socket null).
      const unsent = cut ? CLOSED_WITHOUT_RESPONSE : (refusedOnSocket.get(socket) ?? CLIENT_CLOSED_REQUEST);
      const entry = exchange.finish(res.headersSent ? res.statusCode : unsent);
      // The connection's next request is waited for from here: the end finish() just measured, not a second clock read.
      readingSince.set(socket, exchange.started + entry.totalMs);
      if (exchange.recorder) {
        exchange.recorder.finish(entry);
        capture!.finish(exchange.recorder);
      }
      log(entry);
    });

    if (asksToSwitchProtocols(req)) res.shouldKeepAlive = false;
    const limits = config.workspace.gateway.limits;
    const hostname = admit(req, limits, exchange);
    if (hostname instanceof Refusal) return refuse(res, hostname, exchange, expectation);
    if (expectation === 'unmet') return refuse(res, UNMET_EXPECTATION, exchange, expectation);
    const target = selectRoute(config.router, hostname, exchange);
    if (target instanceof Refusal) return refuse(res, target, exchange, expectation);
    const basicAuth = effectiveBasicAuth(target);
    const consumer = basicAuth ? authenticate(req, basicAuth, authContext, exchange) : undefined;
    if (consumer instanceof Refusal) return refuse(res, consumer, exchange, expectation);
    const plan = pickEndpoint(req.headers, target, config.upstreams, exchange);
    if (plan instanceof Refusal) return refuse(res, plan, exchange, expectation);
    const upstream = buildUpstreamRequest(req.headers, exchange, target, basicAuth, consumer, config.identities, plan, req.rawHeaders);
    const endpoint = upstream.callerAccessToken ? { ...plan, security: withoutOwnAuthorization(plan.security) } : plan;
    exchange.recorder?.calling({ plan: endpoint, environment: config.upstreams.get(target.service.name)!.sandbox === plan ? 'sandbox' : 'production', path: upstream.path });
    if (expectation === 'continue') res.writeContinue();
    const kymaAnswers = target.service.targetErrors === 'kyma';
    const onFailure = (error: unknown) => {
      try {
        answerFailure(res, error, exchange, limits, plan.label, kymaAnswers);
      } catch (failure) {
        internalError(res, failure);
      }
    };
    try {
      forwardWithCredentialRetry(req, res, endpoint, upstream, exchange, kymaAnswers, limits.maxBodyBytes, onFailure);
    } catch (error) {
      onFailure(error);
    }
  }

  const limits = initial.gateway.limits;
  const server: Server = createServer({
    headersTimeout: limits.clientHeadersTimeoutMs,
    requestTimeout: limits.clientBodyTimeoutMs,
    connectionsCheckingInterval: timeoutCheckInterval(limits),
    keepAliveTimeout: 65_000,
    // Answered by the handler, as JSON like every other refusal.
    requireHostHeader: false,
    // Stated, not left to a default or NODE_OPTIONS: the lenient parser takes bare LFs and malformed framing.
    insecureHTTPParser: false,
  });
  const run = (req: IncomingMessage, res: ServerResponse, expectation: Expectation, received: number) => {
    try {
      handle(req, res, expectation, received);
    } catch (error) {
      internalError(res, error);
    }
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse, expectation: Expectation) => {
    const received = performance.now();
    // Read behind an answer that closed the connection: Node's parser reads on, but the request would go upstream
    // with no way to answer it (a pipelined POST done unbeknown to its client), and after a refused framing it may
    // be smuggled. RFC 9112 §9.6: a server does not process requests after the one it answered with close.
    if (req.socket.writableEnded) {
      const exchange = exchangeOf(req, received);
      exchange.entry.error = CONNECTION_CLOSING;
      return log(exchange.finish(CLOSED_WITHOUT_RESPONSE));
    }
    if (res.socket !== null) return run(req, res, expectation, received);
    // Pipelined behind answers still going out: it waits for them (pipelined-turn.ts); its time counts from now.
    // Never handled when the connection closes first: its client left (499), or the gateway closed the connection
    // after an answer before it (444, RFC 9112 §9.6), or cut it when stopping.
    inTurn(req, res, () => run(req, res, expectation, received), (closedBy) => {
      const exchange = exchangeOf(req, received);
      if (closedBy === 'client') {
        exchange.entry.error = CLIENT_GONE;
        return log(exchange.finish(CLIENT_CLOSED_REQUEST));
      }
      exchange.entry.error = cuttingConnections ? GATEWAY_STOPPED : CONNECTION_CLOSING;
      log(exchange.finish(CLOSED_WITHOUT_RESPONSE));
    });
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, 'none'));
  // With a listener, Node leaves `100 Continue` to us: it goes out only once the request is admitted, routed and
  // authenticated, so a client that would be refused is never invited to send its body.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, 'continue'));
  // Any other expectation: 417 (RFC 9110 §10.1.1), as JSON and logged like every refusal, not Node's bare default.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, 'unmet'));
  // Every header is seen (Node's default keeps the first 2000 raw entries and drops the rest silently, so a second
  // Authorization after a thousand others went unseen); their total size stays bounded by maxHeaderSize (16 KiB).
  server.maxHeadersCount = 0;
  // Requests Node's parser refuses never reach `handle`; statuses it wrote on a socket reach the request's log line.
  // Their log line has no method or path to show (the parser refused them), the parser's code as its error.
  // A refused request's time counts from when the gateway began waiting for it: its connection's arrival, or the
  // end of the answer before it on that connection (a client too slow with its head waited clientHeadersTimeoutMs).
  const readingSince = new WeakMap<Socket, number>();
  server.on('connection', (socket: Socket) => readingSince.set(socket, performance.now()));
  const refusedOnSocket = answerParserErrors(server, (socket, status, code) => {
    const exchange = exchangeOn(socket as Socket, readingSince.get(socket as Socket) ?? performance.now(), UNPARSED_METHOD, '');
    exchange.entry.error = code;
    log(exchange.finish(status));
  });
  // Not a forward proxy: a tunnel is refused on its socket (there is no response object), and logged.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const exchange = exchangeOf(req);
    exchange.entry.error = TUNNEL_NOT_SUPPORTED.logCode;
    refuseOnSocket(socket, TUNNEL_NOT_SUPPORTED.status, TUNNEL_NOT_SUPPORTED.message, true);
    log(exchange.finish(TUNNEL_NOT_SUPPORTED.status));
  });

  const host = options.host ?? initial.gateway.host;
  const port = options.port ?? initial.gateway.port;
  server.listen(port, host);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  } catch (error) {
    await pools.closeAll();
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'EADDRINUSE') throw new PortInUseError(host, port);
    if (typeof errno === 'string') throw new ListenError(host, port, errno, error);
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;

  async function applyReload(input: unknown, nextCluster: ClusterAccess | null | undefined): Promise<ReloadResult> {
    const validated = validateWorkspace(input);
    if (!validated.ok) return validated;
    const clusterToUse = nextCluster === undefined ? cluster : connected(nextCluster ?? undefined);
    let next: CompiledConfig;
    try {
      next = await compileConfig(validated.value, options.secrets, pools, caches, clusterToUse, { leaveOutBrokenItems: options.leaveOutBrokenItems });
    } catch (error) {
      return { ok: false, errors: compileErrors(error) };
    }
    cluster = clusterToUse;
    current = next; // one assignment: a request sees the old generation or the new, never a mix
    authContext = { credentials: next.credentials, throttle };
    throttle.configure(next.workspace.gateway.throttle);
    // Checked on the interval chosen at start, so a much shorter timeout is enforced up to a second late.
    server.headersTimeout = next.workspace.gateway.limits.clientHeadersTimeoutMs;
    server.requestTimeout = next.workspace.gateway.limits.clientBodyTimeoutMs;
    pools.retainOnly(next.dispatchers);
    return { ok: true, leftOut: next.leftOut };
  }

  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    get workspace() {
      return current.workspace;
    },
    get leftOut() {
      return current.leftOut;
    },
    get inFlight() {
      return inFlight;
    },
    reload(input, nextCluster) {
      const result = reloadQueue.then(() => applyReload(input, nextCluster));
      reloadQueue = result.catch(() => undefined);
      return result;
    },
    async close(drainMs) {
      server.close();
      server.closeIdleConnections();
      // With a drain, the pools close only once no request needs them: one still fetching a token has not
      // dispatched yet, and closing its pool under it failed it with a 502 as if the upstream were unreachable.
      let cut = 0;
      if (drainMs !== undefined && inFlight > 0) {
        const drained = await new Promise<boolean>((resolve) => {
          onIdle = () => resolve(true);
          endDrain = () => resolve(false);
          setTimeout(resolve, drainMs, false).unref();
        });
        onIdle = undefined;
        endDrain = undefined;
        if (!drained) cut = inFlight;
        // Keep-alive connections left idle by the requests that finished, and the ones the deadline cuts.
        cuttingConnections = true;
        server.closeAllConnections();
      }
      await pools.closeAll();
      return { cut };
    },
    cutNow() {
      endDrain?.();
    },
  };
}
