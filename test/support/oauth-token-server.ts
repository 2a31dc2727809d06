import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { UpstreamHandler } from './recording-upstream';

export type ClientAuthSeen = 'client_secret_basic' | 'client_secret_post' | 'both' | 'none';

export interface TokenRequestRecord {
  clientAuth: ClientAuthSeen;
  clientId?: string;
  grantType?: string;
  scope?: string;
  contentType?: string;
  /** Path and query as received. */
  url: string;
  /** Every header as received (Node's lower-case names). */
  headers: IncomingHttpHeaders;
  /** The form body as received. */
  body: string;
  /** Whether the client authenticated successfully. */
  accepted: boolean;
}

export interface OAuthTokenServerOptions {
  /** client id → client secret. */
  clients: Record<string, string>;
  /** `expires_in` of issued tokens; `null` leaves it out of the response. */
  expiresIn?: number | null;
  tokenType?: string;
  /** Delay before answering, so concurrent callers overlap. */
  delayMs?: number;
  tls?: { cert: string; key: string };
  /**
   * Where the client's credentials are read from. `one-method` (the default): RFC 6749 §2.3, a Basic header
   * (form-urlencoded id and secret) or the form's fields, `400` for both at once. `form`: as Kyma's own test token
   * endpoint (tests/internal/testkit/test-api/oauth.go isRequestValid), the form's fields only, a Basic header
   * ignored, `403` when they do not verify. `basic`: the Basic header only, the form's fields ignored.
   */
  reads?: 'one-method' | 'form' | 'basic';
}

export interface OAuthTokenServer {
  url: string;
  tokenUrl: string;
  port: number;
  requests: TokenRequestRecord[];
  /** Changeable between requests. */
  settings: { expiresIn: number | null; tokenType: string; delayMs: number };
  /** Answer every token request with this status and body until called with `undefined`. */
  failWith(status: number | undefined, body?: string, contentType?: string): void;
  /** Answer with this raw 200 body instead of a token (for malformed-response tests). */
  answerWith(body: string | undefined): void;
  /** True for a token this server issued that is neither expired nor revoked. */
  isValid(token: string): boolean;
  revokeAll(): void;
  /** Every token issued so far, revoked ones included (to scan captures for them). */
  issued(): string[];
  close(): Promise<void>;
}

// RFC 6749 §2.3.1: client id and secret are form-urlencoded before they go into the Basic credentials. One that
// was not (Kyma sends them as they are) and holds a stray `%` is taken as it is, and fails verification.
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A real RFC 6749 §4.4 token endpoint on 127.0.0.1 at `/oauth/token` that counts what it is asked. */
export async function startOAuthTokenServer(options: OAuthTokenServerOptions): Promise<OAuthTokenServer> {
  const requests: TokenRequestRecord[] = [];
  const settings = { expiresIn: options.expiresIn === undefined ? 3600 : options.expiresIn, tokenType: options.tokenType ?? 'Bearer', delayMs: options.delayMs ?? 0 };
  const issued = new Map<string, number>(); // token → expiry (epoch ms)
  const everIssued: string[] = [];
  let failure: { status: number; body: string; contentType: string } | undefined;
  let rawAnswer: string | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    if (settings.delayMs > 0) await new Promise((r) => setTimeout(r, settings.delayMs));
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/oauth/token') return send(res, 404, { error: 'not_found' });
    const form = new URLSearchParams(text);
    const record: TokenRequestRecord = { clientAuth: 'none', grantType: form.get('grant_type') ?? undefined, scope: form.get('scope') ?? undefined, contentType: req.headers['content-type'], url: req.url ?? '', headers: req.headers, body: text, accepted: false };
    requests.push(record);
    if (failure) {
      res.writeHead(failure.status, { 'content-type': failure.contentType });
      return res.end(failure.body);
    }

    let id: string | undefined;
    let secret: string | undefined;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const posted = form.has('client_id') || form.has('client_secret');
    const reads = options.reads ?? 'one-method';
    if (basic && reads !== 'form') {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } else if (posted && reads !== 'basic') {
      id = form.get('client_id') ?? undefined;
      secret = form.get('client_secret') ?? undefined;
    }
    record.clientAuth = basic && posted ? 'both' : basic ? 'client_secret_basic' : posted ? 'client_secret_post' : 'none';
    record.clientId = id;
    // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
    if (record.clientAuth === 'both' && reads === 'one-method') return send(res, 400, { error: 'invalid_request', error_description: 'more than one client authentication method' });
    const verified = id !== undefined && options.clients[id] !== undefined && options.clients[id] === secret;
    // Kyma's test endpoint: 403 for credentials or a grant type it does not take.
    if (reads === 'form' && (!verified || record.grantType !== 'client_credentials')) return send(res, 403, { error: 'Client verification failed' });
    if (!verified) {
      return send(res, 401, { error: 'invalid_client', error_description: `client ${id ?? '?'} authentication failed` }, { 'www-authenticate': 'Basic realm="token"' });
    }
    if (record.grantType !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
    record.accepted = true;
    if (rawAnswer !== undefined) return send(res, 200, rawAnswer);

    const token = randomBytes(24).toString('base64url');
    everIssued.push(token);
    issued.set(token, settings.expiresIn === null ? Number.POSITIVE_INFINITY : Date.now() + settings.expiresIn * 1000);
    send(res, 200, { access_token: token, token_type: settings.tokenType, ...(settings.expiresIn === null ? {} : { expires_in: settings.expiresIn }), ...(record.scope ? { scope: record.scope } : {}) });
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    port,
    requests,
    settings,
    failWith(status, body = '{"error":"server_error"}', contentType = 'application/json') {
      failure = status === undefined ? undefined : { status, body, contentType };
    },
    answerWith(body) {
      rawAnswer = body;
    },
    isValid(token) {
      const expiry = issued.get(token);
      return expiry !== undefined && Date.now() < expiry;
    },
    revokeAll() {
      issued.clear();
    },
    issued: () => [...everIssued],
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** An upstream handler (for startRecordingUpstream) that answers 401 unless the bearer token is valid at `tokens`. */
export function bearerProtected(tokens: OAuthTokenServer): UpstreamHandler {
  return (req, res, recorded) => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.isValid(token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      return res.end('{"error":"invalid_token"}');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, method: recorded.method, url: recorded.url, bodyBytes: recorded.bodyBytes }));
  };
}
