import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import { parseWorkspace, validateWorkspace, type FieldError } from '../config/validate';
import { ENVIRONMENT_HEADER, type Environment, type Limits, type Service, type Workspace } from '../config/schema';
import { authenticateBasic, type AuthenticatedConsumer } from '../auth/basic-auth';
import { FailureThrottle } from '../auth/failure-throttle';
import { requestHostname } from '../routing/router';
import { upstreamRequestHeaders } from '../proxy/forward-headers';
import { forwardRequest, hasBody } from '../proxy/forward';
import { BodyTooLargeError, limitBody, type LimitedBody } from '../proxy/body-limit';
import { UpstreamError } from '../proxy/upstream-errors';
import { UpstreamPools } from '../proxy/upstream-pools';
import { sendMessage } from '../http/json-response';
import type { RequestLogEntry, RequestLogSink } from '../log/request-log';
import type { SecretResolver } from '../secrets/secret-source';
import { compileConfig, effectiveBasicAuth, type CompiledConfig, type OutboundCaches } from './compile-config';
import { OAuthTokenCache } from '../security/oauth-token-cache';
import { CsrfTokenStore } from '../security/csrf-token-store';
import { CredentialEndpointError } from '../security/credential-endpoint-error';
import { applyOutboundSecurity, invalidateRejected } from '../security/outbound-security';
import { credentialRejection } from '../security/retry-policy';
import { bodyForAttempt, isReplayable, replayableBody } from '../security/replayable-body';
import { mergeQuery } from '../security/request-parameters';
import type { OutgoingHeaders } from '../proxy/forward-headers';
import { parseRequestTarget } from './request-path';
import type { ClusterAccess } from '../cluster/cluster-access';
import type { TrafficCapture } from '../capture/traffic-capture';
import { GatehouseError } from '../errors/gatehouse-error';

export interface GatewayOptions {
  workspace: unknown;
  secrets: SecretResolver;
  log?: RequestLogSink;
  /** The app's traffic inspector: records both hops of each request while `capture.enabled` (never in the headless CLI). */
  capture?: TrafficCapture;
  /** Called when a request starts, with the new in-flight count (its end is in the log entry). */
  onRequestStart?: (inFlight: number) => void;
  /** Overrides the workspace's listen port (0 = any free port). */
  port?: number;
  host?: string;
  /** The connected cluster, for `serviceInfo` backends. */
  cluster?: ClusterAccess;
}

export type ReloadResult = { ok: true } | { ok: false; errors: FieldError[] };

export interface Gateway {
  readonly port: number;
  readonly url: string;
  readonly workspace: Workspace;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Applies a new workspace (and, when given, new cluster access) atomically, or refuses it with its errors. */
  reload(workspace: unknown, cluster?: ClusterAccess | null): Promise<ReloadResult>;
  close(): Promise<void>;
}

export class PortInUseError extends GatehouseError {
  readonly code = 'GATEHOUSE_PORT_IN_USE';
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

type EnvironmentChoice = { ok: true; name: Environment } | { ok: false; message: string };

/** Production or sandbox: the request's X-Gatehouse-Environment header, else the service's default. */
function chooseEnvironment(header: string | string[] | undefined, service: Service): EnvironmentChoice {
  if (header === undefined) return { ok: true, name: service.defaultEnvironment };
  const value = String(header).trim().toLowerCase();
  if (value !== 'production' && value !== 'sandbox') return { ok: false, message: `${ENVIRONMENT_HEADER} must be "production" or "sandbox"` };
  if (value === 'sandbox' && !service.sandbox) return { ok: false, message: `service "${service.name}" has no sandbox endpoint` };
  return { ok: true, name: value };
}

/** RFC 9110 §7.2 Host = uri-host [ ":" port ]: an IP literal or a reg-name. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** RFC 9112 §3.2: one well-formed Host header, required in HTTP/1.1; an absolute-form target's host must be the same one. */
function hostProblem(req: IncomingMessage, targetHostname: string | undefined): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts += 1;
  }
  if (hosts > 1) return 'A request must have one Host header';
  if (hosts === 0) return req.httpVersion === '1.1' ? 'An HTTP/1.1 request must have a Host header' : undefined;
  if (!HOST_VALUE.test(req.headers.host!)) return 'The Host header is not a host name or address';
  if (targetHostname !== undefined && requestHostname(req.headers.host) !== targetHostname) return 'The request target and the Host header name different hosts';
  return undefined;
}

/** What the client gets when Node's parser refuses a request (or gives up waiting for it) before the handler sees it. */
const CLIENT_ERROR_ANSWERS: Record<string, readonly [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request header fields too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
};
/** How long a refused client may keep a half-closed connection open to read the answer. */
const REFUSAL_LINGER_MS = 1000;

/** A JSON answer written straight to the socket (there is no response object), then the connection closes. */
function refuseOnSocket(socket: Duplex, status: number, message: string, closeWhenSent: boolean): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  if (closeWhenSent) socket.once('finish', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The response Node is writing on `socket`, if any: `_httpMessage` is what Node's own clientError default consults
 * (http.Server sets it per socket, and moves it to the next pipelined response when one finishes).
 */
function respondingOn(socket: Duplex): ServerResponse | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

/** Runs `then` once every response queued on `socket` has been written. */
function afterResponses(socket: Duplex, then: () => void): void {
  const current = respondingOn(socket);
  if (!current || current.writableFinished) return then();
  current.once('finish', () => afterResponses(socket, then));
}

/** Node re-checks its header and request timeouts on this interval: a fraction of the shorter one, at most 1 s. */
function timeoutCheckInterval(limits: Limits): number {
  return Math.min(1000, Math.max(10, Math.floor(Math.min(limits.clientHeadersTimeoutMs, limits.clientBodyTimeoutMs) / 4)));
}

function compileErrors(error: unknown): FieldError[] {
  return [{ path: '(secrets)', message: error instanceof Error ? error.message : String(error) }];
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const pools = new UpstreamPools();
  const caches: OutboundCaches = { tokens: new OAuthTokenCache(), csrfTokens: new CsrfTokenStore() };
  const initial = parseWorkspace(options.workspace);
  let cluster = options.cluster;
  let current: CompiledConfig = await compileConfig(initial, options.secrets, pools, caches, cluster);
  const throttle = new FailureThrottle(initial.gateway.throttle);
  let reloadQueue: Promise<unknown> = Promise.resolve();
  const log = options.log ?? (() => undefined);
  let inFlight = 0;
  /** Status written straight to a socket by the clientError handler while its request was being handled. */
  const refusedOnSocket = new WeakMap<Duplex, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const config = current; // in-flight requests keep the generation they started with
    const client = req.socket.remoteAddress ?? 'unknown';
    const rawTarget = req.url ?? '/';
    const requestTarget = parseRequestTarget(rawTarget);
    const entry: RequestLogEntry = {
      time: new Date().toISOString(), method: req.method ?? 'GET',
      path: requestTarget.ok ? requestTarget.path : rawTarget.startsWith('/') ? rawTarget.replace(/[?#][^]*$/, '') : '(not a path)',
      route: null, service: null, consumer: null, status: 0, upstreamMs: null, totalMs: 0, client,
    };
    inFlight += 1;
    options.onRequestStart?.(inFlight);
    const capture = options.capture;
    const recorder = capture?.enabled ? capture.begin(req, res) : undefined;
    res.once('close', () => {
      inFlight -= 1;
      entry.status = res.headersSent ? res.statusCode : (refusedOnSocket.get(req.socket) ?? 499);
      entry.totalMs = Math.round((performance.now() - started) * 100) / 100;
      if (recorder) {
        recorder.finish(entry);
        capture!.finish(recorder);
      }
      log(entry);
    });

    if (!requestTarget.ok) return sendMessage(res, 400, requestTarget.message);
    const { path, query, hostname } = requestTarget;
    const badHost = hostProblem(req, hostname);
    if (badHost) return sendMessage(res, 400, badHost);
    const limits = config.workspace.gateway.limits;
    if (limits.maxBodyBytes !== undefined && Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) {
      entry.error = 'BODY_TOO_LARGE';
      return sendMessage(res, 413, `Request body larger than ${limits.maxBodyBytes} bytes`, { connection: 'close' });
    }

    const match = config.router.match(entry.method, path, hostname ?? requestHostname(req.headers.host));
    if (match.kind === 'no-route') return sendMessage(res, 404, 'No route matches this request');
    if (match.kind === 'method-not-allowed') {
      return sendMessage(res, 405, `Method ${entry.method} not allowed`, { allow: match.allow.join(', ') });
    }
    const target = match.target;
    entry.route = target.name;
    entry.service = target.service.name;

    let consumer: AuthenticatedConsumer | undefined;
    const basicAuth = effectiveBasicAuth(target);
    if (basicAuth) {
      const outcome = authenticateBasic(req, basicAuth, { credentials: config.credentials, throttle }, client);
      if (!outcome.ok) return sendMessage(res, outcome.status, outcome.message, outcome.headers);
      consumer = outcome.consumer;
      entry.consumer = consumer.username;
    }

    const environment = chooseEnvironment(req.headers[ENVIRONMENT_HEADER], target.service);
    if (!environment.ok) return sendMessage(res, 400, environment.message);
    const upstream = config.upstreams.get(target.service.name)![environment.name]!;
    if (upstream.kind === 'unavailable') return sendMessage(res, upstream.status, upstream.message);

    const headers = upstreamRequestHeaders(req.headers, upstream.host, {
      clientAddress: client, originalHost: req.headers.host, localPort: req.socket.localPort ?? 0,
    });
    if (basicAuth?.hideCredentials) delete headers.authorization;
    if (consumer) {
      headers['x-consumer-username'] = consumer.username;
      if (consumer.credentialId !== undefined) headers['x-credential-identifier'] = consumer.credentialId;
      else headers['x-anonymous-consumer'] = 'true';
    }

    // The API server authenticates the cluster user; the client's own credentials are not for it.
    if (upstream.clusterAuthorization) headers.authorization = upstream.clusterAuthorization;

    const prefix = target.service.pathPrefix;
    let forwardedPath = path;
    if (target.service.stripPrefix && prefix !== '/') {
      forwardedPath = path.slice(prefix.replace(/\/$/, '').length) || '/';
      if (!forwardedPath.startsWith('/')) forwardedPath = `/${forwardedPath}`;
    }

    const security = upstream.security;
    const injectedQuery = security.requestParameters.queryParameters;
    const upstreamPath = upstream.basePath + forwardedPath + (injectedQuery.size > 0 || upstream.query ? mergeQuery(upstream.query, injectedQuery, query) : query);
    // A chunked body is counted as it streams; a Content-Length one was checked above.
    const limited: LimitedBody | undefined =
      limits.maxBodyBytes !== undefined && req.headers['transfer-encoding'] !== undefined ? limitBody(req, limits.maxBodyBytes) : undefined;
    recorder?.calling({ plan: upstream, environment: environment.name, path: upstreamPath });

    try {
      // Only a request that may be retried (it carries a cached OAuth or CSRF token) has its body read ahead.
      const body = security.oauth || security.csrf
        ? await replayableBody(limited?.stream ?? req, { hasBody: hasBody(req), contentLength: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']) })
        : undefined;
      const callerHeaders = body ? { ...headers } : headers;
      let applied = await applyOutboundSecurity(headers, security, recorder?.securityTrace());
      const attempt = (attemptHeaders: OutgoingHeaders, attemptNumber: number) => {
        const recorded = recorder?.attempt(attemptHeaders) ?? -1;
        const forwarded = forwardRequest(req, res, {
          dispatcher: upstream.dispatcher,
          path: upstreamPath,
          headers: attemptHeaders,
          upstreamLabel: upstream.label,
          responseTimeoutMs: upstream.responseTimeoutMs,
          onHeaders: (ms) => {
            entry.upstreamMs = Math.round(ms * 100) / 100;
          },
          onBodyError: (error) => {
            entry.error = error.code;
          },
          ...(body ? { body: bodyForAttempt(body) } : limited ? { body: limited.stream } : {}),
          kymaTargetErrors: target.service.targetErrors === 'kyma',
          discardIf: (status) => {
            const rejection = credentialRejection({
              status, attempt: attemptNumber, usedOAuthToken: applied.oauthToken !== undefined,
              usedCsrfToken: applied.csrfToken !== undefined, bodyReplayable: body !== undefined && isReplayable(body),
            });
            if (rejection) invalidateRejected(security, applied, rejection);
            recorder?.answered(recorded, status, rejection?.retry ?? false);
            return rejection?.retry ?? false;
          },
        });
        return recorder ? forwarded.catch((error: unknown) => (recorder.failed(recorded), Promise.reject(error))) : forwarded;
      };
      const first = await attempt(headers, 0);
      if (first.discarded) {
        const retryHeaders = { ...callerHeaders };
        applied = await applyOutboundSecurity(retryHeaders, security, recorder?.securityTrace());
        await attempt(retryHeaders, 1);
      }
    } catch (error) {
      if (limited?.exceeded || error instanceof BodyTooLargeError) {
        entry.error = 'BODY_TOO_LARGE';
        return sendMessage(res, 413, `Request body larger than ${limits.maxBodyBytes} bytes`, { connection: 'close' });
      }
      if (error instanceof CredentialEndpointError) {
        entry.error = error.code;
        return sendMessage(res, error.status, error.message);
      }
      const upstreamError = error instanceof UpstreamError ? error : new UpstreamError(502, `Upstream ${upstream.label} failed`, 'UNKNOWN');
      entry.error = upstreamError.code;
      sendMessage(res, upstreamError.status, upstreamError.message);
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
  }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only the error's class is reported: its message could quote request data.
      process.emitWarning(`gatehouse: request failed: ${error instanceof Error ? error.name : 'error'}`);
      sendMessage(res, 500, 'Internal gateway error');
    });
  });
  // Malformed requests (llhttp refuses them: framing, header syntax, sizes) and clients too slow to send one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = respondingOn(socket);
    const [status, message] = CLIENT_ERROR_ANSWERS[error.code ?? ''] ?? [400, 'Bad request'];
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
    } else if (pending?.req.complete) {
      // The refused request was pipelined behind complete ones: they are answered first, in order.
      afterResponses(socket, () => refuseOnSocket(socket, status, message, false));
    } else if (pending?.headersSent) {
      // Its own response has begun: a broken connection is the only signal left.
      socket.destroy();
    } else {
      // A request being forwarded (its body is late or malformed) ends with the answer, and its upstream request with it.
      if (pending) refusedOnSocket.set(socket, status);
      refuseOnSocket(socket, status, message, pending !== undefined);
    }
  });
  // Not a forward proxy: no tunnels.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuseOnSocket(socket, 405, 'CONNECT is not supported', true));

  const host = options.host ?? initial.gateway.host;
  const port = options.port ?? initial.gateway.port;
  server.listen(port, host);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  } catch (error) {
    await pools.closeAll();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port);
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;

  async function applyReload(input: unknown, nextCluster: ClusterAccess | null | undefined): Promise<ReloadResult> {
    const validated = validateWorkspace(input);
    if (!validated.ok) return validated;
    const clusterToUse = nextCluster === undefined ? cluster : (nextCluster ?? undefined);
    let next: CompiledConfig;
    try {
      next = await compileConfig(validated.value, options.secrets, pools, caches, clusterToUse);
    } catch (error) {
      return { ok: false, errors: compileErrors(error) };
    }
    cluster = clusterToUse;
    current = next; // one assignment: a request sees the old generation or the new, never a mix
    throttle.configure(next.workspace.gateway.throttle);
    // Checked on the interval chosen at start, so a much shorter timeout is enforced up to a second late.
    server.headersTimeout = next.workspace.gateway.limits.clientHeadersTimeoutMs;
    server.requestTimeout = next.workspace.gateway.limits.clientBodyTimeoutMs;
    pools.retainOnly(next.dispatchers);
    return { ok: true };
  }

  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    get workspace() {
      return current.workspace;
    },
    get inFlight() {
      return inFlight;
    },
    reload(input, nextCluster) {
      const result = reloadQueue.then(() => applyReload(input, nextCluster));
      reloadQueue = result.catch(() => undefined);
      return result;
    },
    async close() {
      server.close();
      server.closeIdleConnections();
      await pools.closeAll();
    },
  };
}
