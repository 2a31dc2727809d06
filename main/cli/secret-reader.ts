// Where the CLI's plan, push and export --with-secret-values read secret values: --secrets FILE, then
// $GATEHOUSE_SECRETS, then the sources after them (the OS keychain when there is one), as serving reads them.
import { secretSources } from '../../gateway/cli/gateway-cli';
import { placesLookedIn, type SecretData, type SecretSource } from '../../gateway/secrets/secret-source';
import type { SecretRef } from '../../gateway/config/secret-names';

export interface SecretReader {
  read: (ref: SecretRef) => Promise<SecretData | undefined>;
  /** Where values were looked for, for the missing-secret error. */
  readonly label: string;
}

/** The first source holding the secret gives its values: --secrets FILE, then $GATEHOUSE_SECRETS, then `extra`. */
export async function secretReader(file: string | undefined, extra: () => Promise<SecretSource[]>): Promise<SecretReader> {
  const sources = await secretSources(file, { extraSecretSources: extra });
  return {
    read: async (ref) => {
      for (const source of sources) {
        const data = await source.read(ref);
        if (data) return data;
      }
      return undefined;
    },
    // Read when a value is missing, after the reads: the keychain's label says by then whether it could be used.
    get label() {
      return placesLookedIn(sources);
    },
  };
}
