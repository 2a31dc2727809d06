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

/**
 * The places a missing secret or key was looked for, as its error names them: each source's label in the order
 * asked (`secrets file sec/secrets.json, OS keychain (unavailable)`). Read after the reads, when a source that could
 * not be used (a keychain without a session bus) says so in its label. Serving and the cluster commands alike.
 */
export function placesLookedIn(sources: readonly Pick<SecretSource, 'label'>[]): string {
  return sources.map((s) => s.label).join(', ') || 'no secret source: give --secrets FILE or set GATEHOUSE_SECRETS';
}

/** Resolves secret references through its sources in order: the first one that has the secret wins. */
export class SecretResolver {
  constructor(private readonly sources: readonly SecretSource[]) {}

  async readSecret(ref: SecretRef, usedBy: string): Promise<SecretData> {
    return (await this.#find(ref, usedBy)).data;
  }

  async readKey(ref: SecretRef, key: string, usedBy: string): Promise<string> {
    const { data, asked } = await this.#find(ref, usedBy);
    const value = data[key];
    if (value === undefined) {
      // The sources asked up to the one holding the secret: it gives the whole secret, so a later one is never read
      // for the key, and naming it would send the user to add the key where it would not be used.
      throw new MissingSecretError(usedBy, ref.name, key, `secret "${secretId(ref)}" has no key "${key}" (looked in: ${placesLookedIn(asked)})`);
    }
    return value;
  }

  /** The first source's values for `ref`, with the sources asked until it answered. */
  async #find(ref: SecretRef, usedBy: string): Promise<{ data: SecretData; asked: SecretSource[] }> {
    const asked: SecretSource[] = [];
    for (const source of this.sources) {
      asked.push(source);
      const data = await source.read(ref);
      if (data) return { data, asked };
    }
    throw new MissingSecretError(usedBy, ref.name, undefined, `secret "${secretId(ref)}" not found (looked in: ${placesLookedIn(asked)})`);
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
