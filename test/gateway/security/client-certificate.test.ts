import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { Pool } from 'undici';
import { ClientCertificateError, checkClientCertificate, checkKeyMatchesCertificate } from '../../../gateway/security/client-certificate';
import { CaBundleError, parseCaBundle, upstreamTlsProfile, type UpstreamTlsSettings } from '../../../gateway/security/upstream-tls';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

function problemOf(fn: () => unknown): ClientCertificateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientCertificateError);
    return error as ClientCertificateError;
  }
  throw new Error('expected a ClientCertificateError');
}

function keyBody(pem: string): string {
  return pem.split('\n')[1]!;
}

describe('checkKeyMatchesCertificate', () => {
  const origin = { certificate: 'secret "erp-mtls" key "crt"', privateKey: 'secret "erp-mtls" key "key"' };

  it('accepts a certificate with its own key', () => {
    expect(checkKeyMatchesCertificate(pki.client.cert, pki.client.key).subject).toBe('CN=gatehouse-client');
  });

  it('refuses a key that belongs to another certificate, naming both secret keys and no key material', () => {
    const error = problemOf(() => checkKeyMatchesCertificate(pki.client.cert, pki.strayKey, origin));
    expect(error.problem).toBe('key-mismatch');
    expect(error.code).toBe('GATEHOUSE_CLIENT_CERTIFICATE');
    expect(error.message).toBe('secret "erp-mtls" key "key" does not belong to secret "erp-mtls" key "crt" (subject CN=gatehouse-client)');
    expect(error.message).not.toContain(keyBody(pki.strayKey));
  });

  it('refuses the key of a sibling certificate from the same CA', () => {
    expect(problemOf(() => checkKeyMatchesCertificate(pki.client.cert, pki.expiredClient.key)).problem).toBe('key-mismatch');
  });

  it('refuses a public key, garbage and an unreadable certificate', () => {
    const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(problemOf(() => checkKeyMatchesCertificate(pki.client.cert, publicKey)).problem).toBe('invalid-private-key');
    expect(problemOf(() => checkKeyMatchesCertificate(pki.client.cert, 'not a key')).problem).toBe('invalid-private-key');
    expect(problemOf(() => checkKeyMatchesCertificate('not a certificate', pki.client.key, origin)).message).toBe(
      'secret "erp-mtls" key "crt" is not a PEM certificate (expected "-----BEGIN CERTIFICATE-----")',
    );
    const broken = pki.client.cert.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA');
    expect(problemOf(() => checkKeyMatchesCertificate(broken, pki.client.key)).problem).toBe('invalid-certificate');
  });

  it('refuses an encrypted key with a hint instead of asking for a passphrase', () => {
    const encrypted = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const error = problemOf(() => checkKeyMatchesCertificate(pki.client.cert, encrypted, origin));
    expect(error.problem).toBe('encrypted-private-key');
    expect(error.message).toMatch(/^secret "erp-mtls" key "key" is encrypted/);
  });
});

describe('checkClientCertificate', () => {
  it('describes a valid certificate', () => {
    const info = checkClientCertificate({ certificate: pki.client.cert, privateKey: pki.client.key });
    expect(info).toMatchObject({ subject: 'CN=gatehouse-client', issuer: 'CN=Gatehouse Test CA' });
    expect(info.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('refuses an expired certificate and one not valid yet', () => {
    const expired = problemOf(() => checkClientCertificate({ certificate: pki.expiredClient.cert, privateKey: pki.expiredClient.key }));
    expect(expired.problem).toBe('expired');
    expect(expired.message).toMatch(/^the certificate expired on \d{4}-\d\d-\d\dT.*\(subject CN=expired-client\)$/);
    const early = problemOf(() => checkClientCertificate({ certificate: pki.client.cert, privateKey: pki.client.key }, undefined, new Date(Date.now() - 86_400_000)));
    expect(early.problem).toBe('not-yet-valid');
  });
});

describe('parseCaBundle', () => {
  it('splits a bundle into its certificates', () => {
    expect(parseCaBundle(`${pki.ca.cert}\n${pki.otherCa.cert}`)).toHaveLength(2);
  });

  it('refuses text without certificates and names a broken one by position', () => {
    expect(() => parseCaBundle('hello', 'secret "ca" key "ca.crt"')).toThrow(new CaBundleError('secret "ca" key "ca.crt" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")'));
    const broken = pki.otherCa.cert.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA');
    expect(() => parseCaBundle(`${pki.ca.cert}\n${broken}`)).toThrow('the CA bundle: certificate 2 of 2 is not readable');
  });
});

describe('upstreamTlsProfile', () => {
  it('is undefined for the defaults, so such origins share plain pools', () => {
    expect(upstreamTlsProfile({})).toBeUndefined();
    expect(upstreamTlsProfile({ skipVerify: false })).toBeUndefined();
  });

  it('turns verification off only for skipVerify, and ignores a CA then', () => {
    expect(upstreamTlsProfile({ skipVerify: true })!.connect.rejectUnauthorized).toBe(false);
    expect(upstreamTlsProfile({ ca: [pki.ca.cert] })!.connect.rejectUnauthorized).toBeUndefined();
    expect(upstreamTlsProfile({ skipVerify: true, ca: [pki.ca.cert] })!.key).toBe(upstreamTlsProfile({ skipVerify: true })!.key);
  });

  it('keys distinct settings apart, equal settings together, without PEM content in the key', () => {
    const client = { certificate: pki.client.cert, privateKey: pki.client.key };
    const variants: UpstreamTlsSettings[] = [
      { skipVerify: true },
      { ca: [pki.ca.cert] },
      { ca: [pki.otherCa.cert] },
      { ca: [pki.ca.cert], clientCertificate: client },
      { clientCertificate: client },
      { clientCertificate: { certificate: pki.foreignClient.cert, privateKey: pki.foreignClient.key } },
      { skipVerify: true, clientCertificate: client },
    ];
    const keys = variants.map((v) => upstreamTlsProfile(v)!.key);
    expect(new Set(keys).size).toBe(variants.length);
    expect(upstreamTlsProfile({ ca: [pki.ca.cert], clientCertificate: { ...client } })!.key).toBe(keys[3]);
    for (const key of keys) expect(key).toMatch(/^tls-[0-9a-f]{32}$/);
  });
});

describe('mutual TLS against a real server', () => {
  let mtls: TestTlsServer;
  const pools: Pool[] = [];
  beforeAll(async () => {
    mtls = await startTlsServer({ ...pki.server, clientCa: pki.ca.cert });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await mtls.close();
  });

  function pool(settings: UpstreamTlsSettings): Pool {
    const p = new Pool(mtls.url, { connect: upstreamTlsProfile(settings)?.connect ?? {} });
    pools.push(p);
    return p;
  }

  async function get(p: Pool): Promise<{ status: number; body: unknown }> {
    const response = await p.request({ path: '/orders', method: 'GET' });
    return { status: response.statusCode, body: await response.body.json() };
  }

  async function failureCode(p: Pool): Promise<string> {
    const error = (await get(p).then(() => undefined, (e: unknown) => e)) as { code?: string } | undefined;
    expect(error).toBeDefined();
    return error!.code ?? 'none';
  }

  it('presents the client certificate and trusts the server through the private CA', async () => {
    const result = await get(pool({ ca: [pki.ca.cert], clientCertificate: { certificate: pki.client.cert, privateKey: pki.client.key } }));
    expect(result).toEqual({ status: 200, body: { method: 'GET', url: '/orders', clientCommonName: 'gatehouse-client' } });
  });

  it('fails the handshake without a client certificate', async () => {
    const before = mtls.requests.length;
    expect(await failureCode(pool({ ca: [pki.ca.cert] }))).toMatch(/^(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET|UND_ERR_SOCKET)$/);
    expect(mtls.requests.length).toBe(before);
  });

  it('fails the handshake with a certificate from a CA the server does not trust', async () => {
    const before = mtls.requests.length;
    const code = await failureCode(pool({ ca: [pki.ca.cert], clientCertificate: { certificate: pki.foreignClient.cert, privateKey: pki.foreignClient.key } }));
    expect(code).toMatch(/^(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA|ECONNRESET|UND_ERR_SOCKET)$/);
    expect(mtls.requests.length).toBe(before);
  });

  it('refuses the server when the configured CA is not the one that issued its certificate', async () => {
    const code = await failureCode(pool({ ca: [pki.otherCa.cert], clientCertificate: { certificate: pki.client.cert, privateKey: pki.client.key } }));
    // The server sends its CA along (OpenSSL builds the chain from its client-CA store), hence either code.
    expect(code).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });
});

describe('self-signed target', () => {
  let target: TestTlsServer;
  const pools: Pool[] = [];
  beforeAll(async () => {
    target = await startTlsServer(pki.selfSignedServer);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await target.close();
  });

  async function status(settings: UpstreamTlsSettings): Promise<number | string> {
    const p = new Pool(target.url, { connect: upstreamTlsProfile(settings)?.connect ?? {} });
    pools.push(p);
    try {
      const response = await p.request({ path: '/', method: 'GET' });
      await response.body.dump();
      return response.statusCode;
    } catch (error) {
      return (error as { code?: string }).code ?? 'error';
    }
  }

  it('is refused with default verification', async () => {
    expect(await status({})).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('is reached with skipVerify', async () => {
    expect(await status({ skipVerify: true })).toBe(200);
  });

  it('is reached when its certificate is the configured CA', async () => {
    expect(await status({ ca: [pki.selfSignedServer.cert] })).toBe(200);
  });

  it('is refused with an unrelated CA', async () => {
    expect(await status({ ca: [pki.ca.cert] })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
