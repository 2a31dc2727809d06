// The traffic inspector's rows (pushed by main as `exchanges` events), the open exchange's details (fetched on
// demand: bodies cross to the renderer only for the row the user opens), filters, pause/resume and HAR export; and
// the connection notices (pushed as `connection-notices` events): what the gateway saw on an upstream connection
// outside any request.
import { create } from 'zustand';
import { CONNECTION_NOTICES_KEPT, saysTheSame, type CapturedExchange, type ConnectionNotice, type ExchangeSummary, type SaveFileResult, type TrafficList } from '../../../main/ipc/contract';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';

/** As many rows as main keeps. */
const MAX_ROWS = 5000;

export type StatusClass = '' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export interface TrafficFilters {
  text: string;
  statusClass: StatusClass;
  method: string;
  /** A service name, or `route:<name>`. */
  target: string;
  consumer: string;
}

export const NO_FILTERS: TrafficFilters = { text: '', statusClass: '', method: '', target: '', consumer: '' };

export function matchesFilters(row: ExchangeSummary, f: TrafficFilters): boolean {
  if (f.statusClass === 'none' ? row.status !== null : f.statusClass !== '' && (row.status === null || `${Math.floor(row.status / 100)}xx` !== f.statusClass)) return false;
  if (f.method && row.method !== f.method) return false;
  if (f.target && (f.target.startsWith('route:') ? row.route !== f.target.slice(6) : row.service !== f.target)) return false;
  if (f.consumer && (f.consumer === '(none)' ? row.consumer !== null : row.consumer !== f.consumer)) return false;
  const text = f.text.trim().toLowerCase();
  if (text && !`${row.method} ${row.target} ${row.service ?? ''} ${row.route ?? ''} ${row.consumer ?? ''} ${row.status ?? ''} ${row.error ?? ''}`.toLowerCase().includes(text)) return false;
  return true;
}

/**
 * The rows, newest first, after a push: an exchange already listed keeps its place with its newest row, new ones go
 * on top in the order they came (the last received first), and the oldest beyond MAX_ROWS are let go. One pass
 * over the rows for the whole push, however many updates it carries.
 */
export function withUpdates(rows: readonly ExchangeSummary[], updates: readonly ExchangeSummary[]): ExchangeSummary[] {
  const newest = new Map<number, ExchangeSummary>();
  for (const row of updates) newest.set(row.id, row);
  const listed = rows.map((row) => {
    const update = newest.get(row.id);
    if (update === undefined) return row;
    newest.delete(row.id);
    return update;
  });
  // Map order is first arrival; the newest exchange goes on top.
  const added = [...newest.values()].reverse();
  return added.length === 0 ? listed : [...added, ...listed].slice(0, MAX_ROWS);
}

/**
 * The notices, newest first, after a push (oldest first): those not listed yet go on top, the oldest beyond
 * CONNECTION_NOTICES_KEPT are let go. Ids grow, so one at or below the newest listed is listed already (a push
 * that crossed the list's answer). A repeat (main folds a line that says what its newest notice says) takes the
 * place of the newest listed notice when that is the one it folded.
 */
export function withNotices(listed: readonly ConnectionNotice[], pushed: readonly ConnectionNotice[]): ConnectionNotice[] {
  const newestId = listed[0]?.id ?? 0;
  const added = pushed.filter((notice) => notice.id > newestId);
  if (added.length === 0) return [...listed];
  const notices = [...listed];
  for (const notice of added) {
    const newest = notices[0];
    if (notice.repeats > 1 && newest !== undefined && saysTheSame(notice, newest)) notices[0] = notice;
    else notices.unshift(notice);
  }
  return notices.slice(0, CONNECTION_NOTICES_KEPT);
}

interface TrafficState {
  rows: ExchangeSummary[];
  /** Connection notices, newest first. */
  notices: ConnectionNotice[];
  kept: number;
  dropped: number;
  capturing: boolean;
  filters: TrafficFilters;
  selectedId: number | undefined;
  details: CapturedExchange | undefined;
  detailsError: string | undefined;
  /** Rows ticked for export. */
  checked: ReadonlySet<number>;
  error: string | undefined;
  connect(): () => void;
  setFilters(patch: Partial<TrafficFilters>): void;
  select(id: number | undefined): Promise<void>;
  toggleChecked(id: number, on: boolean): void;
  setChecked(ids: readonly number[]): void;
  clear(): Promise<void>;
  setCapture(on: boolean): Promise<void>;
  exportHar(ids: number[] | undefined, includeCredentials: boolean): Promise<(SaveFileResult & { entries?: number }) | { error: string }>;
}

export const useTrafficStore = create<TrafficState>((set, get) => {
  const applyList = (list: TrafficList) => set({ rows: list.exchanges, kept: list.kept, dropped: list.dropped, capturing: list.capturing, notices: list.notices });
  // Loads can overlap (a row opened while its exchange still streams, then its update): answers may come back out of
  // order, so only the newest load may set the details — an older snapshot must never replace the final one.
  let newestLoad = 0;
  const loadDetails = async (id: number) => {
    const load = ++newestLoad;
    const current = () => load === newestLoad && get().selectedId === id;
    try {
      const details = await gatehouse().invoke('traffic:get', { id });
      if (current()) set({ details, detailsError: undefined });
    } catch (error) {
      if (current()) set({ details: undefined, detailsError: toFailure(error).message });
    }
  };
  return {
    rows: [],
    notices: [],
    kept: 0,
    dropped: 0,
    capturing: true,
    filters: NO_FILTERS,
    selectedId: undefined,
    details: undefined,
    detailsError: undefined,
    checked: new Set(),
    error: undefined,
    connect() {
      const api = gatehouse();
      void api.invoke('traffic:list', undefined).then(applyList, (error: unknown) => set({ error: toFailure(error).message }));
      const offExchanges = api.on('exchanges', ({ summaries, kept, dropped }) => {
        set((s) => ({ rows: withUpdates(s.rows, summaries), kept, dropped }));
        // The open exchange is still streaming: show what has arrived since.
        const selected = get().selectedId;
        if (selected !== undefined && summaries.some((row) => row.id === selected)) void loadDetails(selected);
      });
      const offNotices = api.on('connection-notices', ({ notices }) => set((s) => ({ notices: withNotices(s.notices, notices) })));
      return () => {
        offExchanges();
        offNotices();
      };
    },
    setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }));
    },
    async select(id) {
      set({ selectedId: id, details: id === get().details?.id ? get().details : undefined, detailsError: undefined });
      if (id !== undefined) await loadDetails(id);
    },
    toggleChecked(id, on) {
      set((s) => {
        const checked = new Set(s.checked);
        if (on) checked.add(id);
        else checked.delete(id);
        return { checked };
      });
    },
    setChecked(ids) {
      set({ checked: new Set(ids) });
    },
    async clear() {
      try {
        applyList(await gatehouse().invoke('traffic:clear', undefined));
        set({ selectedId: undefined, details: undefined, checked: new Set(), error: undefined });
      } catch (error) {
        set({ error: toFailure(error).message });
      }
    },
    async setCapture(on) {
      try {
        applyList(await gatehouse().invoke('traffic:capture', { on }));
      } catch (error) {
        set({ error: toFailure(error).message });
      }
    },
    async exportHar(ids, includeCredentials) {
      try {
        return await gatehouse().invoke('traffic:export-har', ids ? { ids, includeCredentials } : { includeCredentials });
      } catch (error) {
        return { error: toFailure(error).message };
      }
    },
  };
});
