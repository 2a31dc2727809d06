// Kyma's Application Gateway e2e mock application, ported to Node: the same routes, credentials and answers as
// kyma-project/application-connector-manager tests/internal/testkit/test-api (apis.go, basicauth.go, oauth.go,
// csrf.go, requestparams.go, handlers.go) and tests/tools/external-api-mock-app/config.go, so the e2e cases in
// tests/resources/charts/gateway-test/.../applications/*.yml can run against Gatehouse with real servers.
// Deliberately kept as Kyma wrote it, odd answers included (a wrong Basic login is 403, a bad request parameter 400).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from './test-certificates';

/** config.go NewConfig. */
export const KYMA_MOCK = {
  basic: { username: 'user', password: 'passwd' },
  oauth: { clientId: 'clientID', clientSecret: 'clientSecret' },
  requestHeaders: { Hkey1: ['Hval1'], Hkey2: ['Hval21', 'Hval22'] } as Record<string, string[]>,
  requestQueryParameters: { Qkey1: ['Qval1'], Qkey2: ['Qval21', 'Qval22'] } as Record<string, string[]>,
};

const CSRF_HEADER = 'x-csrf-token';
const CSRF_COOKIE = 'csrftokencookie';
const DEFAULT_TOKEN_LIFETIME_S = 5 * 60;

export interface KymaMockRequest {
  method: string;
  url: string;
  /** Each raw header line's value by lower-case name, as Go's Header.Values reads them. */
  headerLines: Map<string, string[]>;
  body: string;
}

export interface KymaMockApp {
  /** http://127.0.0.1:PORT: the API on Kyma's port 8080. */
  url: string;
  /** https://127.0.0.1:PORT: the mutual-TLS API on Kyma's port 8090 (only with `mtls`). */
  mtlsUrl?: string;
  /** Every request either server read, in order. */
  requests: KymaMockRequest[];
  close(): Promise<void>;
}

export interface KymaMockOptions {
  /** Serve SetupMTLSRoutes too, over TLS with this server certificate, demanding a client certificate from `clientCa`. */
  mtls?: { server: KeyPair; clientCa: string };
  /** Where /v1/api/redirect/external sends the client (Kyma: the gateway's own health endpoint on another port). */
  externalRedirect?: string;
}

function headerLines(req: IncomingMessage): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    lines.set(name, [...(lines.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  return lines;
}

/** Go's Request.Cookie: the first cookie of the name, across Cookie lines. */
function cookie(req: KymaMockRequest, name: string): string | undefined {
  for (const line of req.headerLines.get('cookie') ?? []) {
    for (const pair of line.split(';')) {
      const [key, ...value] = pair.trim().split('=');
      if (key === name) return value.join('=');
    }
  }
  return undefined;
}

/** Go's Request.BasicAuth. */
function basicAuth(req: KymaMockRequest): { user: string; password: string } | undefined {
  const match = /^Basic (.*)$/i.exec(req.headerLines.get('authorization')?.[0] ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Go's FormValue on a POST: the form body's value first, then the URL query's. */
function formValue(req: KymaMockRequest, name: string): string {
  const contentType = req.headerLines.get('content-type')?.[0] ?? '';
  const form = contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(req.body) : new URLSearchParams();
  return form.get(name) ?? new URL(req.url, 'http://mock').searchParams.get(name) ?? '';
}

/** The part of Go's time.ParseDuration the e2e cases use: `5s`, `2m`, `500ms`. */
function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) return undefined;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

type Handler = (req: KymaMockRequest, res: ServerResponse) => void;

export async function startKymaMockApp(options: KymaMockOptions = {}): Promise<KymaMockApp> {
  const requests: KymaMockRequest[] = [];
  const oauthTokens = new Map<string, number>(); // token → expiry (ms since epoch)
  const csrfTokens = new Set<string>(); // shared by both servers, as in server.go

  const fail = (res: ServerResponse, status: number) => {
    res.writeHead(status);
    res.end();
  };
  const ok: Handler = (_req, res) => fail(res, 200);

  // Middlewares, in the order apis.go applies them (the first one Use()d runs first).
  const withBasic = (next: Handler): Handler => (req, res) => {
    const login = basicAuth(req);
    if (!login || login.user !== KYMA_MOCK.basic.username || login.password !== KYMA_MOCK.basic.password) return fail(res, 403);
    next(req, res);
  };
  const withOAuth = (next: Handler): Handler => (req, res) => {
    const parts = (req.headerLines.get('authorization')?.[0] ?? '').split('Bearer');
    if (parts.length !== 2) return fail(res, 401);
    const expiry = oauthTokens.get(parts[1]!.trim());
    if (expiry === undefined || expiry <= Date.now()) return fail(res, 401);
    next(req, res);
  };
  const withCsrf = (next: Handler): Handler => (req, res) => {
    const header = req.headerLines.get(CSRF_HEADER)?.[0] ?? '';
    if (header === '' || !csrfTokens.has(header)) return fail(res, 403);
    const fromCookie = cookie(req, CSRF_COOKIE);
    if (fromCookie === undefined || !csrfTokens.has(fromCookie)) return fail(res, 403);
    next(req, res);
  };
  const withRequestParameters = (next: Handler): Handler => (req, res) => {
    const query = new URL(req.url, 'http://mock').searchParams;
    for (const [name, expected] of Object.entries(KYMA_MOCK.requestHeaders)) {
      const actual = req.headerLines.get(name.toLowerCase()) ?? [];
      if (!expected.every((value) => actual.includes(value))) return fail(res, 400);
    }
    for (const [name, expected] of Object.entries(KYMA_MOCK.requestQueryParameters)) {
      const actual = query.getAll(name);
      if (!expected.every((value) => actual.includes(value))) return fail(res, 400);
    }
    next(req, res);
  };

  const oauthClientValid = (req: KymaMockRequest) =>
    formValue(req, 'client_id') === KYMA_MOCK.oauth.clientId && formValue(req, 'client_secret') === KYMA_MOCK.oauth.clientSecret && formValue(req, 'grant_type') === 'client_credentials';
  const token: Handler = (req, res) => {
    if (!oauthClientValid(req)) return fail(res, 403);
    const lifetime = parseDuration(new URL(req.url, 'http://mock').searchParams.get('token_lifetime') ?? '') ?? DEFAULT_TOKEN_LIFETIME_S;
    const accessToken = randomUUID();
    oauthTokens.set(accessToken, Date.now() + lifetime * 1000);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: accessToken, token_type: 'bearer', expires_in: Math.trunc(lifetime) }));
  };
  // oauth.go MTLSToken: the TLS server has verified the client's certificate; only client_id and the grant are read.
  const mtlsToken: Handler = (req, res) => {
    if (formValue(req, 'client_id') !== KYMA_MOCK.oauth.clientId || formValue(req, 'grant_type') !== 'client_credentials') return fail(res, 403);
    const accessToken = randomUUID();
    oauthTokens.set(accessToken, Date.now() + DEFAULT_TOKEN_LIFETIME_S * 1000);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: accessToken, token_type: 'bearer', expires_in: 3600 }));
  };
  // A token the API never accepts; `expires_in` left out (omitempty of 0), as oauth.go BadToken sends it.
  const badToken: Handler = (req, res) => {
    if (!oauthClientValid(req)) return fail(res, 403);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: randomUUID(), token_type: 'bearer' }));
  };
  const csrfToken = (remember: boolean): Handler => (_req, res) => {
    const value = randomUUID();
    if (remember) csrfTokens.add(value);
    res.writeHead(200, { [CSRF_HEADER]: value, 'set-cookie': `${CSRF_COOKIE}=${value}` });
    res.end();
  };
  const echo: Handler = (req, res) => {
    const headers: Record<string, string[]> = Object.fromEntries(req.headerLines);
    res.writeHead(200, { 'content-type': 'application/json' });
    // Go encodes the []byte body as base64.
    res.end(JSON.stringify({ body: Buffer.from(req.body).toString('base64'), headers, method: req.method, query: new URL(req.url, 'http://mock').search.slice(1) }));
  };
  const code: Handler = (req, res) => {
    const status = Number(/\/code\/(\d+)$/.exec(new URL(req.url, 'http://mock').pathname)![1]);
    if (status < 200) {
      // Go's WriteHeader(1xx) sends an informational answer; the body write then implies 200.
      res.socket!.write(`HTTP/1.1 ${status} Informational\r\n\r\n`);
      res.writeHead(200);
    } else {
      res.writeHead(status);
    }
    res.end(String(status));
  };
  // handlers.go timeout: answers only once the request's context is done, i.e. never for a caller that waits.
  const timeout: Handler = () => undefined;
  const redirectTo = (location: string): Handler => (_req, res) => {
    res.writeHead(307, { location, 'content-type': 'text/html; charset=utf-8' });
    res.end(`<a href="${location}">Temporary Redirect</a>.\n`);
  };

  const routes: [method: string | string[] | '*', path: string, handler: Handler][] = [
    ['GET', '/v1/health', ok],
    ['POST', '/v1/api/oauth/token', token],
    ['POST', '/v1/api/oauth/bad-token', badToken],
    ['GET', '/v1/api/csrf/token', csrfToken(true)],
    ['GET', '/v1/api/csrf/bad-token', csrfToken(false)],
    ['GET', '/v1/api/unsecure/ok', ok],
    [['PUT', 'POST', 'DELETE'], '/v1/api/unsecure/echo', echo],
    ['GET', '/v1/api/unsecure/timeout', timeout],
    ['GET', '/v1/api/basic/ok', withBasic(ok)],
    ['GET', '/v1/api/oauth/ok', withOAuth(ok)],
    ['GET', '/v1/api/csrf-basic/ok', withCsrf(withBasic(ok))],
    ['GET', '/v1/api/csrf-oauth/ok', withCsrf(withOAuth(ok))],
    ['GET', '/v1/api/request-parameters-basic/ok', withRequestParameters(withBasic(ok))],
    ['GET', '/v1/api/redirect/ok/target', ok],
    ['*', '/v1/api/redirect/ok', redirectTo('/v1/api/redirect/ok/target')],
    ['GET', '/v1/api/redirect/basic/target', withBasic(ok)],
    ['*', '/v1/api/redirect/basic', redirectTo('/v1/api/redirect/basic/target')],
    ['*', '/v1/api/redirect/external', redirectTo(options.externalRedirect ?? 'http://127.0.0.1:9/v1/health')],
  ];
  const mtlsRoutes: typeof routes = [
    ['GET', '/v1/health', ok],
    ['POST', '/v1/api/mtls-oauth/token', mtlsToken],
    ['GET', '/v1/api/mtls/ok', ok],
    ['GET', '/v1/api/csrf-mtls/ok', withCsrf(ok)],
  ];

  const serve = (table: typeof routes) => (raw: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const req: KymaMockRequest = { method: raw.method ?? '', url: raw.url ?? '', headerLines: headerLines(raw), body: Buffer.concat(chunks).toString('utf8') };
      requests.push(req);
      const path = new URL(req.url, 'http://mock').pathname;
      if (path === '/v1/api/unsecure/code/' || /^\/v1\/api\/unsecure\/code\/\d+$/.test(path)) {
        return req.method === 'GET' ? code(req, res) : fail(res, 405);
      }
      const route = table.find(([, p]) => p === path);
      if (!route) return fail(res, 404);
      const [method, , handler] = route;
      const allowed = method === '*' || (Array.isArray(method) ? method.includes(req.method) : method === req.method);
      if (!allowed) return fail(res, 405);
      handler(req, res);
    });
  };

  const servers: Server[] = [];
  const listen = async (server: Server) => {
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(createHttpServer(serve(routes)));
  let mtlsUrl: string | undefined;
  if (options.mtls) {
    const tlsServer = createHttpsServer({ cert: options.mtls.server.cert, key: options.mtls.server.key, ca: options.mtls.clientCa, requestCert: true, rejectUnauthorized: true }, serve(mtlsRoutes));
    mtlsUrl = `https://127.0.0.1:${await listen(tlsServer)}`;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    mtlsUrl,
    requests,
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}
