import { generateKeyPairSync } from 'node:crypto';
import { generate } from 'selfsigned';

export interface KeyPair {
  cert: string;
  key: string;
}

/** A throwaway PKI for TLS tests: EC P-256 keys, generated per test file, never written to disk. */
export interface TestPki {
  ca: KeyPair;
  /** A CA nobody trusts. */
  otherCa: KeyPair;
  /** For 127.0.0.1 and localhost, issued by `ca`. */
  server: KeyPair;
  /** For 127.0.0.1 and localhost, issued by `otherCa`. */
  serverOfOtherCa: KeyPair;
  /** For 127.0.0.1 and localhost, issued by itself. */
  selfSignedServer: KeyPair;
  /** Client-auth certificate issued by `ca`. */
  client: KeyPair;
  /** Client-auth certificate issued by `otherCa`. */
  foreignClient: KeyPair;
  /** Issued by `ca`, valid only in the past. */
  expiredClient: KeyPair;
  /** A private key that belongs to no certificate here. */
  strayKey: string;
}

const DAY = 24 * 60 * 60 * 1000;

async function issue(commonName: string, issuer: KeyPair | undefined, kind: 'ca' | 'server' | 'client', validity?: { from: Date; to: Date }): Promise<KeyPair> {
  const extensions =
    kind === 'ca'
      ? [
          { name: 'basicConstraints' as const, cA: true, critical: true },
          { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ]
      : [
          { name: 'basicConstraints' as const, cA: false },
          { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage' as const, serverAuth: kind === 'server', clientAuth: kind === 'client' },
          ...(kind === 'server'
            ? [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] }]
            : []),
        ];
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions,
    ...(issuer ? { ca: { key: issuer.key, cert: issuer.cert } } : {}),
    ...(validity ? { notBeforeDate: validity.from, notAfterDate: validity.to } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

export async function createTestPki(): Promise<TestPki> {
  const ca = await issue('Gatehouse Test CA', undefined, 'ca');
  const otherCa = await issue('Unrelated Test CA', undefined, 'ca');
  const now = Date.now();
  return {
    ca,
    otherCa,
    server: await issue('localhost', ca, 'server'),
    serverOfOtherCa: await issue('localhost', otherCa, 'server'),
    selfSignedServer: await issue('localhost', undefined, 'server'),
    client: await issue('gatehouse-client', ca, 'client'),
    foreignClient: await issue('foreign-client', otherCa, 'client'),
    expiredClient: await issue('expired-client', ca, 'client', { from: new Date(now - 400 * DAY), to: new Date(now - 30 * DAY) }),
    strayKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
