import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface CsrfRequestRecord {
  method: string;
  url: string;
  status: number;
  authorization?: string;
  csrfToken?: string;
  cookie?: string;
  accept?: string;
  cacheControl?: string;
  bodyBytes: number;
}

export interface CsrfApiServerOptions {
  /** The `Authorization` value every request (the token fetch too) must carry; none checked when absent. */
  authorization?: string | ((value: string | undefined) => boolean);
  /** Max-Age of the session cookie; a session cookie without expiry when absent. */
  sessionMaxAgeSeconds?: number;
  /**
   * The session cookie's value for a session id, e.g. with a space in it (`${id} x`); the id when absent. Read back
   * as servers read a Cookie header: one pair of double quotes removed, from what was set and what comes back.
   */
  sessionValue?: (id: string) => string;
}

export interface CsrfApiServer {
  url: string;
  /** Where tokens are fetched (any path works; this one is conventional). */
  tokenUrl: string;
  port: number;
  /** Token fetches (`X-CSRF-Token: Fetch`) answered with a token. */
  fetches: number;
  requests: CsrfRequestRecord[];
  /** Ends every session: tokens issued so far are answered with 403 from now on. */
  rotate(): void;
  /** Every token and session id issued so far (to scan captures for them). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

const SESSION_COOKIE = 'SAP_SESSIONID_GH1';

/** A cookie value as servers take it (Go's net/http, the `cookie` package): one pair of double quotes removed. */
const unquoted = (value: string) => value.replace(/^"(.*)"$/, '$1');

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [k, ...v] = pair.trim().split('=');
    if (k === name) return unquoted(v.join('='));
  }
  return undefined;
}

/**
 * A real SAP-style CSRF-protected API on 127.0.0.1: `X-CSRF-Token: Fetch` on any GET issues a token bound to a
 * session cookie; modifying requests without the current token of their session get 403 `X-CSRF-Token: Required`.
 */
export async function startCsrfApiServer(options: CsrfApiServerOptions = {}): Promise<CsrfApiServer> {
  const sessions = new Map<string, string>(); // session cookie value (unquoted) → token
  const requests: CsrfRequestRecord[] = [];
  const state = { fetches: 0 };
  const issued: string[] = [];
  const authorized = (value: string | undefined) =>
    options.authorization === undefined || (typeof options.authorization === 'function' ? options.authorization(value) : value === options.authorization);

  const respond = (res: ServerResponse, record: CsrfRequestRecord, status: number, headers: Record<string, string | string[]> = {}, body?: unknown) => {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body ?? { status }));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const csrfHeader = req.headers['x-csrf-token'];
    const record: CsrfRequestRecord = {
      method: req.method ?? '', url: req.url ?? '', status: 0, bodyBytes: 0,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof csrfHeader === 'string' ? { csrfToken: csrfHeader } : {}),
      ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      ...(req.headers['cache-control'] ? { cacheControl: req.headers['cache-control'] } : {}),
    };
    requests.push(record);
    req.on('data', (c: Buffer) => {
      record.bodyBytes += c.length;
    });
    req.on('end', () => {
      if (!authorized(req.headers.authorization)) return respond(res, record, 401, { 'www-authenticate': 'Basic realm="api"' });
      const method = req.method ?? 'GET';
      if (method === 'GET' && typeof csrfHeader === 'string' && csrfHeader.toLowerCase() === 'fetch') {
        state.fetches += 1;
        const id = randomBytes(12).toString('hex');
        const session = options.sessionValue?.(id) ?? id;
        const token = randomBytes(18).toString('base64');
        sessions.set(unquoted(session), token);
        issued.push(token, id);
        const maxAge = options.sessionMaxAgeSeconds === undefined ? '' : `; Max-Age=${options.sessionMaxAgeSeconds}`;
        return respond(res, record, 200, { 'x-csrf-token': token, 'set-cookie': [`${SESSION_COOKIE}=${session}; Path=/; HttpOnly${maxAge}`, 'sap-usercontext=sap-client=100; Path=/'] });
      }
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return respond(res, record, 200, {}, { ok: true, method });
      const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const expected = session === undefined ? undefined : sessions.get(session);
      if (expected === undefined || csrfHeader !== expected) return respond(res, record, 403, { 'x-csrf-token': 'Required' }, { error: 'CSRF token validation failed' });
      respond(res, record, 200, {}, { ok: true, method, bodyBytes: record.bodyBytes });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tokenUrl: `${url}/sap/opu/odata/sap/API/`,
    port,
    get fetches() {
      return state.fetches;
    },
    requests,
    rotate() {
      sessions.clear();
    },
    issuedTokens: () => [...issued],
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
