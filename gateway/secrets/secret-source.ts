import { secretId, type SecretRef } from '../config/secret-names';
import { GatehouseError } from '../errors/gatehouse-error';

/** The string keys of one named secret, shaped like a Kubernetes Secret's decoded data. */
export type SecretData = Readonly<Record<string, string>>;

/** Anything that can hand out named secrets: the OS keychain, the CLI's file or environment, a cluster. */
export interface SecretSource {
  readonly label: string;
  read(ref: SecretRef): Promise<SecretData | undefined>;
}

export class MissingSecretError extends GatehouseError {
  readonly code = 'GATEHOUSE_MISSING_SECRET';
  constructor(
    readonly usedBy: string,
    readonly secret: string,
    readonly key: string | undefined,
    detail: string,
  ) {
    super(`${usedBy}: ${detail}`);
    this.name = 'MissingSecretError';
  }
}

/** Resolves secret references through its sources in order: the first one that has the secret wins. */
export class SecretResolver {
  constructor(private readonly sources: readonly SecretSource[]) {}

  async readSecret(ref: SecretRef, usedBy: string): Promise<SecretData> {
    for (const source of this.sources) {
      const data = await source.read(ref);
      if (data) return data;
    }
    const where = this.sources.map((s) => s.label).join(', ') || 'no secret source configured';
    throw new MissingSecretError(usedBy, ref.name, undefined, `secret "${secretId(ref)}" not found (looked in: ${where})`);
  }

  async readKey(ref: SecretRef, key: string, usedBy: string): Promise<string> {
    const data = await this.readSecret(ref, usedBy);
    const value = data[key];
    if (value === undefined) {
      throw new MissingSecretError(usedBy, ref.name, key, `secret "${secretId(ref)}" has no key "${key}"`);
    }
    return value;
  }
}

/** Secrets held in this process's memory: the demo, tests, and what the supervisor hands the gateway. */
export class MemorySecretSource implements SecretSource {
  readonly #secrets = new Map<string, SecretData>();

  constructor(
    readonly label = 'memory',
    initial: Record<string, SecretData> = {},
  ) {
    for (const [name, data] of Object.entries(initial)) this.#secrets.set(name, { ...data });
  }

  set(ref: SecretRef, data: SecretData): void {
    this.#secrets.set(secretId(ref), { ...data });
  }

  async read(ref: SecretRef): Promise<SecretData | undefined> {
    return this.#secrets.get(secretId(ref)) ?? (ref.namespace ? this.#secrets.get(ref.name) : undefined);
  }
}
