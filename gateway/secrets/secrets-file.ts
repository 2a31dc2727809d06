import '../config/zod-jitless';
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
  return secretSourceFromDocument(await readJsonOrYaml(utf8Text(await readNamedFile(path), path), path), `secrets file ${path}`);
}

/**
 * The secrets file as a source that can be read again: the headless gateway does so before each reload of its
 * config and when the file itself changes, so an entry added for an edit, or a rotated password, is the one used.
 */
export class SecretsFileSource implements SecretSource {
  readonly label: string;
  #data: MemorySecretSource;

  private constructor(readonly path: string, data: MemorySecretSource) {
    this.label = data.label;
    this.#data = data;
  }

  static async open(path: string): Promise<SecretsFileSource> {
    return new SecretsFileSource(path, await secretSourceFromFile(path));
  }

  /** Reads the file again; on failure (it is malformed now) the entries read before stay. */
  async reread(): Promise<void> {
    this.#data = await secretSourceFromFile(this.path);
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
