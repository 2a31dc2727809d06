// The Try it request being composed, its last response, and the history of sent requests, kept in memory
// while the user visits other screens. The basic-auth password is part of the draft (so coming back does not
// send `alex:` with an empty password) but never of the history, which keeps no credential at all.
import { create } from 'zustand';
import { TRY_IT_NO_ANSWER, type TryItRequest, type TryItResponse } from '../../../main/ipc/contract';
import type { FieldError } from '../../../gateway/config/validate';
import { isCredentialHeader } from '../../../gateway/config/credential-names';
import type { CapturedExchange } from '../../../main/ipc/contract';
import { sendableBody } from '../model/exchange-request';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';

export type TryItMethod = TryItRequest['method'];
export const TRY_IT_METHODS: readonly TryItMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const MAX_HISTORY = 50;

export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

/** A query parameter as a row: its name and value read (percent-escapes and `+` decoded), and the text it came from. */
export interface QueryRow extends HeaderRow {
  /** The pair as typed or received (`ids=1,2`, `flag`): sent as it is while the row still reads the same. */
  raw?: string;
}

export interface TryItDraft {
  method: TryItMethod;
  /** The path without its query: the query is edited as rows. */
  path: string;
  query: QueryRow[];
  headers: HeaderRow[];
  body: string;
  username: string;
  password: string;
}

/** A sent request as the history keeps it: no password, no credential header. */
export interface HistoryEntry {
  id: number;
  sentAt: number;
  method: TryItMethod;
  path: string;
  query: Omit<QueryRow, 'id'>[];
  headers: [string, string][];
  body: string;
  username: string;
  status?: number;
  durationMs?: number;
  /** Sent, and no answer came back (without a status: not sent at all). */
  unanswered?: true;
}

/** `sent`: the request went out (and got no answer); otherwise it never left. */
export type SendOutcome = { ok: true } | { ok: false; sent: boolean; message: string; errors: FieldError[] };

interface TryItState {
  draft: TryItDraft;
  response: TryItResponse | undefined;
  /** The request that produced `response`, and whether it carried a username with an empty password. */
  sent: { method: TryItMethod; path: string; emptyPassword: boolean } | undefined;
  sending: boolean;
  history: HistoryEntry[];
  /** Why the draft changed under the user (opened from Traffic): shown above the form until the next send. */
  notice: string | undefined;
  update(patch: Partial<TryItDraft>): void;
  send(request: TryItRequest): Promise<SendOutcome>;
  /** Fills the draft from a history entry (the password stays as typed). */
  restore(entry: HistoryEntry): void;
  clearHistory(): void;
}

let nextRowId = 1;
let nextHistoryId = 1;
export const newHeaderRow = (name = '', value = ''): HeaderRow => ({ id: nextRowId++, name, value });

/** A query's name or value as it reads: `+` a space, percent-escapes decoded (a malformed one left as written). */
function readQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function readPair(raw: string): { name: string; value: string } {
  const eq = raw.indexOf('=');
  return eq < 0 ? { name: readQueryPart(raw), value: '' } : { name: readQueryPart(raw.slice(0, eq)), value: readQueryPart(raw.slice(eq + 1)) };
}

/** Escapes what would change a pair's meaning (`&`, `=`, `+`, `#`, `%`, spaces, …); `/ : @ , $ ?` stay readable. */
function writeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%(2F|3A|40|2C|24|3F)/g, (escape) => decodeURIComponent(escape));
}

/** A row as it goes out: the text it came from while it still reads the same, else its name and value escaped. */
function pairText(row: Omit<QueryRow, 'id'>): string {
  if (row.raw !== undefined) {
    const read = readPair(row.raw);
    if (read.name === row.name && read.value === row.value) return row.raw;
  }
  const name = writeQueryPart(row.name);
  // `flag` renamed stays a name without `=`.
  return row.value === '' && row.raw !== undefined && !row.raw.includes('=') ? name : `${name}=${writeQueryPart(row.value)}`;
}

function newQueryRow(raw: string): QueryRow {
  const { name, value } = readPair(raw);
  return { ...newHeaderRow(name, value), raw };
}

/** `/a?x=1&y` → path `/a` and rows x=1, y (empty pairs dropped); each row keeps the text it came from. */
export function splitTarget(target: string): { path: string; query: QueryRow[] } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: [] };
  const query = target.slice(q + 1).split('&').filter((pair) => pair !== '').map(newQueryRow);
  return { path: target.slice(0, q), query };
}

/**
 * The path with the query rows appended (empty names left out): a row the user did not change goes out exactly as
 * it was typed or received (`ids=1,2&redirect=/a/b&flag`); only a changed or new one is written anew.
 */
export function joinTarget(path: string, query: readonly Omit<QueryRow, 'id'>[]): string {
  const search = query.filter((row) => row.name !== '').map(pairText).join('&');
  return search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path;
}

export const useTryItStore = create<TryItState>((set) => ({
  draft: { method: 'GET', path: '/', query: [], headers: [], body: '', username: '', password: '' },
  response: undefined,
  sent: undefined,
  sending: false,
  history: [],
  notice: undefined,
  update(patch) {
    set((s) => ({ draft: { ...s.draft, ...patch } }));
  },
  async send(request) {
    set({ sending: true, notice: undefined });
    const { draft } = useTryItStore.getState();
    const entry: HistoryEntry = {
      id: nextHistoryId++, sentAt: Date.now(), method: request.method, path: draft.path, query: draft.query.filter((r) => r.name !== '').map(({ name, value, raw }) => (raw === undefined ? { name, value } : { name, value, raw })),
      headers: request.headers.filter((h) => !isCredentialHeader(h.name)).map((h) => [h.name, h.value]), body: request.body ?? '', username: request.basicAuth?.username ?? '',
    };
    const sent = { method: request.method, path: request.path, emptyPassword: request.basicAuth !== undefined && request.basicAuth.password === '' };
    try {
      const response = await gatehouse().invoke('tryit:send', request);
      set((s) => ({ response, sent, sending: false, history: [{ ...entry, status: response.status, durationMs: response.durationMs }, ...s.history].slice(0, MAX_HISTORY) }));
      return { ok: true };
    } catch (error) {
      const failure = toFailure(error);
      const sent = failure.code === TRY_IT_NO_ANSWER;
      set((s) => ({ sending: false, history: [sent ? { ...entry, unanswered: true as const } : entry, ...s.history].slice(0, MAX_HISTORY) }));
      return { ok: false, sent, message: failure.message, errors: withoutRequestPrefix(failure.errors) };
    }
  },
  restore(entry) {
    set((s) => ({
      draft: {
        ...s.draft, method: entry.method, path: entry.path, query: entry.query.map((row) => ({ ...newHeaderRow(), ...row })),
        headers: entry.headers.map(([n, v]) => newHeaderRow(n, v)), body: entry.body, username: entry.username,
        password: entry.username === s.draft.username ? s.draft.password : '',
      },
    }));
  },
  clearHistory() {
    set({ history: [] });
  },
}));

const MASKED_IN_URL = encodeURIComponent('••••••••');
/** Set by the gateway or by the connection, not by the caller. */
const NOT_CALLER_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port']);

/** The Try it draft for sending the client's request again; credentials are left for the user to enter. */
export function tryItDraftFrom(exchange: CapturedExchange): { draft: Omit<TryItDraft, 'password'>; left: string[] } {
  const left: string[] = [];
  const { path, query } = splitTarget(exchange.request.target);
  const keptQuery = query.filter((row) => {
    if (encodeURIComponent(row.value) === MASKED_IN_URL || row.value === '••••••••') {
      left.push(`query parameter ${row.name}`);
      return false;
    }
    return true;
  });
  let username = '';
  const headers = exchange.request.headers.flatMap((h) => {
    if (NOT_CALLER_HEADERS.has(h.name)) return [];
    if (h.name === 'authorization') {
      const basicUser = /^Basic (.*):••••••••$/.exec(h.value)?.[1];
      if (basicUser !== undefined) username = basicUser;
      else left.push('the Authorization header');
      return [];
    }
    if (h.masked || isCredentialHeader(h.name)) {
      left.push(`header ${h.name}`);
      return [];
    }
    return [newHeaderRow(h.name, h.value)];
  });
  const body = sendableBody(exchange.request.body);
  if (body && body.text === undefined) left.push(`the ${body.size}-byte body (binary or not captured whole)`);
  const method = (TRY_IT_METHODS as readonly string[]).includes(exchange.request.method) ? (exchange.request.method as TryItMethod) : 'GET';
  return { draft: { method, path, query: keptQuery, headers, body: body?.text ?? '', username }, left };
}
