import { useState } from 'react';
import { useStatusStore } from '../state/status-store';
import { gatehouse } from '../api/gatehouse-api';

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
  return (
    <footer className="status-bar">
      <div role="status" className="status-group">
        <span className={`status-dot status-${gateway.state}`} aria-hidden="true" />
        <span>Gateway: {LABELS[gateway.state]}</span>
        {gateway.url && <span className="mono">{gateway.url}</span>}
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
