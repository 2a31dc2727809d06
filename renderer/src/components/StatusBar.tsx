import { useState } from 'react';
import { useStatusStore } from '../state/status-store';
import { gatehouse } from '../api/gatehouse-api';
import { servedSummary } from '../model/served-config';
import { unansweredReloadReason } from '../model/unanswered-reload';
import { FixButton } from './ServedConfig';
import { useNow } from './use-now';

const LABELS = { stopped: 'Stopped', starting: 'Starting…', running: 'Running', restarting: 'Restarting…', failed: 'Failed' } as const;
const VAULT_LABELS = { keychain: 'Secrets: OS keychain', 'session-only': 'Secrets: this session only', unavailable: 'Secrets: keychain unavailable' } as const;

export function StatusBar() {
  const gateway = useStatusStore((s) => s.gateway);
  const vault = useStatusStore((s) => s.vault);
  const [restarting, setRestarting] = useState(false);
  const restart = () => {
    setRestarting(true);
    // The new status arrives as a gateway-status event; a failure shows there as lastError.
    void gatehouse().invoke('gateway:restart', undefined).catch(() => undefined).finally(() => setRestarting(false));
  };
  const now = useNow(gateway.unansweredReload !== undefined);
  // Running is green only while it answers and serves the saved workspace, every item of it. A reload left
  // unanswered comes first: what it serves is unknown until it answers.
  const unanswered = unansweredReloadReason(gateway, now);
  const summary = gateway.state === 'running' ? servedSummary(gateway) : { kind: 'all' as const };
  const served = unanswered ? { kind: 'unanswered' as const, headline: 'Not answering', reason: unanswered } : summary;
  const dot = served.kind === 'all' ? gateway.state : 'degraded';
  const fixItem = served.kind === 'partial' ? (served.leftOut.find((i) => i.kind !== 'route') ?? served.leftOut[0]) : undefined;
  return (
    <footer className="status-bar">
      <div role="status" className="status-group">
        <span className={`status-dot status-${dot}`} aria-hidden="true" />
        <span>Gateway: {served.kind === 'all' ? LABELS[gateway.state] : <strong className="status-warning">{served.headline}</strong>}</span>
        {served.kind !== 'all' && <span className="status-reason" title={served.reason}>{served.reason}</span>}
        {fixItem && <FixButton item={fixItem} />}
        {gateway.url && <span className="mono status-url">{gateway.url}</span>}
        {gateway.restarts > 0 && <span>restarts: {gateway.restarts}</span>}
        {gateway.lastError && <span className="status-error">Last error: {gateway.lastError}</span>}
        {gateway.inFlight > 0 && <span>in flight: {gateway.inFlight}</span>}
      </div>
      <button type="button" className="secondary small" onClick={restart} disabled={restarting}>
        {restarting ? 'Restarting…' : 'Restart gateway'}
      </button>
      <span className="spacer" />
      {vault && <span className={vault.mode === 'keychain' ? '' : 'status-warning'}>{VAULT_LABELS[vault.mode]}</span>}
    </footer>
  );
}
