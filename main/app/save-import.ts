// An import's save (a workspace file, pasted documents, an application from the cluster; the CLI's `import` does the
// same with its own store, main/cli/import-command.ts): its secrets go the way a
// form's typed-in values go, with the workspace save (saveWorkspace → secret-updates.ts): checked with it, written
// only once the workspace is valid and the file still holds the revision the import was merged on, and put back as
// they were when the save is refused after all. A failed import leaves the vault as it was, and its message says
// which secrets were not stored (or, when one could not be put back, which one holds the imported values).
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import { secretId } from '../../gateway/config/secret-names';
import type { SaveResult } from '../ipc/contract';
import type { StoredSecret } from '../services/vault';
import { saveWorkspace, type AppContext } from './app-context';
import { SecretsNotRestoredError } from './secret-updates';

/** What a secret an import wrote holds, in a refusal that could not put it back (secret-updates.ts). */
export const IMPORTED_VALUES = 'the imported values';

/** The refusal of an import's save, with what it means for the secrets the import carried: its code and hint kept. */
export class ImportNotStoredError extends GatehouseError {
  readonly code: string;
  constructor(refused: GatehouseError, note: string) {
    super(`${refused.message}; ${note}`, { hint: refused.hint, cause: refused });
    this.code = refused.code;
    this.name = 'ImportNotStoredError';
  }
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? `secret ${names[0]}` : `secrets ${names.join(', ')}`;
}

/** What a refused save left in the vault of the import's secrets, in words; undefined when it carried none. */
function storedNote(secrets: readonly StoredSecret[], refused: GatehouseError): string | undefined {
  const names = secrets.map((s) => secretId(s));
  if (names.length === 0) return undefined;
  if (refused instanceof SecretsNotRestoredError) {
    // Its message names the ones that hold the imported values; the rest were put back.
    const kept = names.filter((n, i) => !refused.names.includes(secrets[i]!.name));
    return kept.length > 0 ? `${listed(kept)} ${kept.length === 1 ? 'was' : 'were'} not stored` : undefined;
  }
  return `${names.length === 1 ? `its ${listed(names)} was not stored` : `none of its ${listed(names)} was stored`}: the vault holds what it held before`;
}

/** An import's refusal, saying what it left in the vault of the secrets it carried (the same error when it carried none). */
export function withStoredNote(error: unknown, secrets: readonly StoredSecret[]): unknown {
  const note = error instanceof GatehouseError ? storedNote(secrets, error) : undefined;
  return note === undefined ? error : new ImportNotStoredError(error as GatehouseError, note);
}

/** Saves an imported workspace made on `basedOn` with the secrets it carries, each replacing the stored one of its name. */
export async function saveImport(ctx: AppContext, workspace: unknown, basedOn: string, secrets: readonly StoredSecret[]): Promise<SaveResult> {
  try {
    return await saveWorkspace(ctx, workspace, basedOn, secrets, IMPORTED_VALUES);
  } catch (error) {
    throw withStoredNote(error, secrets);
  }
}
