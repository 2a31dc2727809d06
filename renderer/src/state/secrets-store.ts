// Secret names and keys from the vault. Values never sit in the store: the list holds masks, a reveal
// returns the value to the one component that asked, and writes go straight to main, which merges the keys
// (a kept value never crosses to the renderer).
import { create } from 'zustand';
import type { GatewayStatus, SecretSummary } from '../../../main/ipc/contract';
import type { FieldError } from '../../../gateway/config/validate';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';
import { useStatusStore } from './status-store';
import type { SecretRef } from '../../../gateway/config/secret-names';

export type { SecretRef };

export type SecretWriteOutcome = { ok: true; gateway?: GatewayStatus } | { ok: false; message: string; errors: FieldError[] };

interface SecretsState {
  secrets: SecretSummary[];
  loaded: boolean;
  loadError: string | undefined;
  load(): Promise<void>;
  reveal(ref: SecretRef, key: string): Promise<string>;
  /**
   * Writes the keys in `set` and drops those in `remove`; main keeps every other stored key as it is. `createOnly`:
   * a new secret, refused by main (on `name`) when the vault holds one by that name.
   */
  update(ref: SecretRef, set: Record<string, string>, remove?: readonly string[], createOnly?: boolean): Promise<SecretWriteOutcome>;
  remove(ref: SecretRef): Promise<SecretWriteOutcome>;
}

function refPayload(ref: SecretRef): SecretRef {
  return ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
}

/** The `secrets:update` request for these keys of a secret, as `update` sends it (forms check it before saving). */
export function secretUpdateRequest(ref: SecretRef, set: Record<string, string>, remove?: readonly string[]) {
  return { ...refPayload(ref), set, ...(remove?.length ? { remove: [...remove] } : {}) };
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
  async update(ref, data, remove, createOnly) {
    try {
      const result = await gatehouse().invoke('secrets:update', { ...secretUpdateRequest(ref, data, remove), ...(createOnly ? { createOnly: true as const } : {}) });
      await get().load();
      if (!result.ok) return { ok: false, message: 'The secret was not saved.', errors: result.errors };
      useStatusStore.getState().setGateway(result.gateway);
      return { ok: true, gateway: result.gateway };
    } catch (error) {
      const failure = toFailure(error);
      // Main's reason as it is: the caller says which secret was not saved (use-form-save), once.
      return { ok: false, message: failure.message, errors: withoutRequestPrefix(failure.errors).map((e) => ({ ...e, path: e.path.replace(/^set\b/, 'data') })) };
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

