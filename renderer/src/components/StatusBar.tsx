import { useStatusStore } from '../state/status-store';

const LABELS = { stopped: 'Stopped', starting: 'Starting…', running: 'Running', restarting: 'Restarting…', failed: 'Failed' } as const;
const VAULT_LABELS = { keychain: 'Secrets: OS keychain', 'session-only': 'Secrets: this session only', unavailable: 'Secrets: keychain unavailable' } as const;

export function StatusBar() {
  const gateway = useStatusStore((s) => s.gateway);
  const vault = useStatusStore((s) => s.vault);
  return (
    <footer className="status-bar">
      <div role="status" className="status-group">
        <span className={`status-dot status-${gateway.state}`} aria-hidden="true" />
        <span>Gateway: {LABELS[gateway.state]}</span>
        {gateway.url && <span className="mono">{gateway.url}</span>}
        {gateway.restarts > 0 && <span>restarts: {gateway.restarts}</span>}
        {gateway.lastError && <span className="status-error">Last error: {gateway.lastError}</span>}
      </div>
      <span className="spacer" />
      {vault && <span className={vault.mode === 'keychain' ? '' : 'status-warning'}>{VAULT_LABELS[vault.mode]}</span>}
    </footer>
  );
}
