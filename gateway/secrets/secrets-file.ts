import '../config/zod-jitless';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { readJsonOrYaml, utf8Text } from '../config/parse-document';
import { readNamedFile } from '../config/named-file';
import { describeFieldErrors, validateWith } from '../config/validate';
import { MemorySecretSource, type SecretData, type SecretSource } from './secret-source';
import type { SecretRef } from '../config/secret-names';
import { SECRET_ID_PATTERN, parseSecretId } from '../config/secret-names';
import { GatehouseError } from '../errors/gatehouse-error';

/** A secrets file (or $GATEHOUSE_SECRETS) the headless gateway cannot use; the message names fields, never values. */
export class SecretsFileError extends GatehouseError {
  readonly code = 'GATEHOUSE_SECRETS_FILE';
}

/** `{ "<name>" | "<namespace>/<name>": { "<key>": "<value>" } }` — what the headless CLI reads secrets from. */
export const SecretsDocument = z.record(z.string().regex(SECRET_ID_PATTERN, 'a secret name, optionally "namespace/name"'), z.record(z.string(), z.string()));

export function secretSourceFromDocument(document: unknown, label: string): MemorySecretSource {
  const result = validateWith(SecretsDocument, document);
  // Field paths only: the values under them are secrets.
  if (!result.ok) throw new SecretsFileError(`${label}: ${describeFieldErrors(result.errors)}`);
  const source = new MemorySecretSource(label);
  for (const [id, data] of Object.entries(result.value)) source.set(parseSecretId(id), data as SecretData);
  return source;
}

export async function secretSourceFromFile(path: string): Promise<MemorySecretSource> {
  return secretSourceFromBytes(await readNamedFile(path), path);
}

async function secretSourceFromBytes(bytes: Buffer, path: string): Promise<MemorySecretSource> {
  return secretSourceFromDocument(await readJsonOrYaml(utf8Text(bytes, path), path), `secrets file ${path}`);
}

/** What tells one version of the file from another, without keeping its bytes (they are secrets). */
function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The secrets file as a source that can be read again: the headless gateway does so before each reload of its
 * config and when the file itself changes, so an entry added for an edit, or a rotated password, is the one used.
 */
export class SecretsFileSource implements SecretSource {
  readonly label: string;
  #data: MemorySecretSource;
  /** The digest of the bytes last read into `#data`; undefined after a failed read, so the next good one is new. */
  #read: string | undefined;

  private constructor(readonly path: string, data: MemorySecretSource, read: string) {
    this.label = data.label;
    this.#data = data;
    this.#read = read;
  }

  static async open(path: string): Promise<SecretsFileSource> {
    const bytes = await readNamedFile(path);
    return new SecretsFileSource(path, await secretSourceFromBytes(bytes, path), digestOf(bytes));
  }

  /**
   * Reads the file again; true when it holds other bytes than the last read that succeeded, or when the read before
   * this one failed. On failure (it is gone or malformed now) it throws, and the entries read before stay.
   */
  async reread(): Promise<boolean> {
    try {
      const bytes = await readNamedFile(this.path);
      const read = digestOf(bytes);
      if (read === this.#read) return false;
      this.#data = await secretSourceFromBytes(bytes, this.path);
      this.#read = read;
      return true;
    } catch (error) {
      this.#read = undefined;
      throw error;
    }
  }

  read(ref: SecretRef): Promise<SecretData | undefined> {
    return this.#data.read(ref);
  }
}

export const SECRETS_ENV = 'GATEHOUSE_SECRETS';

export async function secretSourceFromEnv(env: NodeJS.ProcessEnv): Promise<MemorySecretSource | undefined> {
  const text = env[SECRETS_ENV];
  return text ? secretSourceFromDocument(await readJsonOrYaml(text, SECRETS_ENV), `environment ${SECRETS_ENV}`) : undefined;
}
