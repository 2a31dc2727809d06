// Client certificates for mutual TLS, checked when a config is saved or compiled rather than at the first
// handshake, where a mismatch only shows up as an opaque alert from the backend.
// Error messages name the secret and key a PEM came from, never PEM content: the key is the credential.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { GatehouseError } from '../errors/gatehouse-error';

export interface ClientCertificate {
  /** PEM: the leaf certificate first, optionally followed by intermediates. */
  certificate: string;
  /** PEM private key of the leaf, unencrypted. */
  privateKey: string;
}

export type ClientCertificateProblem = 'invalid-certificate' | 'invalid-private-key' | 'encrypted-private-key' | 'key-mismatch' | 'expired' | 'not-yet-valid';

export class ClientCertificateError extends GatehouseError {
  readonly code = 'GATEHOUSE_CLIENT_CERTIFICATE';
  constructor(
    readonly problem: ClientCertificateProblem,
    message: string,
    /** A certificate and a key that are both unreadable: each one's own message, for the field that holds it. */
    readonly both?: { certificate: string; privateKey: string },
  ) {
    super(message);
    this.name = 'ClientCertificateError';
  }
}

export interface ClientCertificateInfo {
  subject: string;
  issuer: string;
  /** SHA-256 fingerprint of the leaf, `AA:BB:...`. */
  fingerprint256: string;
  validFrom: Date;
  validTo: Date;
}

/** Where the PEMs came from, for messages: e.g. `secret "billing-mtls" key "crt"`. */
export interface PemOrigin {
  certificate: string;
  privateKey: string;
}

const DEFAULT_ORIGIN: PemOrigin = { certificate: 'the certificate', privateKey: 'the private key' };

export function parseLeafCertificate(pem: string, origin = DEFAULT_ORIGIN.certificate): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ClientCertificateError('invalid-certificate', `${origin} is not a PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ClientCertificateError('invalid-certificate', `${origin} is not a readable PEM certificate`);
  }
}

function parsePrivateKey(pem: string, origin: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new ClientCertificateError('encrypted-private-key', `${origin} is encrypted; store it unencrypted (the secret store protects it)`);
  }
  try {
    // OpenSSL's reason is not passed on: decoder messages can quote the input.
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new ClientCertificateError('invalid-private-key', `${origin} is not a readable PEM private key`);
  }
}

/** Throws unless `privateKey` is the private half of the (leaf) certificate's public key. */
export function checkKeyMatchesCertificate(certificate: string, privateKey: string, origin: PemOrigin = DEFAULT_ORIGIN): X509Certificate {
  // Both are read before either failure is thrown: someone who pasted two wrong PEMs hears of both at once,
  // not of the key only after fixing the certificate.
  const read = <T>(parse: () => T): T | ClientCertificateError => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof ClientCertificateError) return error;
      throw error;
    }
  };
  const leaf = read(() => parseLeafCertificate(certificate, origin.certificate));
  const key = read(() => parsePrivateKey(privateKey, origin.privateKey));
  if (leaf instanceof ClientCertificateError && key instanceof ClientCertificateError) {
    throw new ClientCertificateError(leaf.problem, `${leaf.message}; ${key.message}`, { certificate: leaf.message, privateKey: key.message });
  }
  if (leaf instanceof ClientCertificateError) throw leaf;
  if (key instanceof ClientCertificateError) throw key;
  if (key.type !== 'private' || !leaf.checkPrivateKey(key)) {
    throw new ClientCertificateError('key-mismatch', `${origin.privateKey} does not belong to ${origin.certificate} (subject ${leaf.subject.replace(/\n/g, ', ')})`);
  }
  return leaf;
}

function describe(leaf: X509Certificate): ClientCertificateInfo {
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    fingerprint256: leaf.fingerprint256,
    validFrom: new Date(leaf.validFrom),
    validTo: new Date(leaf.validTo),
  };
}

/** Everything that would make the handshake fail on our side: unreadable PEMs, a foreign key, the validity window. */
export function checkClientCertificate(cert: ClientCertificate, origin: PemOrigin = DEFAULT_ORIGIN, now = new Date()): ClientCertificateInfo {
  const info = describe(checkKeyMatchesCertificate(cert.certificate, cert.privateKey, origin));
  if (now < info.validFrom) {
    throw new ClientCertificateError('not-yet-valid', `${origin.certificate} is not valid before ${info.validFrom.toISOString()} (subject ${info.subject})`);
  }
  if (now > info.validTo) {
    throw new ClientCertificateError('expired', `${origin.certificate} expired on ${info.validTo.toISOString()} (subject ${info.subject})`);
  }
  return info;
}
