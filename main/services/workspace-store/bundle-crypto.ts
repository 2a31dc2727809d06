// Passphrase encryption for workspace bundles: scrypt derives a 256-bit key from the passphrase
// and a random salt; AES-256-GCM encrypts and authenticates. The header fields (format, version,
// KDF parameters, salt, IV) are bound in as additional authenticated data, so editing any of them
// fails decryption just like a wrong passphrase does.
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

export const BUNDLE_FORMAT = 'gatehouse-workspace-bundle' as const;
export const BUNDLE_FORMAT_VERSION = 1 as const;

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation (2^17, 8, 1): about 128 MiB and a few hundred ms per derivation. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
export const MIN_PASSPHRASE_LENGTH = 8;

// Bounds on what an imported file may ask for, so a crafted bundle cannot exhaust memory or CPU.
const LIMITS = { minN: 2 ** 14, maxN: 2 ** 20, maxR: 16, maxP: 4 };

export interface SealedEnvelope {
  format: typeof BUNDLE_FORMAT;
  formatVersion: typeof BUNDLE_FORMAT_VERSION;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
}

export type BundleErrorCode =
  | 'GATEHOUSE_BUNDLE_PASSPHRASE_REQUIRED'
  | 'GATEHOUSE_BUNDLE_WEAK_PASSPHRASE'
  | 'GATEHOUSE_BUNDLE_WRONG_PASSPHRASE'
  | 'GATEHOUSE_BUNDLE_INVALID';

export class BundleError extends GatehouseError {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC so the same passphrase typed on macOS (NFD input) and elsewhere gives the same key.
    scrypt(passphrase.normalize('NFC'), salt, 32, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function additionalData(envelope: Pick<SealedEnvelope, 'format' | 'formatVersion' | 'kdf'> & { cipher: { name: string; iv: string } }): Buffer {
  const { kdf, cipher } = envelope;
  return Buffer.from(JSON.stringify([envelope.format, envelope.formatVersion, kdf.name, kdf.salt, kdf.N, kdf.r, kdf.p, cipher.name, cipher.iv]), 'utf8');
}

export async function sealWithPassphrase(plaintext: Uint8Array, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<SealedEnvelope> {
  if (!passphrase) throw new BundleError('GATEHOUSE_BUNDLE_PASSPHRASE_REQUIRED', 'a passphrase is required to export secrets');
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new BundleError('GATEHOUSE_BUNDLE_WEAK_PASSPHRASE', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, params);
  const header = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    kdf: { name: 'scrypt' as const, salt: salt.toString('base64'), N: params.N, r: params.r, p: params.p },
  };
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData({ ...header, cipher: { name: 'aes-256-gcm', iv: iv.toString('base64') } }));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    ...header,
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') },
    ciphertext: ciphertext.toString('base64'),
  };
}

export function isSealedEnvelope(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === BUNDLE_FORMAT;
}

export async function openWithPassphrase(value: unknown, passphrase: string | undefined): Promise<Buffer> {
  const envelope = checkEnvelope(value);
  if (!passphrase) throw new BundleError('GATEHOUSE_BUNDLE_PASSPHRASE_REQUIRED', 'this bundle is encrypted: enter the passphrase it was exported with');
  const { kdf, cipher } = envelope;
  const key = await deriveKey(passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(cipher.iv, 'base64'));
  decipher.setAAD(additionalData(envelope));
  decipher.setAuthTag(Buffer.from(cipher.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new BundleError('GATEHOUSE_BUNDLE_WRONG_PASSPHRASE', 'wrong passphrase, or the bundle file was modified');
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkEnvelope(value: unknown): SealedEnvelope {
  const invalid = (why: string) => new BundleError('GATEHOUSE_BUNDLE_INVALID', `not a valid encrypted Gatehouse bundle: ${why}`);
  if (!isSealedEnvelope(value)) throw invalid(`"format" is not "${BUNDLE_FORMAT}"`);
  const e = value as SealedEnvelope;
  if (e.formatVersion !== BUNDLE_FORMAT_VERSION) throw invalid(`format version ${JSON.stringify(e.formatVersion)} is not supported (this build reads ${BUNDLE_FORMAT_VERSION})`);
  const { kdf, cipher } = e;
  if (kdf?.name !== 'scrypt') throw invalid('kdf.name must be "scrypt"');
  const { N, r, p } = kdf;
  if (!Number.isInteger(N) || N < LIMITS.minN || N > LIMITS.maxN || (N & (N - 1)) !== 0) throw invalid(`kdf.N must be a power of two from ${LIMITS.minN} to ${LIMITS.maxN}`);
  if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxR) throw invalid(`kdf.r must be 1-${LIMITS.maxR}`);
  if (!Number.isInteger(p) || p < 1 || p > LIMITS.maxP) throw invalid(`kdf.p must be 1-${LIMITS.maxP}`);
  if (cipher?.name !== 'aes-256-gcm') throw invalid('cipher.name must be "aes-256-gcm"');
  const sizes: [string, unknown, number | undefined][] = [
    ['kdf.salt', kdf.salt, 16],
    ['cipher.iv', cipher.iv, 12],
    ['cipher.tag', cipher.tag, 16],
    ['ciphertext', e.ciphertext, undefined],
  ];
  for (const [field, text, bytes] of sizes) {
    if (typeof text !== 'string' || !BASE64.test(text) || (bytes !== undefined && Buffer.from(text, 'base64').length !== bytes)) {
      throw invalid(`${field} must be base64${bytes !== undefined ? ` of ${bytes} bytes` : ''}`);
    }
  }
  return e;
}
