// The traffic inspector: requests the gateway served, newest first (pushed by main as `exchange` events), with
// filters, pause/resume, HAR export and the details of one exchange, both hops. A row opens its details (click,
// or Enter / Space on the focused row); Escape closes them. Above the requests, once there are any, the connection
// notices: what the gateway saw on an upstream connection outside any request (an upstream's bytes after its answer).
import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { CONNECTION_NOTICES_KEPT, type CapturedExchange, type ConnectionNotice } from '../../../main/ipc/contract';
import { ExchangeDetails, safeDecode } from '../components/ExchangeDetails';
import { exchangeCurl } from '../model/curl';
import { backendRequest, clientRequest } from '../model/exchange-request';
import { formatClock, formatMs } from '../model/time-format';
import { confirmAction, useConfirmStore } from '../state/confirm-store';
import { useNavigationStore } from '../state/navigation-store';
import { useStatusStore } from '../state/status-store';
import { matchesFilters, NO_FILTERS, useTrafficStore, type StatusClass } from '../state/traffic-store';
import { tryItDraftFrom, useTryItStore } from '../state/tryit-store';
import { ScreenHeader } from './ScreenHeader';
import { ServedConfigBanner } from '../components/ServedConfig';
import { counted } from '../../../gateway/config/counted';

const STATUS_CLASSES: [StatusClass, string][] = [['', 'Any status'], ['2xx', '2xx'], ['3xx', '3xx'], ['4xx', '4xx'], ['5xx', '5xx'], ['none', 'No answer yet']];

function distinct(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}

function FilterSelect({ id, label, value, onChange, children }: { id: string; label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  return (
    <div className="inline-label">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>{children}</select>
    </div>
  );
}

function ExportPanel({ checkedCount, total, onDone }: { checkedCount: number; total: number; onDone: (message: string, error?: boolean) => void }) {
  const exportHar = useTrafficStore((s) => s.exportHar);
  const checked = useTrafficStore((s) => s.checked);
  const [which, setWhich] = useState<'checked' | 'all'>(checkedCount > 0 ? 'checked' : 'all');
  const [includeCredentials, setIncludeCredentials] = useState(false);
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    const result = await exportHar(which === 'checked' ? [...checked] : undefined, includeCredentials);
    setBusy(false);
    if ('error' in result) onDone(`Not exported: ${result.error}`, true);
    else if (!result.saved) onDone('Export cancelled.');
    else onDone(`Exported ${result.entries} request${result.entries === 1 ? '' : 's'} to ${result.path}${includeCredentials ? ' with credentials: keep this file private.' : ' (credentials masked).'}`);
  }

  return (
    <fieldset className="export-panel">
      <legend>Export as HAR 1.2</legend>
      <div className="radio-row">
        <span className="checkbox-label">
          <input id="har-which-checked" type="radio" name="har-which" checked={which === 'checked'} disabled={checkedCount === 0} onChange={() => setWhich('checked')} />
          <label htmlFor="har-which-checked">Selected rows ({checkedCount})</label>
        </span>
        <span className="checkbox-label">
          <input id="har-which-all" type="radio" name="har-which" checked={which === 'all'} onChange={() => setWhich('all')} />
          <label htmlFor="har-which-all">All kept requests ({total})</label>
        </span>
      </div>
      <span className="checkbox-label">
        <input id="har-credentials" type="checkbox" checked={includeCredentials} onChange={(e) => setIncludeCredentials(e.target.checked)} />
        <label htmlFor="har-credentials">Include credentials</label>
      </span>
      {includeCredentials && (
        <p className="notice notice-warning" role="alert">
          The file will hold passwords, tokens and cookies in plain text, as the client and the gateway sent them. Anyone with the file can use them. Values masked inside bodies stay masked.
        </p>
      )}
      <div className="button-row-inline">
        <button type="button" className="primary" disabled={busy || (which === 'checked' && checkedCount === 0)} onClick={() => void run()}>
          {busy ? 'Exporting…' : includeCredentials ? 'Export with credentials…' : 'Export…'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone('')}>Cancel</button>
      </div>
    </fieldset>
  );
}

/** The gateway's lines about upstream connections, newest first: time, upstream origin, what happened (how often, folded). */
function ConnectionNotices({ notices }: { notices: readonly ConnectionNotice[] }) {
  return (
    <div className="connection-notices">
      <h2 id="connection-notices-title">
        Connection notices <span className="muted">{counted(notices.length, 'notice')}, newest first{notices.length >= CONNECTION_NOTICES_KEPT ? ` (the last ${CONNECTION_NOTICES_KEPT} are kept)` : ''}</span>
      </h2>
      {/* Scrolls on its own past a few notices: focusable, so the keyboard can scroll it too. */}
      <div className="connection-notice-list" tabIndex={0} role="region" aria-labelledby="connection-notices-title">
        <table className="table compact">
          <thead>
            <tr><th scope="col">Time</th><th scope="col">Upstream</th><th scope="col">Message</th></tr>
          </thead>
          <tbody>
            {notices.map((n) => (
              <tr key={n.id}>
                <td className="mono nowrap"><time dateTime={n.time}>{formatClock(Date.parse(n.time))}</time></td>
                <td className="mono nowrap">{n.upstream}</td>
                <td className="wrap">
                  {n.message}
                  {n.repeats > 1 && <span className="muted"> ({n.repeats} times, the first at <time dateTime={n.firstTime}>{formatClock(Date.parse(n.firstTime))}</time>)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function TrafficScreen() {
  const { rows, notices, kept, dropped, capturing, filters, selectedId, details, detailsError, checked } = useTrafficStore();
  const { setFilters, select, toggleChecked, setChecked, clear, setCapture } = useTrafficStore.getState();
  const gatewayUrl = useStatusStore((s) => s.gateway.url) ?? 'http://127.0.0.1:9080';
  const navigate = useNavigationStore((s) => s.navigate);
  const [exporting, setExporting] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error?: boolean }>();

  const shown = useMemo(() => rows.filter((r) => matchesFilters(r, filters)), [rows, filters]);
  const services = useMemo(() => distinct(rows.map((r) => r.service)), [rows]);
  const routes = useMemo(() => distinct(rows.map((r) => r.route)), [rows]);
  const consumers = useMemo(() => distinct(rows.map((r) => r.consumer)), [rows]);
  const methods = useMemo(() => distinct(rows.map((r) => r.method)), [rows]);
  // Details only for a row the filters show: hiding a row closes its details.
  const visibleSelected = selectedId !== undefined && shown.some((r) => r.id === selectedId) ? selectedId : undefined;
  const open = visibleSelected !== undefined ? details : undefined;

  useEffect(() => {
    if (visibleSelected === undefined) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && useConfirmStore.getState().open === undefined) {
        e.preventDefault();
        void select(undefined);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [visibleSelected, select]);

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, id: number) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void select(id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const row = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      if (row instanceof HTMLElement) row.focus();
    }
  };

  async function onClear() {
    const requests = `${counted(kept, 'captured request')} and their bodies`;
    const what = notices.length === 0 ? requests : kept === 0 ? counted(notices.length, 'connection notice') : `${requests}, and ${counted(notices.length, 'connection notice')},`;
    const ok = await confirmAction({ title: 'Clear the traffic log?', message: `This removes all ${what} from memory. An export made before is not affected.`, confirmLabel: 'Clear', danger: true });
    if (ok) {
      await clear();
      setNotice({ text: 'Traffic cleared.' });
    }
  }

  async function copyCurl(exchange: CapturedExchange, hop: 'client' | 'backend'): Promise<string> {
    const request = hop === 'client' ? clientRequest(exchange, gatewayUrl) : backendRequest(exchange);
    const text = request ? exchangeCurl(request) : '';
    try {
      await navigator.clipboard?.writeText(text);
    } catch {}
    return text;
  }

  async function openInTryIt(exchange: CapturedExchange) {
    const { draft, left } = tryItDraftFrom(exchange);
    const tryIt = useTryItStore.getState();
    tryIt.update({ ...draft, password: draft.username === tryIt.draft.username ? tryIt.draft.password : '' });
    // The answer on screen was to another request.
    useTryItStore.setState({ response: undefined, sent: undefined, notice: left.length > 0 ? `Opened from Traffic. Credentials are not copied: enter ${left.join(', ')}${draft.username ? ' and the password' : ''} yourself.` : draft.username ? 'Opened from Traffic. Enter the password: credentials are not copied.' : 'Opened from Traffic.' });
    await navigate('tryit');
  }

  const allShownChecked = shown.length > 0 && shown.every((r) => checked.has(r.id));
  const filtered = filters !== NO_FILTERS && JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <section className="screen" aria-labelledby="traffic-title">
      <ScreenHeader id="traffic" title="Traffic">
        <button type="button" className="secondary" onClick={() => void setCapture(!capturing)} aria-pressed={!capturing}>
          {capturing ? 'Pause capture' : 'Resume capture'}
        </button>
        <button type="button" className="secondary" onClick={() => setExporting(!exporting)} disabled={kept === 0} aria-expanded={exporting}>
          Export HAR…
        </button>
        <button type="button" className="secondary" onClick={() => void onClear()} disabled={kept === 0 && notices.length === 0}>
          Clear…
        </button>
      </ScreenHeader>
      <ServedConfigBanner />
      <div className="traffic-filters" role="search" aria-label="Filter requests">
        <div className="inline-label grow">
          <label htmlFor="traffic-filter-text">Filter</label>
          <input id="traffic-filter-text" type="search" value={filters.text} onChange={(e) => setFilters({ text: e.target.value })} placeholder="path, service, consumer, status" />
        </div>
        <FilterSelect id="traffic-filter-status" label="Status" value={filters.statusClass} onChange={(v) => setFilters({ statusClass: v as StatusClass })}>
          {STATUS_CLASSES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </FilterSelect>
        <FilterSelect id="traffic-filter-method" label="Method" value={filters.method} onChange={(method) => setFilters({ method })}>
          <option value="">Any</option>
          {methods.map((m) => <option key={m} value={m}>{m}</option>)}
        </FilterSelect>
        <FilterSelect id="traffic-filter-target" label="Service or route" value={filters.target} onChange={(target) => setFilters({ target })}>
          <option value="">Any</option>
          {services.length > 0 && <optgroup label="Services">{services.map((v) => <option key={v} value={v}>{v}</option>)}</optgroup>}
          {routes.length > 0 && <optgroup label="Routes">{routes.map((r) => <option key={r} value={`route:${r}`}>{r}</option>)}</optgroup>}
        </FilterSelect>
        <FilterSelect id="traffic-filter-consumer" label="Consumer" value={filters.consumer} onChange={(consumer) => setFilters({ consumer })}>
          <option value="">Any</option>
          <option value="(none)">(none)</option>
          {consumers.map((c) => <option key={c} value={c}>{c}</option>)}
        </FilterSelect>
        {filtered && <button type="button" className="secondary small" onClick={() => setFilters(NO_FILTERS)}>Reset filters</button>}
      </div>
      <p className="traffic-counts muted" aria-live="polite">
        {capturing ? '' : 'Capture paused: new requests are served but not recorded. '}
        {counted(kept, 'request')} kept{filtered ? `, ${shown.length} shown` : ''}
        {dropped > 0 ? ` · ${dropped} older dropped (the last 5,000 are kept)` : ''}
        {checked.size > 0 ? ` · ${checked.size} selected` : ''}
      </p>
      {exporting && <ExportPanel checkedCount={checked.size} total={kept} onDone={(text, error) => { setExporting(false); if (text) setNotice({ text, error }); }} />}
      {notice && <div className={`notice ${notice.error ? 'notice-error' : 'notice-ok'}`} role={notice.error ? 'alert' : 'status'}><p>{notice.text}</p></div>}
      {notices.length > 0 && <ConnectionNotices notices={notices} />}
      <div className={open || detailsError ? 'traffic-layout with-details' : 'traffic-layout'}>
        <div className="table-wrap traffic-list">
          <table className="table traffic-table">
            <caption className="visually-hidden">Requests, newest first. Press Enter on a row for its details, Escape to close them.</caption>
            <thead>
              <tr>
                <th scope="col" className="check-col">
                  <input type="checkbox" aria-label="Select all shown rows" checked={allShownChecked} onChange={(e) => setChecked(e.target.checked ? shown.map((r) => r.id) : [])} />
                </th>
                <th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Service</th><th scope="col">Consumer</th><th scope="col">Status</th><th scope="col" className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} tabIndex={0} className="clickable" aria-current={r.id === visibleSelected ? 'true' : undefined} onClick={() => void select(r.id)} onKeyDown={(k) => onRowKey(k, r.id)}>
                  <td className="check-col" onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" aria-label={`Select ${r.method} ${safeDecode(r.target)}`} checked={checked.has(r.id)} onChange={(e) => toggleChecked(r.id, e.target.checked)} />
                  </td>
                  <td className="mono nowrap">{formatClock(r.startedAt)}</td>
                  <td>{r.method}</td>
                  <td className="mono path-cell" title={safeDecode(r.target)}>{safeDecode(r.target)}</td>
                  <td className="name-cell" title={r.service ?? undefined}>{r.service ?? '—'}</td>
                  <td className="name-cell" title={r.consumer ?? undefined}>{r.consumer ?? '—'}</td>
                  <td className={`nowrap ${r.status === null ? 'muted' : r.status >= 400 ? 'status-error' : 'status-ok'}`}>{r.status ?? '…'}{r.retried ? ' ↻' : ''}</td>
                  <td className="num nowrap">{r.state === 'open' ? 'streaming' : formatMs(r.totalMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p className="empty">{rows.length === 0 ? (capturing ? 'No requests yet. Send one from Try it, or point a client at the gateway.' : 'Capture is paused.') : 'No request matches the filters.'}</p>}
        </div>
        {open && <ExchangeDetails exchange={open} onClose={() => void select(undefined)} onCopyCurl={(hop) => copyCurl(open, hop)} onOpenInTryIt={() => void openInTryIt(open)} />}
        {!open && detailsError && visibleSelected !== undefined && <div className="notice notice-error" role="alert"><p>{detailsError}</p></div>}
      </div>
    </section>
  );
}
