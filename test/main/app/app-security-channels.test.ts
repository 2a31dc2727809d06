import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import type { IpcEnvelope } from '../../../main/ipc/contract';

// The two checks the service form asks main for: one OAuth token with the saved settings (never returned),
// and a pasted client certificate with its key.
const CLIENT_SECRET = `cs-${randomUUID()}`;
let dataDir: string;
let app: AppServices;
let tokens: OAuthTokenServer;
let pki: TestPki;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

beforeAll(async () => {
  pki = await createTestPki();
  const entry = await builtGatewayEntry();
  tokens = await startOAuthTokenServer({ clients: { 'gatehouse-client': CLIENT_SECRET }, expiresIn: 600 });
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-app-security-'));
  app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), keychainService: `Gatehouse-test-${randomUUID()}`, gatewayPort: 0 });
  await app.startGateway();
}, 60_000);

afterAll(async () => {
  await call('secrets:delete', { name: 'orders-oauth' }).catch(() => undefined);
  await app?.shutdown();
  await tokens?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('security:fetch-token', () => {
  it('fetches one token with the saved OAuth settings (token request parameters too) and answers its lifetime, never the token or secret', async () => {
    await call('secrets:set', { name: 'orders-oauth', data: { clientId: 'gatehouse-client', clientSecret: CLIENT_SECRET, headers: '{"X-Tenant": ["acme"]}' } });
    const saved = await call<{ ok: boolean }>('workspace:save', {
      services: [{
        name: 'orders', pathPrefix: '/orders', upstream: { url: 'http://127.0.0.1:9' },
        endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: tokens.tokenUrl, secret: 'orders-oauth', clientAuth: 'client_secret_post', scope: 'read', tokenRequestHeadersKey: 'headers', tokenRequestQueryParametersKey: 'queryParameters' },
      }],
    });
    expect(saved.ok).toBe(true);
    const before = tokens.requests.length;
    const envelope = await app.dispatch('security:fetch-token', { service: 'orders', environment: 'production' });
    expect(envelope).toMatchObject({ ok: true, value: { ok: true, tokenType: 'Bearer' } });
    if (!envelope.ok) return;
    const value = envelope.value as { expiresInSeconds: number };
    expect(value.expiresInSeconds).toBeGreaterThan(590);
    expect(value.expiresInSeconds).toBeLessThanOrEqual(600);
    expect(Object.keys(value).sort()).toEqual(['expiresInSeconds', 'ok', 'tokenType']);
    expect(JSON.stringify(envelope)).not.toContain(CLIENT_SECRET);
    expect(tokens.requests.slice(before)).toMatchObject([{ clientAuth: 'client_secret_post', clientId: 'gatehouse-client', scope: 'read', url: '/oauth/token', headers: { 'x-tenant': 'acme' }, accepted: true }]);
  });

  it('names the token URL and status when the token endpoint refuses, without the secret', async () => {
    tokens.failWith(401, JSON.stringify({ error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` }));
    try {
      const envelope = await app.dispatch('security:fetch-token', { service: 'orders', environment: 'production' });
      expect(envelope).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_TOKEN_ENDPOINT' } });
      if (envelope.ok) return;
      expect(envelope.error.message).toContain(new URL(tokens.tokenUrl).origin);
      expect(envelope.error.message).toContain('401');
      expect(JSON.stringify(envelope)).not.toContain(CLIENT_SECRET);
    } finally {
      tokens.failWith(undefined);
    }
  });

  it('says what is wrong when there is nothing to fetch with', async () => {
    expect(await app.dispatch('security:fetch-token', { service: 'nope', environment: 'production' })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_NO_SUCH_SERVICE' } });
    expect(await app.dispatch('security:fetch-token', { service: 'orders', environment: 'sandbox' })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_NO_SANDBOX' } });
    expect(await app.dispatch('security:fetch-token', { service: 'orders', environment: 'staging' })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST' } });
    await call('secrets:delete', { name: 'orders-oauth' });
    const missing = await app.dispatch('security:fetch-token', { service: 'orders', environment: 'production' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_MISSING_SECRET', message: expect.stringContaining('orders-oauth') } });
  });
});

describe('security:check-certificate', () => {
  it('answers subject, issuer and validity of a matching certificate and key', async () => {
    const info = await call<{ subject: string; issuer: string; validTo: string }>('security:check-certificate', { crt: pki.client.cert, key: pki.client.key });
    expect(info.subject).toContain('CN=');
    expect(info.issuer).toContain('CN=');
    expect(Date.parse(info.validTo)).toBeGreaterThan(Date.now());
  });

  it('refuses a key of another certificate, an expired certificate and non-PEM text, never quoting the key', async () => {
    const mismatch = await app.dispatch('security:check-certificate', { crt: pki.client.cert, key: pki.foreignClient.key });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_CLIENT_CERTIFICATE', message: expect.stringContaining('does not belong to') } });
    // Either may be the wrong one: both fields are named.
    expect(mismatch).toMatchObject({ ok: false, error: { errors: [
      { path: 'crt', message: 'the certificate does not match the private key' },
      { path: 'key', message: expect.stringMatching(/^the private key does not belong to the certificate \(subject /) },
    ] } });
    expect(JSON.stringify(mismatch)).not.toContain(pki.foreignClient.key.split('\n')[1]!);
    const expired = await app.dispatch('security:check-certificate', { crt: pki.expiredClient.cert, key: pki.expiredClient.key });
    expect(expired).toMatchObject({ ok: false, error: { message: expect.stringContaining('expired') } });
    const garbage = await app.dispatch('security:check-certificate', { crt: 'hello', key: 'world' });
    expect(garbage).toMatchObject({ ok: false, error: { message: expect.stringContaining('not a PEM certificate') } });
    // A key alone unreadable is the key field's.
    const badKey = await app.dispatch('security:check-certificate', { crt: pki.client.cert, key: 'world' });
    expect(badKey).toMatchObject({ ok: false, error: { errors: [{ path: 'key', message: 'the private key is not a readable PEM private key' }] } });
    // Both unreadable: both said, each for its own field, not the key only once the certificate is fixed.
    expect(garbage).toMatchObject({ ok: false, error: { errors: [
      { path: 'crt', message: 'the certificate is not a PEM certificate (expected "-----BEGIN CERTIFICATE-----")' },
      { path: 'key', message: 'the private key is not a readable PEM private key' },
    ] } });
  });
});

describe('security:check-ca', () => {
  it('counts the certificates of a CA bundle, read as the gateway reads one', async () => {
    expect(await call('security:check-ca', { pem: `${pki.ca.cert}\n${pki.ca.cert}` })).toEqual({ certificates: 2 });
  });

  it('refuses text with no certificate, or a certificate that cannot be read, with the gateway\'s words', async () => {
    expect(await app.dispatch('security:check-ca', { pem: 'garbage CA' })).toMatchObject({ ok: false, error: { code: 'GATEHOUSE_CA_BUNDLE', message: 'the text holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")' } });
    const unreadable = `${pki.ca.cert}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----`;
    expect(await app.dispatch('security:check-ca', { pem: unreadable })).toMatchObject({ ok: false, error: { message: 'the text: certificate 2 of 2 is not readable' } });
  });
});
