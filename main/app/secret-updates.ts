// Changes to secrets a workspace save carries: some keys of a secret (SecretUpdateRequest, a form's typed-in values:
// merged in main into what the vault holds, so kept values never cross to the renderer), or a whole secret that
// replaces what the vault holds under its name (an import's). Checked for the gateway as one batch before any is
// stored, written just before the workspace and, when the workspace save is refused after all, every secret is put
// back as it was: "nothing was written" must be true of the vault too, and the gateway never serves values of a save
// that did not happen.
import { GatehouseError } from '../../gateway/errors/gatehouse-error';
import type { SecretUpdateRequest } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import type { SecretVault, StoredSecret } from '../services/vault';
import { checkSecretForGateway } from './secret-checks';

/** A write a save carries: some keys of a secret (a form's), or a whole secret that replaces the stored one (an import's). */
export type SecretWrite = SecretUpdateRequest | StoredSecret;

const refOf = ({ name, namespace }: { name: string; namespace?: string }) => (namespace ? { name, namespace } : { name });

/** What the vault holds for `write` once it is made. */
function nextSecret(stored: StoredSecret | undefined, write: SecretWrite): StoredSecret {
  return 'data' in write ? { ...refOf(write), data: { ...write.data } } : mergedSecret(stored, write);
}

/** The secret as an update leaves `stored`: its keys, the set ones over them, the removed ones gone. */
export function mergedSecret(stored: StoredSecret | undefined, update: SecretUpdateRequest): StoredSecret {
  const data: Record<string, string> = { ...stored?.data, ...update.set };
  for (const key of update.remove ?? []) if (!(key in update.set)) delete data[key];
  if (Object.keys(data).length === 0) throw new UserFacingError('GATEHOUSE_INVALID_SECRET', `secret "${update.name}" would have no key left`);
  return { ...refOf(update), data };
}

/** Secrets a refused save wrote and could not put back: they hold the new values. */
export class SecretsNotRestoredError extends GatehouseError {
  readonly code = 'GATEHOUSE_SECRETS_NOT_RESTORED';
  /** `values`: what the secrets now hold, in words ("the values typed in the form"). */
  constructor(refused: GatehouseError | Error, readonly names: readonly string[], cause: string, values: string) {
    const list = names.map((n) => `"${n}"`).join(', ');
    super(`${refused.message}; but the vault could not put back ${names.length === 1 ? 'secret' : 'secrets'} ${list} as ${names.length === 1 ? 'it was' : 'they were'} (${cause}): ${names.length === 1 ? 'it holds' : 'they hold'} ${values}`);
    this.name = 'SecretsNotRestoredError';
  }
}

export interface WrittenSecrets {
  /** Puts every written secret back as it was (one that did not exist is deleted); throws SecretsNotRestoredError. */
  restore(refused: Error): Promise<void>;
}

/** `secrets[i]`: the request field a failed write is said on. */
function writeFailure(index: number, name: string, error: unknown): UserFacingError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = error instanceof GatehouseError ? error.code : 'GATEHOUSE_VAULT_FAILED';
  return new UserFacingError(code, `secret "${name}" could not be written to the vault: ${reason}`, [{ path: `secrets[${index}]`, message: reason }]);
}

/**
 * Writes the updates in order. Each is merged and checked before the first is written; a write that fails puts
 * back those written before it and throws a UserFacingError naming `secrets[i]`. `values` says, in a refusal that
 * could not put a secret back, what it holds instead.
 */
export async function writeSecretUpdates(vault: SecretVault, updates: readonly SecretWrite[], values = 'the values typed in the form'): Promise<WrittenSecrets> {
  const before: (StoredSecret | undefined)[] = [];
  const next: StoredSecret[] = [];
  for (const [i, update] of updates.entries()) {
    try {
      before.push(await vault.get(refOf(update)));
      next.push(nextSecret(before[i], update));
      checkSecretForGateway(update.name, next[i]!.data);
    } catch (error) {
      throw writeFailure(i, update.name, error);
    }
  }
  let written = 0;
  const restore = async (refused: Error) => {
    const failed: string[] = [];
    let cause = '';
    for (let i = written - 1; i >= 0; i -= 1) {
      try {
        const previous = before[i];
        if (previous) await vault.set(previous);
        else await vault.delete(refOf(updates[i]!));
      } catch (error) {
        failed.unshift(updates[i]!.name);
        cause ||= error instanceof Error ? error.message : String(error);
      }
    }
    written = 0;
    if (failed.length > 0) throw new SecretsNotRestoredError(refused, failed, cause, values);
  };
  for (const secret of next) {
    try {
      await vault.set(secret);
    } catch (error) {
      const failure = writeFailure(written, secret.name, error);
      await restore(failure);
      throw failure;
    }
    written += 1;
  }
  return { restore };
}

/**
 * A save that carries secrets: they are written (writeSecretUpdates) just before `save` runs, and put back as they
 * were when it throws, before its error goes on. When one cannot be put back, `notRestored` runs with the save's
 * error first (the app takes up another program's version there), and the SecretsNotRestoredError goes on instead.
 * The app's workspace save (app-context.ts) and the CLI's import save so.
 */
export async function saveWithSecrets<T>(
  vault: SecretVault, secrets: readonly SecretWrite[], values: string | undefined, save: () => Promise<T>,
  notRestored?: (refused: unknown) => Promise<void>,
): Promise<T> {
  const written = secrets.length > 0 ? await writeSecretUpdates(vault, secrets, values) : undefined;
  try {
    return await save();
  } catch (refused) {
    try {
      await written?.restore(refused instanceof Error ? refused : new Error(String(refused)));
    } catch (error) {
      await notRestored?.(refused);
      throw error;
    }
    throw refused;
  }
}
