// A caller cannot name its own client certificate to a backend through the gateway: the fields a TLS-terminating
// proxy uses for it are removed, as Envoy's default `forward_client_cert_details: SANITIZE` removes them from a
// connection that is not mutual TLS (gateway/config/header-rules.ts CLIENT_CERTIFICATE_HEADERS). Real gateway,
// real recording backend; the request is written raw so that every spelling reaches the gateway as sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { rawRequest, statusOf } from '../../support/raw-http';

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway({ services: [{ name: 'orders', pathPrefix: '/orders', upstream: { url: upstream.url } }] });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe('client-certificate fields sent by a caller', () => {
  it.each([
    ['Envoy / Istio', 'X-Forwarded-Client-Cert', 'By=spiffe://cluster.local/ns/apk/sa/backend;Hash=0f;Subject="CN=admin";URI=spiffe://cluster.local/ns/apk/sa/admin'],
    ['RFC 9440', 'Client-Cert', ':MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6:'],
    ['RFC 9440', 'Client-Cert-Chain', ':MIIB5jCCAYugAwIBAgIBFjAKBggqhkjOPQQDAjBW:'],
    ['ingress-nginx', 'ssl-client-cert', '-----BEGIN%20CERTIFICATE-----%0AMIIB'],
    ['ingress-nginx', 'ssl-client-verify', 'SUCCESS'],
    ['ingress-nginx', 'ssl-client-subject-dn', 'CN=admin'],
    ['ingress-nginx', 'ssl-client-issuer-dn', 'CN=trusted-ca'],
    ['Traefik', 'X-Forwarded-Tls-Client-Cert', 'MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6'],
    ['Traefik', 'X-Forwarded-Tls-Client-Cert-Info', 'Subject%3D%22CN%3Dadmin%22'],
    ['Envoy, as a CGI/WSGI backend reads it', 'X_Forwarded_Client_Cert', 'Subject="CN=admin"'],
  ])('%s: %s never reaches the backend, and the request is still served', async (_source, name, value) => {
    const before = upstream.requests.length;
    const raw = await rawRequest(gateway.port, `GET /orders/1 HTTP/1.1\r\nHost: gw.test\r\n${name}: ${value}\r\nX-Kept: k\r\nConnection: close\r\n\r\n`);
    expect(statusOf(raw)).toBe(200);
    const seen = upstream.requests[before]!;
    expect(seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())).not.toContain(name.toLowerCase());
    expect(seen.headers['x-kept']).toBe('k');
    // Nor does the gateway put one of its own there: it has no client certificate to name.
    expect(seen.headers['x-forwarded-client-cert']).toBeUndefined();
  });
});
