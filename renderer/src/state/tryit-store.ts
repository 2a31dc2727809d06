// The Try it request being composed and its last response, kept while the user visits other screens.
// The basic-auth password is not kept here: it lives in the screen while it is shown.
import { create } from 'zustand';
import type { TryItRequest, TryItResponse } from '../../../main/ipc/contract';
import type { FieldError } from '../../../gateway/config/validate';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';

export type TryItMethod = TryItRequest['method'];
export const TRY_IT_METHODS: readonly TryItMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

export interface TryItDraft {
  method: TryItMethod;
  path: string;
  headers: HeaderRow[];
  body: string;
  username: string;
}

export type SendOutcome = { ok: true } | { ok: false; message: string; errors: FieldError[] };

interface TryItState {
  draft: TryItDraft;
  response: TryItResponse | undefined;
  /** The request that produced `response`. */
  sent: Pick<TryItRequest, 'method' | 'path'> | undefined;
  sending: boolean;
  update(patch: Partial<TryItDraft>): void;
  send(request: TryItRequest): Promise<SendOutcome>;
}

let nextRowId = 1;
export const newHeaderRow = (name = '', value = ''): HeaderRow => ({ id: nextRowId++, name, value });

export const useTryItStore = create<TryItState>((set) => ({
  draft: { method: 'GET', path: '/', headers: [], body: '', username: '' },
  response: undefined,
  sent: undefined,
  sending: false,
  update(patch) {
    set((s) => ({ draft: { ...s.draft, ...patch } }));
  },
  async send(request) {
    set({ sending: true });
    try {
      const response = await gatehouse().invoke('tryit:send', request);
      set({ response, sent: { method: request.method, path: request.path }, sending: false });
      return { ok: true };
    } catch (error) {
      set({ sending: false });
      const failure = toFailure(error);
      return { ok: false, message: failure.message, errors: withoutRequestPrefix(failure.errors) };
    }
  },
}));
