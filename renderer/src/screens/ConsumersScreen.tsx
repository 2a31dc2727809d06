// Consumers (who may call protected routes) and their basic-auth passwords, kept in the vault.
import { useEffect } from 'react';
import { useSecretsStore } from '../state/secrets-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ConsumerForm } from '../forms/ConsumerForm';
import { NotServedBadge } from '../components/ServedConfig';
import { useItemEditor } from '../components/item-editor';
import { leftOutAt } from '../model/served-config';
import { useStatusStore } from '../state/status-store';
import { ScreenHeader } from './ScreenHeader';

type Selection = { kind: 'consumer'; username: string } | { kind: 'new' };

export function ConsumersScreen() {
  const workspace = useWorkspaceStore((s) => s.workspace);
  const loadSecrets = useSecretsStore((s) => s.load);
  const gateway = useStatusStore((s) => s.gateway);
  // Opened from a "not served" notice elsewhere: `consumers[i]`.
  const { selection, editor, detailRef, choose, show } = useItemEditor<Selection>({
    fromTarget(target) {
      const index = target.kind === 'item' ? /^consumers\[(\d+)\]$/.exec(target.path)?.[1] : undefined;
      const consumer = index !== undefined ? useWorkspaceStore.getState().workspace?.consumers[Number(index)] : undefined;
      return consumer ? { kind: 'consumer', username: consumer.username } : undefined;
    },
  });
  useEffect(() => void loadSecrets(), [loadSecrets]);

  if (!workspace) return <ScreenHeader id="consumers" title="Consumers" />;
  const consumer = selection?.kind === 'consumer' ? workspace.consumers.find((c) => c.username === selection.username) : undefined;

  return (
    <section className="screen" aria-labelledby="consumers-title">
      <ScreenHeader id="consumers" title="Consumers">
        <button type="button" className="primary" onClick={() => choose({ kind: 'new' })}>New consumer</button>
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
                  <button type="button" className="item" aria-current={selection?.kind === 'consumer' && selection.username === c.username ? 'true' : undefined} onClick={() => choose({ kind: 'consumer', username: c.username })}>
                    <span className="item-title">{c.username} <NotServedBadge item={leftOutAt(gateway, `consumers[${i}]`)} /></span>
                    <span className="item-meta">{c.basicAuth ? <>password in <span className="mono">{c.basicAuth.password.secret}</span></> : 'no credentials'}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div className="detail" ref={detailRef}>
            {selection ? (
              <ConsumerForm key={editor} original={consumer} workspace={workspace} onSaved={(username) => show({ kind: 'consumer', username })} onDeleted={() => show(undefined)} />
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
