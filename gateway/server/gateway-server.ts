import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { parseWorkspace, validateWorkspace, type FieldError } from '../config/validate';
import { ENVIRONMENT_HEADER, type Environment, type Service, type Workspace } from '../config/schema';
import { authenticateBasic, type AuthenticatedConsumer } from '../auth/basic-auth';
import { FailureThrottle } from '../auth/failure-throttle';
import { requestHostname } from '../routing/router';
import { upstreamRequestHeaders } from '../proxy/forward-headers';
import { forwardRequest, hasBody } from '../proxy/forward';
import { UpstreamError } from '../proxy/upstream-errors';
import { UpstreamPools } from '../proxy/upstream-pools';
import { sendMessage } from '../http/json-response';
import type { RequestLogEntry, RequestLogSink } from '../log/request-log';
import type { SecretResolver } from '../secrets/secret-source';
import { compileConfig, effectiveBasicAuth, type CompiledConfig, type OutboundCaches } from './compile-config';
import { OAuthTokenCache, TokenEndpointError } from '../security/oauth-token-cache';
import { CsrfTokenError, CsrfTokenStore } from '../security/csrf-token-store';
import { applyOutboundSecurity, invalidateRejected } from '../security/outbound-security';
import { credentialRejection } from '../security/retry-policy';
import { bodyForAttempt, isReplayable, replayableBody } from '../security/replayable-body';
import { mergeQuery } from '../security/request-parameters';
import type { OutgoingHeaders } from '../proxy/forward-headers';
import { splitRequestTarget } from './request-path';
import type { ClusterAccess } from '../cluster/cluster-access';

export interface GatewayOptions {
  workspace: unknown;
  secrets: SecretResolver;
  log?: RequestLogSink;
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

export class PortInUseError extends Error {
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const config = current; // in-flight requests keep the generation they started with
    const client = req.socket.remoteAddress ?? 'unknown';
    const { path, query } = splitRequestTarget(req.url ?? '/');
    const entry: RequestLogEntry = {
      time: new Date().toISOString(), method: req.method ?? 'GET', path, route: null, service: null,
      consumer: null, status: 0, upstreamMs: null, totalMs: 0, client,
    };
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      entry.status = res.headersSent ? res.statusCode : 499;
      entry.totalMs = Math.round((performance.now() - started) * 100) / 100;
      log(entry);
    });

    const match = config.router.match(entry.method, path, requestHostname(req.headers.host));
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
    // Only a request that may be retried (it carries a cached OAuth or CSRF token) has its body read ahead.
    const body = security.oauth || security.csrf
      ? await replayableBody(req, { hasBody: hasBody(req), contentLength: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']) })
      : undefined;
    const callerHeaders = body ? { ...headers } : headers;

    try {
      let applied = await applyOutboundSecurity(headers, security);
      const attempt = (attemptHeaders: OutgoingHeaders, attemptNumber: number) =>
        forwardRequest(req, res, {
          dispatcher: upstream.dispatcher,
          path: upstreamPath,
          headers: attemptHeaders,
          upstreamLabel: upstream.label,
          responseTimeoutMs: upstream.responseTimeoutMs,
          onHeaders: (ms) => {
            entry.upstreamMs = Math.round(ms * 100) / 100;
          },
          ...(body ? { body: bodyForAttempt(body) } : {}),
          kymaTargetErrors: target.service.targetErrors === 'kyma',
          discardIf: (status) => {
            const rejection = credentialRejection({
              status, attempt: attemptNumber, usedOAuthToken: applied.oauthToken !== undefined,
              usedCsrfToken: applied.csrfToken !== undefined, bodyReplayable: body !== undefined && isReplayable(body),
            });
            if (rejection) invalidateRejected(security, applied, rejection);
            return rejection?.retry ?? false;
          },
        });
      const first = await attempt(headers, 0);
      if (first.discarded) {
        const retryHeaders = { ...callerHeaders };
        applied = await applyOutboundSecurity(retryHeaders, security);
        await attempt(retryHeaders, 1);
      }
    } catch (error) {
      if (error instanceof TokenEndpointError || error instanceof CsrfTokenError) {
        entry.error = error.code;
        return sendMessage(res, error.status, error.message);
      }
      const upstreamError = error instanceof UpstreamError ? error : new UpstreamError(502, `Upstream ${upstream.label} failed`, 'UNKNOWN');
      entry.error = upstreamError.code;
      sendMessage(res, upstreamError.status, upstreamError.message);
    }
  }

  const server: Server = createServer({ requestTimeout: 0, keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only the error's class is reported: its message could quote request data.
      process.emitWarning(`gatehouse: request failed: ${error instanceof Error ? error.name : 'error'}`);
      sendMessage(res, 500, 'Internal gateway error');
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"message":"Bad request"}');
    else socket.destroy();
  });

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
