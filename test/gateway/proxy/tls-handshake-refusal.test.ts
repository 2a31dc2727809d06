// A backend that refuses the gateway's TLS handshake over its client certificate (none, or one it does not trust):
// the client is told the backend refused the handshake and why, where the backend's alert says, the log's `error`
// is the alert's code, and the request is not sent again (a refusal is no lost idle connection). In TLS 1.3 the
// server's alert comes after the client's side of the handshake is done, and undici reported only "other side closed".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { notReachedWords } from '../../../gateway/capture/failure-words';

let pki: TestPki;
const servers: TestTlsServer[] = [];
/** TCP connections each server accepted: a request sent again comes on a connection of its own. */
const connections = new Map<TestTlsServer, number>();
let gateway: TestGateway;

async function mtlsServer(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<TestTlsServer> {
  const server = await startTlsServer({ ...pki.server, clientCa: pki.ca.cert, maxVersion });
  connections.set(server, 0);
  server.server.on('connection', () => connections.set(server, connections.get(server)! + 1));
  servers.push(server);
  return server;
}

let tls13: TestTlsServer;
let tls12: TestTlsServer;
beforeAll(async () => {
  pki = await createTestPki();
  tls13 = await mtlsServer('TLSv1.3');
  tls12 = await mtlsServer('TLSv1.2');
  const trustingCa = { caSecret: { secret: 'test-ca', key: 'ca.crt' } };
  const untrustedCertificate = { type: 'client-certificate' as const, secret: 'foreign-client', caKey: 'ca.crt' };
  gateway = await startTestGateway(
    {
      services: [
        { name: 'none13', pathPrefix: '/none13', upstream: { url: tls13.url }, tls: trustingCa },
        { name: 'none12', pathPrefix: '/none12', upstream: { url: tls12.url }, tls: trustingCa },
        { name: 'foreign12', pathPrefix: '/foreign12', upstream: { url: tls12.url }, endpointSecurity: untrustedCertificate },
        { name: 'trusted13', pathPrefix: '/trusted13', upstream: { url: tls13.url }, endpointSecurity: { type: 'client-certificate', secret: 'client', caKey: 'ca.crt' } },
      ],
    },
    {
      'test-ca': { 'ca.crt': pki.ca.cert },
      'foreign-client': { crt: pki.foreignClient.cert, key: pki.foreignClient.key, 'ca.crt': pki.ca.cert },
      client: { crt: pki.client.cert, key: pki.client.key, 'ca.crt': pki.ca.cert },
    },
  );
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await request(`${gateway.url}${path}`);
  return { status: response.statusCode, body: await response.body.json() };
}

describe('a backend refusing the TLS handshake', () => {
  it('says a TLS 1.3 backend asked for a client certificate and none was sent, and does not send the GET again', async () => {
    const result = await get('/none13/x');
    expect(result).toEqual({
      status: 502,
      body: { message: `Upstream ${tls13.url}/ refused the TLS handshake: it asked for a client certificate and none was sent (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)` },
    });
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, error: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    expect(gateway.logs.at(-1)).not.toHaveProperty('resentAfter');
    expect(connections.get(tls13)).toBe(1);
    expect(tls13.requests).toEqual([]);
  });

  it("names a TLS 1.2 backend's handshake_failure, with no client certificate sent, and does not send the GET again", async () => {
    const before = connections.get(tls12)!;
    const result = await get('/none12/x');
    expect(result).toEqual({
      status: 502,
      body: { message: `Upstream ${tls12.url}/ refused the TLS handshake: no client certificate was sent, which it may require (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE)` },
    });
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    expect(gateway.logs.at(-1)).not.toHaveProperty('resentAfter');
    expect(connections.get(tls12)).toBe(before + 1);
  });

  it('says a TLS 1.2 backend ended the handshake after an untrusted client certificate, not that it reset a connection, and does not send the GET again', async () => {
    // Node's servers check a client certificate after OpenSSL's handshake and drop the connection with no alert.
    const before = connections.get(tls12)!;
    const result = await get('/foreign12/x');
    expect(result).toEqual({
      status: 502,
      body: { message: `Upstream ${tls12.url}/ ended the connection during the TLS handshake, after the client certificate was sent: it may not accept it (ECONNRESET)` },
    });
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, error: 'ECONNRESET' });
    expect(gateway.logs.at(-1)).not.toHaveProperty('resentAfter');
    expect(connections.get(tls12)).toBe(before + 1);
    expect(tls12.requests).toEqual([]);
  });

  it('still serves through a backend that accepts the client certificate', async () => {
    expect(await get('/trusted13/orders')).toEqual({ status: 200, body: { method: 'GET', url: '/orders', clientCommonName: 'gatehouse-client' } });
  });
});

describe("the traffic inspector's words for a backend not reached because it refused the handshake", () => {
  it('names what the alert says, or that the backend refused', () => {
    expect(notReachedWords('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')).toBe('TLS handshake refused by the backend: it asked for a client certificate and none was sent (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)');
    expect(notReachedWords('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).toBe('TLS handshake refused by the backend: it did not accept the client certificate (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)');
    expect(notReachedWords('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')).toBe('TLS handshake refused by the backend (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE)');
  });
});
