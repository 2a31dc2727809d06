// How the gateway's TLS connections to one endpoint are made: which server certificates it trusts and which
// client certificate it presents. A profile is turned into undici `connect` options for a dedicated pool.
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { ClientCertificate } from './client-certificate';
import type { ConnectProfile } from '../proxy/upstream-pools';
import { GatehouseError } from '../errors/gatehouse-error';

export interface UpstreamTlsSettings {
  /** Accept any server certificate and host name. */
  skipVerify?: boolean;
  /**
   * PEM CA certificates (as `parseCaBundle` returns them) trusted in addition to the system roots: the same
   * settings also serve the endpoint's token endpoints, which may well carry public certificates. Ignored with
   * `skipVerify`.
   */
  ca?: readonly string[];
  clientCertificate?: ClientCertificate;
}

/**
 * TLS options for undici's `connect` (Pool/Agent/Client), plus a key naming them without holding secrets: distinct
 * for distinct settings, so each profile gets its own pool.
 */
export type UpstreamTlsProfile = ConnectProfile;

export class CaBundleError extends GatehouseError {
  readonly code = 'GATEHOUSE_CA_BUNDLE';
  constructor(message: string) {
    super(message);
    this.name = 'CaBundleError';
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits a PEM bundle into its certificates; every one must parse. `origin` names where it came from. */
export function parseCaBundle(pem: string, origin = 'the CA bundle'): string[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new CaBundleError(`${origin} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new CaBundleError(`${origin}: certificate ${i + 1} of ${blocks.length} is not readable`);
    }
  });
  return blocks;
}

/**
 * The certificates of NODE_EXTRA_CA_CERTS, which Node adds to its root store at start but not to the copy of that
 * store a context gets once a CA is added to it. Read once; a file Node could not read (it warned at start) adds
 * nothing, as in Node.
 */
let extraRootCertificates: readonly string[] | undefined;
function nodeExtraRootCertificates(): readonly string[] {
  if (extraRootCertificates === undefined) {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    let pem = '';
    try {
      pem = file ? readFileSync(file, 'utf8') : '';
    } catch {
      // Node has reported it at start-up.
    }
    extraRootCertificates = pem.match(PEM_CERTIFICATE) ?? [];
  }
  return extraRootCertificates;
}

/**
 * A TLS context that trusts Node's roots and `extraCas` besides, presenting `clientCertificate` if given.
 * Node's `ca` option replaces the root store, and listing the roots again (`[...tls.rootCertificates, ...ca]`)
 * parsed some 140 certificates into each such context — 1.3 MB of the gateway's idle memory for one custom-CA
 * endpoint (issue 16) — and lost the roots Node was given at start (NODE_EXTRA_CA_CERTS). A CA added to a context
 * that has the root store instead goes into a copy of it that shares the root certificates Node parsed once for
 * the process; NODE_EXTRA_CA_CERTS's are added again, as Node leaves them out of that copy. `context` is the
 * native context that Node's own `ca` option fills the same way (addCACert, one PEM per call).
 *
 * The CAs go in when a connection first asks for the native context, not when the configuration is compiled:
 * with NODE_EXTRA_CA_CERTS naming a system bundle (144 certificates on the development VM), adding them again took
 * 48 ms of every start, spawn to first answer, for an endpoint that start might never call. The client certificate
 * and key are loaded at once, so a bad pair is still reported by the configuration's compile; the CAs were
 * checked by `parseCaBundle`, and Node read NODE_EXTRA_CA_CERTS's at start.
 */
function secureContextTrusting(extraCas: readonly string[], clientCertificate: ClientCertificate | undefined): SecureContext {
  const secureContext = createSecureContext(clientCertificate ? { cert: clientCertificate.certificate, key: clientCertificate.privateKey } : {});
  if (extraCas.length === 0) return secureContext;
  const native = secureContext.context as { addCACert(pem: string): void };
  let added = false;
  // What tls.connect reads of a secure context is its `context` (the native one).
  return {
    get context() {
      if (!added) {
        for (const pem of [...nodeExtraRootCertificates(), ...extraCas]) native.addCACert(pem);
        added = true;
      }
      return native;
    },
  };
}

/** `undefined` for the defaults (verify against system roots, no client certificate): such origins share plain pools. */
export function upstreamTlsProfile(settings: UpstreamTlsSettings): UpstreamTlsProfile | undefined {
  const { skipVerify = false, ca, clientCertificate } = settings;
  const trusted = skipVerify || ca === undefined || ca.length === 0 ? undefined : [...ca];
  if (!skipVerify && trusted === undefined && clientCertificate === undefined) return undefined;
  // One context per profile: passing PEMs instead would have every new connection parse them again.
  const secureContext = secureContextTrusting(trusted ?? [], clientCertificate);
  const connect: UpstreamTlsProfile['connect'] = { secureContext };
  // Node also skips the host-name check when verification is off: skipVerify trusts whoever answers.
  if (skipVerify) connect.rejectUnauthorized = false;
  const hash = createHash('sha256');
  for (const part of [skipVerify ? 'skip-verify' : 'verify', ...(trusted ?? []), clientCertificate?.certificate ?? '', clientCertificate?.privateKey ?? '']) {
    hash.update(part).update('\0');
  }
  return { key: `tls-${hash.digest('hex').slice(0, 32)}`, connect, clientCertificate: clientCertificate !== undefined };
}
