// The request log line of a token or CSRF token endpoint's failure says which endpoint failed and how: a headless
// operator reads a revoked client secret (invalid_client) apart from an outage (ECONNREFUSED) or a slow IdP
// (GATEHOUSE_CALL_DEADLINE). `error` stays the endpoint kind's code; nothing secret comes into the line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { request } from 'undici';
import { startTestGateway, basic, type TestGateway } from '../../support/gateway';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { OAuthTokenCache } from '../../../gateway/security/oauth-token-cache';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import { logCredentialEndpointFailure } from '../../../gateway/server/failure-answers';
import type { RequestLogEntry } from '../../../gateway/log/request-log';

// Port 1 on the loopback: nothing listens there, and nobody but root could.
const REFUSING = 'http://127.0.0.1:1';
const DESCRIPTION_SECRET = 'client-secret-in-description-42';
const QUERY_SECRET = 'tenant-key-in-query-99';

describe('the log line of a request whose token or CSRF token could not be had', () => {
  let upstream: RecordingUpstream;
  let refusing: OAuthTokenServer;
  let macIssuing: OAuthTokenServer;
  let api: CsrfApiServer;
  let gw: TestGateway;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    refusing = await startOAuthTokenServer({ clients: { client: 'client-secret' } });
    refusing.failWith(400, JSON.stringify({ error: 'invalid_client', error_description: `client secret ${DESCRIPTION_SECRET} is revoked` }));
    macIssuing = await startOAuthTokenServer({ clients: { client: 'client-secret' }, tokenType: 'mac' });
    api = await startCsrfApiServer({ authorization: basic('erp-user', 'another-password') });
    const oauth = (tokenUrl: string) => ({ type: 'oauth2-client-credentials' as const, tokenUrl, secret: 'oauth' });
    gw = await startTestGateway(
      {
        services: [
          { name: 'revoked', pathPrefix: '/revoked', upstream: { url: upstream.url }, endpointSecurity: oauth(refusing.tokenUrl) },
          { name: 'idpdown', pathPrefix: '/idpdown', upstream: { url: upstream.url }, endpointSecurity: oauth(`${REFUSING}/oauth/token?key=${QUERY_SECRET}`) },
          { name: 'mac', pathPrefix: '/mac', upstream: { url: upstream.url }, endpointSecurity: oauth(macIssuing.tokenUrl) },
          { name: 'erp', pathPrefix: '/erp', upstream: { url: api.url }, endpointSecurity: { type: 'basic', secret: 'erp-basic' }, csrf: { tokenEndpointUrl: api.tokenUrl } },
        ],
      },
      { oauth: { clientId: 'client', clientSecret: 'client-secret' }, 'erp-basic': { username: 'erp-user', password: 'erp-password' } },
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
    await refusing.close();
    await macIssuing.close();
    await api.close();
  });

  async function logLineOf(path: string, method = 'GET'): Promise<RequestLogEntry> {
    const before = gw.logs.length;
    const response = await request(`http://127.0.0.1:${gw.port}${path}`, { method, body: method === 'GET' ? undefined : '{}' });
    await response.body.dump();
    expect(response.statusCode).toBe(502);
    // The line is written when the response closes, which may come after the client has read it.
    await expect.poll(() => gw.logs.length).toBeGreaterThan(before);
    return gw.logs[before]!;
  }

  it('names the OAuth error of a 400 invalid_client, never its error_description', async () => {
    const line = await logLineOf('/revoked/a');
    expect(line).toMatchObject({ status: 502, error: 'GATEHOUSE_TOKEN_ENDPOINT', tokenEndpoint: refusing.tokenUrl, tokenEndpointStatus: 400, tokenEndpointError: 'invalid_client' });
    expect(JSON.stringify(line)).not.toContain(DESCRIPTION_SECRET);
  });

  it('names the code of a refused connection, with no status and without the token URL\'s query', async () => {
    const line = await logLineOf('/idpdown/a');
    expect(line).toMatchObject({ status: 502, error: 'GATEHOUSE_TOKEN_ENDPOINT', tokenEndpoint: `${REFUSING}/oauth/token`, tokenEndpointError: 'ECONNREFUSED' });
    expect(line).not.toHaveProperty('tokenEndpointStatus');
    expect(JSON.stringify(line)).not.toContain(QUERY_SECRET);
  });

  it('says a 200 with a token of another type was an unusable token response', async () => {
    const line = await logLineOf('/mac/a');
    expect(line).toMatchObject({ status: 502, error: 'GATEHOUSE_TOKEN_ENDPOINT', tokenEndpoint: macIssuing.tokenUrl, tokenEndpointStatus: 200, tokenEndpointError: 'INVALID_TOKEN_RESPONSE' });
  });

  it('names a CSRF token endpoint and the status it answered', async () => {
    const line = await logLineOf('/erp/orders', 'POST');
    expect(line).toMatchObject({ status: 502, error: 'GATEHOUSE_CSRF_TOKEN', tokenEndpoint: api.tokenUrl, tokenEndpointStatus: 401 });
    expect(line).not.toHaveProperty('tokenEndpointError');
  });
});

// The gateway's deadline for a token call is fixed (10 s); a cache with a short one gives the same error. The endpoint
// answers a head and drips its body a byte every 20 ms, so neither of undici's waits ends the call before the deadline.
describe('the log fields of a token call that ran out of its deadline', () => {
  let dripping: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    dripping = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
        const timer = setInterval(() => socket.write('x'), 20);
        socket.once('close', () => clearInterval(timer));
      });
    });
    dripping.listen(0, '127.0.0.1');
    await once(dripping, 'listening');
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    dripping.close();
  });

  it('name GATEHOUSE_CALL_DEADLINE, with the status whose body never came in full', async () => {
    const { port } = dripping.address() as AddressInfo;
    const tokenUrl = `http://127.0.0.1:${port}/token`;
    const cache = new OAuthTokenCache({ requestTimeoutMs: 500 });
    const error = await cache.source({ tokenUrl, clientId: 'c', clientSecret: 's', clientAuth: 'client_secret_basic' }).token().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialEndpointError);
    const entry = { status: 502 } as RequestLogEntry;
    logCredentialEndpointFailure(entry, error as CredentialEndpointError);
    expect(entry).toEqual({ status: 502, error: 'GATEHOUSE_TOKEN_ENDPOINT', tokenEndpoint: tokenUrl, tokenEndpointStatus: 200, tokenEndpointError: 'GATEHOUSE_CALL_DEADLINE' });
  });
});
