import { useMemo, useState } from 'react';
import { useStatusStore } from '../state/status-store';

export function TrafficScreen() {
  const traffic = useStatusStore((s) => s.traffic);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? traffic.filter((e) => `${e.method} ${e.path} ${e.route ?? ''} ${e.consumer ?? ''} ${e.status}`.toLowerCase().includes(f)) : traffic;
  }, [traffic, filter]);
  return (
    <section aria-labelledby="traffic-title">
      <header className="screen-header">
        <h1 id="traffic-title">Traffic</h1>
        <label>
          Filter <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="path, route, consumer, status" />
        </label>
      </header>
      <table className="table">
        <thead>
          <tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Route</th><th scope="col">Consumer</th><th scope="col">Status</th><th scope="col">Latency</th></tr>
        </thead>
        <tbody>
          {shown.map((e, i) => (
            <tr key={`${e.time}-${i}`}>
              <td>{e.time.slice(11, 23)}</td><td>{e.method}</td><td className="mono">{e.path}</td><td>{e.route ?? '—'}</td><td>{e.consumer ?? '—'}</td>
              <td className={e.status >= 400 ? 'status-error' : ''}>{e.status}</td><td>{e.totalMs.toFixed(1)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="empty">No requests yet.</p>}
    </section>
  );
}
