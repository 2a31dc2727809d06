import { useStatusStore } from '../state/status-store';

const LABELS = { stopped: 'Stopped', starting: 'Starting…', running: 'Running', restarting: 'Restarting…', failed: 'Failed' } as const;

export function StatusBar() {
  const gateway = useStatusStore((s) => s.gateway);
  const vault = useStatusStore((s) => s.vault);
  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span className={`status-dot status-${gateway.state}`} aria-hidden="true" />
      <span>Gateway: {LABELS[gateway.state]}</span>
      {gateway.url && <span className="mono">{gateway.url}</span>}
      {gateway.restarts > 0 && <span>restarts: {gateway.restarts}</span>}
      {gateway.lastError && <span className="status-error">{gateway.lastError}</span>}
      <span className="spacer" />
      {vault && <span className={vault.mode === 'keychain' ? '' : 'status-warning'}>{vault.mode === 'keychain' ? 'Secrets: OS keychain' : vault.mode === 'session-only' ? 'Secrets: session only (lost on quit)' : `Keychain unavailable: ${vault.reason ?? ''}`}</span>}
    </footer>
  );
}
