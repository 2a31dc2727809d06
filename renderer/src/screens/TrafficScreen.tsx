// Requests the gateway served, newest first (pushed by main as `traffic` events). A row opens its details
// (click, or Enter / Space on the focused row).
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { RequestLogEntry } from '../../../gateway/log/request-log';
import { useStatusStore } from '../state/status-store';
import { ScreenHeader } from './ScreenHeader';

const ms = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} ms`);

function HeaderTable({ title, headers }: { title: string; headers: [string, string][] | undefined }) {
  if (!headers || headers.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <table className="table compact">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Value</th></tr>
        </thead>
        <tbody>
          {headers.map(([name, value], i) => (
            <tr key={`${name}-${i}`}><td className="mono">{name}</td><td className="mono">{value}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TrafficDetails({ entry, onClose }: { entry: RequestLogEntry; onClose: () => void }) {
  const rows: [string, string][] = [
    ['Time', entry.time],
    ['Method', entry.method],
    ['Path', entry.path],
    ['Status', String(entry.status)],
    ['Route', entry.route ?? '— (no route)'],
    ['Service', entry.service ?? '—'],
    ['Consumer', entry.consumer ?? '— (none)'],
    ['Upstream time', ms(entry.upstreamMs)],
    ['Total time', ms(entry.totalMs)],
    ['Client', entry.client],
  ];
  if (entry.error) rows.push(['Error', entry.error]);
  return (
    <aside className="editor traffic-details" aria-labelledby="traffic-details-title">
      <div className="details-header">
        <h2 id="traffic-details-title">
          {entry.method} <span className="mono">{entry.path}</span>
        </h2>
        <button type="button" className="secondary small" onClick={onClose}>
          Close details
        </button>
      </div>
      <dl className="details-list">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={label === 'Path' || label === 'Client' || label === 'Time' ? 'mono' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <HeaderTable title="Request headers" headers={entry.requestHeaders} />
      <HeaderTable title="Response headers" headers={entry.responseHeaders} />
      <p className="muted">Credential values (Authorization, cookies, tokens) are masked; query strings are not recorded.</p>
    </aside>
  );
}

export function TrafficScreen() {
  const traffic = useStatusStore((s) => s.traffic);
  const clearTraffic = useStatusStore((s) => s.clearTraffic);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<RequestLogEntry>();
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? traffic.filter((e) => `${e.method} ${e.path} ${e.route ?? ''} ${e.consumer ?? ''} ${e.status}`.toLowerCase().includes(f)) : traffic;
  }, [traffic, filter]);

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, entry: RequestLogEntry) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected(entry);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const row = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      if (row instanceof HTMLElement) row.focus();
    }
  };

  return (
    <section className="screen" aria-labelledby="traffic-title">
      <ScreenHeader id="traffic" title="Traffic">
        <label className="inline-label">
          Filter <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="path, route, consumer, status" />
        </label>
        <button type="button" className="secondary" onClick={() => { clearTraffic(); setSelected(undefined); }} disabled={traffic.length === 0}>
          Clear
        </button>
      </ScreenHeader>
      <div className={selected ? 'traffic-layout with-details' : 'traffic-layout'}>
        <div className="table-wrap">
          <table className="table traffic-table">
            <caption className="visually-hidden">Requests, newest first. Press Enter on a row for its details.</caption>
            <thead>
              <tr>
                <th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Route</th><th scope="col">Consumer</th><th scope="col">Status</th><th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e, i) => (
                <tr key={`${e.time}-${i}`} tabIndex={0} className="clickable" aria-current={e === selected ? 'true' : undefined} onClick={() => setSelected(e)} onKeyDown={(k) => onRowKey(k, e)}>
                  <td className="mono">{e.time.slice(11, 23)}</td>
                  <td>{e.method}</td>
                  <td className="mono">{e.path}</td>
                  <td>{e.route ?? '—'}</td>
                  <td>{e.consumer ?? '—'}</td>
                  <td className={e.status >= 400 ? 'status-error' : 'status-ok'}>{e.status}</td>
                  <td>{e.totalMs.toFixed(1)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p className="empty">{traffic.length === 0 ? 'No requests yet. Send one from Try it, or point a client at the gateway.' : 'No request matches the filter.'}</p>}
        </div>
        {selected && <TrafficDetails entry={selected} onClose={() => setSelected(undefined)} />}
      </div>
    </section>
  );
}
