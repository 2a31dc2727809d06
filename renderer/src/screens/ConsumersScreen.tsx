// Consumers (who may call protected routes) and their basic-auth passwords, kept in the vault.
import { useEffect, useRef, useState } from 'react';
import { useNavigationStore } from '../state/navigation-store';
import { useSecretsStore } from '../state/secrets-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ConsumerForm } from '../forms/ConsumerForm';
import { NotServedBadge } from '../components/ServedConfig';
import { useEscapeToClose, useRevealOnOpen } from '../components/keyboard';
import { leftOutAt } from '../model/served-config';
import { useStatusStore } from '../state/status-store';
import { ScreenHeader } from './ScreenHeader';

type Selection = { kind: 'consumer'; username: string } | { kind: 'new' };

export function ConsumersScreen() {
  const workspace = useWorkspaceStore((s) => s.workspace);
  const loadSecrets = useSecretsStore((s) => s.load);
  const guard = useNavigationStore((s) => s.guard);
  const gateway = useStatusStore((s) => s.gateway);
  const [selection, setSelection] = useState<Selection>();
  const [editor, setEditor] = useState(0);
  const detailRef = useRef<HTMLDivElement>(null);
  useRevealOnOpen(detailRef, selection ? editor : undefined);
  useEffect(() => void loadSecrets(), [loadSecrets]);
  // Opened from a "not served" notice elsewhere: `consumers[i]`.
  useEffect(() => {
    const target = useNavigationStore.getState().takeTarget();
    const index = target?.kind === 'item' ? /^consumers\[(\d+)\]$/.exec(target.path)?.[1] : undefined;
    const consumer = index !== undefined ? useWorkspaceStore.getState().workspace?.consumers[Number(index)] : undefined;
    if (consumer) {
      setSelection({ kind: 'consumer', username: consumer.username });
      setEditor((n) => n + 1);
    }
  }, []);

  const select = (next: Selection | undefined) =>
    void guard(() => {
      setSelection(next);
      setEditor((n) => n + 1);
    });

  useEscapeToClose(selection ? () => select(undefined) : undefined);

  if (!workspace) return <ScreenHeader id="consumers" title="Consumers" />;
  const consumer = selection?.kind === 'consumer' ? workspace.consumers.find((c) => c.username === selection.username) : undefined;

  return (
    <section className="screen" aria-labelledby="consumers-title">
      <ScreenHeader id="consumers" title="Consumers">
        <button type="button" className="primary" onClick={() => select({ kind: 'new' })}>New consumer</button>
      </ScreenHeader>
      {workspace.consumers.length === 0 && !selection ? (
        <div className="detail-empty">
          <h2>No consumers yet</h2>
          <p>A consumer is someone allowed to call the routes that ask for basic auth, with a username and a password kept in the vault. Start with <strong>New consumer</strong>.</p>
        </div>
      ) : (
        <div className="master-detail">
          <div className="item-list" role="region" aria-label="Consumer list">
            {workspace.consumers.length === 0 && <p className="empty">No consumers yet.</p>}
            <ul className="tree">
              {workspace.consumers.map((c, i) => (
                <li key={c.username}>
                  <button type="button" className="item" aria-current={selection?.kind === 'consumer' && selection.username === c.username ? 'true' : undefined} onClick={() => select({ kind: 'consumer', username: c.username })}>
                    <span className="item-title">{c.username} <NotServedBadge item={leftOutAt(gateway, `consumers[${i}]`)} /></span>
                    <span className="item-meta">{c.basicAuth ? <>password in <span className="mono">{c.basicAuth.password.secret}</span></> : 'no credentials'}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div className="detail" ref={detailRef}>
            {selection ? (
              <ConsumerForm key={editor} original={consumer} workspace={workspace} onSaved={(username) => setSelection({ kind: 'consumer', username })} onDeleted={() => setSelection(undefined)} />
            ) : (
              <div className="detail-empty">
                <p>Select a consumer to edit it.</p>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
