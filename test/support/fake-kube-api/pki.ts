import { generate } from 'selfsigned';

export interface PemPair {
  cert: string;
  key: string;
}

const DAY = 24 * 60 * 60 * 1000;

type Kind = 'ca' | 'server' | 'client';

function extensionsFor(kind: Kind) {
  if (kind === 'ca') {
    return [
      { name: 'basicConstraints' as const, cA: true, critical: true },
      { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ];
  }
  return [
    { name: 'basicConstraints' as const, cA: false },
    { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage' as const, serverAuth: kind === 'server', clientAuth: kind === 'client' },
    ...(kind === 'server'
      ? [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] }]
      : []),
  ];
}

async function issue(subject: { name: string; value: string }[], issuer: PemPair | undefined, kind: Kind, validity?: { from: Date; to: Date }): Promise<PemPair> {
  const pems = await generate(subject, {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: extensionsFor(kind),
    ...(issuer ? { ca: issuer } : {}),
    ...(validity ? { notBeforeDate: validity.from, notAfterDate: validity.to } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

/** A cluster CA made at start, as kubeadm does: it signs the serving certificate and the users' client certificates. */
export class FakeClusterPki {
  private constructor(
    readonly ca: PemPair,
    readonly server: PemPair,
  ) {}

  static async create(): Promise<FakeClusterPki> {
    const ca = await issue([{ name: 'commonName', value: 'fake-kube-api-ca' }], undefined, 'ca');
    const server = await issue([{ name: 'commonName', value: 'kube-apiserver' }], ca, 'server');
    return new FakeClusterPki(ca, server);
  }

  /** A client certificate as the API server reads it: CN is the user name, each O a group. */
  async clientCertificate(user: string, groups: readonly string[] = [], options: { expired?: boolean } = {}): Promise<PemPair> {
    const subject = [{ name: 'commonName', value: user }, ...groups.map((group) => ({ name: 'organizationName', value: group }))];
    const now = Date.now();
    const validity = options.expired ? { from: new Date(now - 400 * DAY), to: new Date(now - 30 * DAY) } : undefined;
    return issue(subject, this.ca, 'client', validity);
  }

  /** A CA unrelated to the cluster: for "bad certificate" cases. */
  static async unrelatedCa(): Promise<PemPair> {
    return issue([{ name: 'commonName', value: 'unrelated-ca' }], undefined, 'ca');
  }
}
