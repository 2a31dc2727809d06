// Secret names and keys from the vault. Values never sit in the store: the list holds masks, a reveal
// returns the value to the one component that asked, and writes go straight to main.
import { create } from 'zustand';
import type { SecretSummary } from '../../../main/ipc/contract';
import type { FieldError } from '../../../gateway/config/validate';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';
import type { SecretRef } from '../../../gateway/config/secret-names';

export type { SecretRef };

export type SecretWriteOutcome = { ok: true; gatewayErrors?: FieldError[] } | { ok: false; message: string; errors: FieldError[] };

interface SecretsState {
  secrets: SecretSummary[];
  loaded: boolean;
  loadError: string | undefined;
  load(): Promise<void>;
  reveal(ref: SecretRef, key: string): Promise<string>;
  /** Replaces the secret's data (every key): the vault keeps exactly the keys given. */
  set(ref: SecretRef, data: Record<string, string>): Promise<SecretWriteOutcome>;
  remove(ref: SecretRef): Promise<SecretWriteOutcome>;
}

function refPayload(ref: SecretRef): SecretRef {
  return ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
}

export const useSecretsStore = create<SecretsState>((set, get) => ({
  secrets: [],
  loaded: false,
  loadError: undefined,
  async load() {
    try {
      const secrets = await gatehouse().invoke('secrets:list', undefined);
      set({ secrets: [...secrets].sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`)), loaded: true, loadError: undefined });
    } catch (error) {
      set({ loaded: true, loadError: toFailure(error).message });
    }
  },
  async reveal(ref, key) {
    const { value } = await gatehouse().invoke('secrets:reveal', { ...refPayload(ref), key });
    return value;
  },
  async set(ref, data) {
    try {
      const result = await gatehouse().invoke('secrets:set', { ...refPayload(ref), data });
      await get().load();
      if (!result.ok) return { ok: false, message: 'The secret was not saved.', errors: result.errors };
      return result.gatewayErrors?.length ? { ok: true, gatewayErrors: result.gatewayErrors } : { ok: true };
    } catch (error) {
      const failure = toFailure(error);
      return { ok: false, message: `The secret was not saved: ${failure.message}`, errors: withoutRequestPrefix(failure.errors) };
    }
  },
  async remove(ref) {
    try {
      await gatehouse().invoke('secrets:delete', refPayload(ref));
      await get().load();
      return { ok: true };
    } catch (error) {
      const failure = toFailure(error);
      return { ok: false, message: `The secret was not deleted: ${failure.message}`, errors: [] };
    }
  },
}));

/** The data to write when some keys change: keys left blank keep their stored value (revealed to re-send them). */
export async function mergeSecretData(ref: SecretRef, changes: Record<string, string>, keep: readonly string[]): Promise<Record<string, string>> {
  const data: Record<string, string> = {};
  const reveal = useSecretsStore.getState().reveal;
  for (const key of keep) if (!(key in changes)) data[key] = await reveal(ref, key);
  return { ...data, ...changes };
}
