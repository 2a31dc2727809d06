// App-wide notices above the screens: where secrets are kept when it is not the OS keychain, and a
// workspace file that could not be read.
import { useState } from 'react';
import { useStatusStore } from '../state/status-store';
import { useWorkspaceStore } from '../state/workspace-store';

export function VaultBanner() {
  const vault = useStatusStore((s) => s.vault);
  const vaultError = useStatusStore((s) => s.vaultError);
  const chooseSessionOnly = useStatusStore((s) => s.chooseSessionOnlyVault);
  const [busy, setBusy] = useState(false);
  if (vaultError) {
    return (
      <div className="banner banner-error" role="alert">
        <p><strong>The secret vault cannot be reached.</strong> {vaultError}</p>
      </div>
    );
  }
  if (!vault || vault.mode === 'keychain') return null;
  if (vault.mode === 'session-only') {
    return (
      <div className="banner banner-warning" role="region" aria-label="Secret storage">
        <p>
          <strong>Secrets are kept for this session only.</strong> They stay in memory and are lost when Gatehouse quits; nothing is written to disk.
          {vault.reason && <span className="banner-detail"> {vault.reason}</span>}
        </p>
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="region" aria-label="Secret storage">
      <p>
        <strong>The OS keychain is unavailable, so secrets cannot be saved.</strong>
        {vault.reason && <span className="banner-detail"> {vault.reason}</span>}
      </p>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void chooseSessionOnly().finally(() => setBusy(false));
        }}
      >
        Keep secrets for this session only
      </button>
    </div>
  );
}

export function WorkspaceBanner() {
  const problem = useWorkspaceStore((s) => s.problem);
  const running = useWorkspaceStore((s) => s.running);
  const replaceable = useWorkspaceStore((s) => s.replaceable);
  const loadError = useWorkspaceStore((s) => s.loadError);
  const backupAvailable = useWorkspaceStore((s) => s.backupAvailable);
  const restoreBackup = useWorkspaceStore((s) => s.restoreBackup);
  const [message, setMessage] = useState<string>();
  if (loadError) {
    return (
      <div className="banner banner-error" role="alert">
        <p><strong>The workspace cannot be loaded.</strong> {loadError}</p>
      </div>
    );
  }
  if (!problem) return message ? <div className="banner banner-ok" role="status"><p>{message}</p></div> : null;
  return (
    <div className="banner banner-error" role="region" aria-label="Workspace file">
      <p>
        {running === 'last-read' ? (
          <><strong>Another program changed the workspace file, and it cannot be read;</strong> Gatehouse keeps showing, and the gateway keeps serving, the version it read before. </>
        ) : (
          <><strong>The workspace file could not be read;</strong> Gatehouse runs an empty workspace. </>
        )}
        {replaceable ? 'Saving replaces the file (the unreadable one is kept next to it).' : 'Saving cannot replace a file Gatehouse may not read: give it back its permissions, or move it away.'}
        <span className="banner-detail"> {problem}</span>
      </p>
      {/* Restoring writes the file too: no use while Gatehouse may not read it. */}
      {backupAvailable && replaceable && (
        <button type="button" className="secondary" onClick={() => void restoreBackup().then((r) => setMessage(r.ok ? 'The previous workspace was restored from its backup.' : r.message))}>
          Restore the last good version
        </button>
      )}
      {message && <p role="status">{message}</p>}
    </div>
  );
}
