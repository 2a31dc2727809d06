// Token and CSRF endpoints that answer badly or slowly, from a raw server that writes every byte: the gateway's
// own calls must end, and say what the endpoint did rather than call it unreachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { OAuthTokenCache } from '../../../gateway/security/oauth-token-cache';
import { CsrfTokenStore } from '../../../gateway/security/csrf-token-store';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream';

/** Writes a head, then a body of `length` bytes one byte every 20 ms: never idle long enough for a body timeout (under 64 KiB, a body a reader that drops bodies would still read to its end). */
function drip(socket: Socket, head: string, length: number): void {
  socket.write(`${head}Content-Length: ${length}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => {
    if (sent++ < length && !socket.destroyed) socket.write('x');
    else clearInterval(timer);
  }, 20);
  socket.once('close', () => clearInterval(timer));
}

/** A whole JSON answer. */
function json(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

const SCENARIOS: Record<string, (socket: Socket) => void> = {
  '/token/drip': (socket) => drip(socket, 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n', 100_000),
  '/token/bad-header': (socket) => socket.end('HTTP/1.1 200 OK\r\nX-Bad : a\r\nContent-Length: 2\r\n\r\n{}'),
  '/token/length-list': (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1, 2\r\n\r\n{}'),
  '/token/continue': (socket) => socket.end(`HTTP/1.1 100 Continue\r\n\r\n${json(200, { access_token: 'after-continue', token_type: 'Bearer', expires_in: 60 })}`),
  '/token/switching': (socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'),
  '/token/switching-upgrade': (socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
  '/token/continue-then-close': (socket) => socket.end('HTTP/1.1 100 Continue\r\n\r\n'),
  // 102s and never a final answer, the connection held open: more than the 16 KiB the 1xx heads of a request may take.
  '/token/processing-forever': (socket) => socket.write('HTTP/1.1 102 Processing\r\n\r\n'.repeat(1_500)),
  '/csrf/drip': (socket) => drip(socket, 'HTTP/1.1 200 OK\r\nX-CSRF-Token: dripped-token\r\n', 60_000),
  '/csrf/continue': (socket) => socket.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-CSRF-Token: after-continue\r\nContent-Length: 0\r\n\r\n'),
  '/csrf/switching': (socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'),
  '/csrf/bad-header': (socket) => socket.end('HTTP/1.1 200 OK\r\nX-CSRF-Token: t\r\nX-Bad : a\r\nContent-Length: 0\r\n\r\n'),
};

/**
 * A node:http token endpoint that reads the whole request, sends `200` with `Content-Length: 200` and part of its JSON
 * body, and destroys the socket once those bytes are out (the request read, so the close is a FIN, not a reset).
 */
async function startBodyCuttingEndpoint(): Promise<{ tokenUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"access_token":"cut-', () => res.socket?.destroy());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let endpoint: RawUpstream;
let base: string;
beforeAll(async () => {
  endpoint = await startRawUpstream((socket, path) => {
    const scenario = SCENARIOS[path];
    if (scenario) scenario(socket);
    else socket.destroy();
  });
  base = `http://127.0.0.1:${endpoint.port}`;
});
afterAll(() => endpoint.close());

async function failureOf(promise: Promise<unknown>): Promise<CredentialEndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialEndpointError);
  return error as CredentialEndpointError;
}

const grant = (path: string) => ({ tokenUrl: `${base}${path}`, clientId: 'c', clientSecret: 's', clientAuth: 'client_secret_basic' as const });

describe('a token endpoint', () => {
  it('that drips its answer is given up at the whole call’s deadline, not only when it goes quiet', async () => {
    const error = await failureOf(new OAuthTokenCache({ requestTimeoutMs: 500 }).source(grant('/token/drip')).token());
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe(`token endpoint ${base}/token/drip did not answer in full within 0.5 s (GATEHOUSE_CALL_DEADLINE)`);
  });

  it('that sends an invalid response is said to, not called unreachable', async () => {
    const error = await failureOf(new OAuthTokenCache().source(grant('/token/bad-header')).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toMatch(new RegExp(`^token endpoint ${base}/token/bad-header sent an invalid HTTP response \\(.+\\) \\(HTTP_PARSER_ERROR\\)$`));
  });

  // undici reported this one as a body not matching its length; the reason is llhttp's.
  it('that sends an invalid Content-Length is said to, with the reason', async () => {
    const error = await failureOf(new OAuthTokenCache().source(grant('/token/length-list')).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toBe(`token endpoint ${base}/token/length-list sent a response with an invalid Content-Length (Invalid character in Content-Length) (INVALID_CONTENT_LENGTH)`);
  });

  // RFC 9110 §15.2: a client parses any 1xx before the final answer, asked for or not (it was a failure, UNREQUESTED_CONTINUE, until 2 Dec).
  it('that answers 100 Continue, which nobody asked for, and then its token gives that token', async () => {
    expect((await new OAuthTokenCache().source(grant('/token/continue')).token()).value).toBe('after-continue');
  });

  // Without Upgrade and `Connection: upgrade`, undici failed an assertion on what followed: "could not read" (until 2 Dec).
  it.each(['/token/switching', '/token/switching-upgrade'])('%s: a 101 it did not ask for is said to, with or without the upgrade fields', async (path) => {
    const error = await failureOf(new OAuthTokenCache().source(grant(path)).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toBe(`token endpoint ${base}${path} answered 101 Switching Protocols, which the gateway did not ask for (UNREQUESTED_UPGRADE)`);
  });

  // Each 1xx restarts undici's wait for the head: only the call's deadline ended this one, called a timeout.
  it('that sends informational answers and never a final one is said to, before the call\'s deadline', async () => {
    const error = await failureOf(new OAuthTokenCache({ requestTimeoutMs: 600_000 }).source(grant('/token/processing-forever')).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toBe(`token endpoint ${base}/token/processing-forever sent informational (1xx) answers over the 16 KiB limit of a response head, and no final answer (TOO_MANY_INTERIM_ANSWERS)`);
  });

  // It answered (a 200 head came): until 3 Dec this was said to have closed "before answering".
  it('that closes in the middle of its body is said to have closed before its response was complete', async () => {
    const cutting = await startBodyCuttingEndpoint();
    try {
      const error = await failureOf(new OAuthTokenCache().source({ ...grant(''), tokenUrl: cutting.tokenUrl }).token());
      expect(error.failure).toBe('misbehaved');
      expect(error.upstreamStatus).toBe(200);
      expect(error.message).toBe(`token endpoint ${cutting.tokenUrl} closed the connection before its response was complete (UND_ERR_SOCKET)`);
    } finally {
      await cutting.close();
    }
  });

  it('that answers 100 Continue and closes is said to have closed before answering', async () => {
    const error = await failureOf(new OAuthTokenCache().source(grant('/token/continue-then-close')).token());
    expect(error.message).toBe(`token endpoint ${base}/token/continue-then-close closed the connection before answering (UND_ERR_SOCKET)`);
  });
});

describe('a CSRF token endpoint', () => {
  it('that drips its body gives its token from the head at once: the body is not waited for', async () => {
    const token = await new CsrfTokenStore({ requestTimeoutMs: 60_000 }).source({ tokenEndpointUrl: `${base}/csrf/drip`, identity: 'anonymous' }).token();
    expect(token.value).toBe('dripped-token');
  });

  it('that answers 100 Continue, which nobody asked for, and then its token gives that token', async () => {
    expect((await new CsrfTokenStore().source({ tokenEndpointUrl: `${base}/csrf/continue`, identity: 'anonymous' }).token()).value).toBe('after-continue');
  });

  it('that answers 101 Switching Protocols, which nobody asked for, is said to', async () => {
    const error = await failureOf(new CsrfTokenStore().source({ tokenEndpointUrl: `${base}/csrf/switching`, identity: 'anonymous' }).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toBe(`CSRF token endpoint ${base}/csrf/switching answered 101 Switching Protocols, which the gateway did not ask for (UNREQUESTED_UPGRADE)`);
  });

  it('that sends an invalid response is said to, not called unreachable', async () => {
    const error = await failureOf(new CsrfTokenStore().source({ tokenEndpointUrl: `${base}/csrf/bad-header`, identity: 'anonymous' }).token());
    expect(error.failure).toBe('misbehaved');
    expect(error.message).toMatch(/^CSRF token endpoint .+\/csrf\/bad-header sent an invalid HTTP response \(.+\) \(HTTP_PARSER_ERROR\)$/);
  });
});
