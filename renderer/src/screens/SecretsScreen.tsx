// The vault's secrets: names and keys with masked values, a value revealed only on demand, where the
// workspace uses each secret, and references to secrets the vault does not have.
import { useEffect, useState } from 'react';
import type { SecretSummary } from '../../../main/ipc/contract';
import { FormMessages, type FormStatus } from '../forms/FormMessages';
import { secretId, secretUses, usesOf, type SecretUse } from '../model/secret-usage';
import { useItemEditor } from '../components/item-editor';
import { confirmAction } from '../state/confirm-store';
import { useSecretsStore, type SecretRef } from '../state/secrets-store';
import { useStatusStore } from '../state/status-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ScreenHeader } from './ScreenHeader';
import { SecretForm } from '../forms/SecretForm';

type Selection = { kind: 'secret'; id: string } | { kind: 'new'; initial?: SecretRef & { keys: string[] } } | { kind: 'edit'; id: string };

function RevealableValue({ secret, keyName, masked }: { secret: SecretRef; keyName: string; masked: string }) {
  const reveal = useSecretsStore((s) => s.reveal);
  const [value, setValue] = useState<string>();
  const [error, setError] = useState<string>();
  const label = `${keyName} of ${secret.name}`;
  return (
    <div className="secret-value">
      <code className={value === undefined ? 'masked' : 'revealed'} aria-label={value === undefined ? `${label}, hidden` : `${label}, revealed`}>
        {value ?? masked}
      </code>
      <button
        type="button"
        className="secondary small"
        aria-label={value === undefined ? `Reveal ${label}` : `Hide ${label}`}
        onClick={() => {
          if (value !== undefined) return setValue(undefined);
          setError(undefined);
          reveal(secret, keyName).then(setValue, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
        }}
      >
        {value === undefined ? 'Reveal' : 'Hide'}
      </button>
      {error && <span className="field-error" role="alert">{error}</span>}
    </div>
  );
}

function UsageList({ uses }: { uses: readonly SecretUse[] }) {
  if (uses.length === 0) return <p className="muted">Not used by the workspace.</p>;
  return (
    <ul className="plain-list">
      {uses.map((u) => (
        <li key={u.path}>
          {u.owner}
          {u.keys.length > 0 && <span className="muted"> (key{u.keys.length > 1 ? 's' : ''} {u.keys.join(', ')})</span>} <span className="mono muted">{u.path}</span>
        </li>
      ))}
    </ul>
  );
}

interface SecretDetailProps {
  secret: SecretSummary;
  uses: readonly SecretUse[];
  notice: FormStatus;
  onEdit: () => void;
  onDeleted: () => void;
}

function SecretDetail({ secret, uses, notice, onEdit, onDeleted }: SecretDetailProps) {
  const remove = useSecretsStore((s) => s.remove);
  const [status, setStatus] = useState<FormStatus>(notice);
  const ref: SecretRef = { name: secret.name, namespace: secret.namespace };
  const id = secretId(secret.name, secret.namespace);
  const missingKeys = uses.flatMap((u) => u.keys).filter((k) => !secret.keys.some((s) => s.key === k));
  async function onDelete() {
    const confirmed = await confirmAction({
      title: `Delete secret ${id}?`,
      message: uses.length > 0
        ? `It is used by ${uses.map((u) => u.owner).join(', ')}. The gateway stops serving ${uses.length === 1 ? 'it' : 'them'} at once, until the secret is entered again: a service answers 503, a consumer can no longer sign in.`
        : 'It is removed from the vault.',
      confirmLabel: 'Delete secret',
      danger: true,
    });
    if (!confirmed) return;
    const result = await remove(ref);
    if (result.ok) onDeleted();
    else setStatus({ kind: 'error', message: result.message, unclaimed: [] });
  }
  return (
    <div className="editor">
      <h2>Secret <span className="mono">{id}</span></h2>
      <table className="table compact">
        <caption className="visually-hidden">Keys of {id}</caption>
        <thead>
          <tr><th scope="col">Key</th><th scope="col">Value</th></tr>
        </thead>
        <tbody>
          {secret.keys.map((k) => (
            <tr key={k.key}>
              <td className="mono">{k.key}</td>
              <td><RevealableValue secret={ref} keyName={k.key} masked={k.masked} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="info-block" aria-labelledby="secret-uses-title">
        <h3 id="secret-uses-title">Used by</h3>
        <UsageList uses={uses} />
        {missingKeys.length > 0 && <p className="field-error">The workspace names key{missingKeys.length > 1 ? 's' : ''} {missingKeys.join(', ')}, which this secret does not have.</p>}
      </section>
      <FormMessages status={status} />
      <div className="button-row">
        <button type="button" className="primary" onClick={onEdit}>Edit keys</button>
        <span className="spacer" />
        <button type="button" className="danger-outline" onClick={() => void onDelete()}>Delete secret</button>
      </div>
    </div>
  );
}

export function SecretsScreen() {
  const { secrets, loaded, loadError, load } = useSecretsStore();
  const workspace = useWorkspaceStore((s) => s.workspace);
  const vault = useStatusStore((s) => s.vault);
  const [notice, setNotice] = useState<FormStatus>({ kind: 'idle' });
  const { selection, editor, detailRef, choose, show } = useItemEditor<Selection>({
    // Opened from a "not served" notice: the secret to enter (a new one when the vault lacks it).
    async fromTarget(target) {
      if (target.kind !== 'secret') return undefined;
      await load();
      const id = secretId(target.name, target.namespace);
      const stored = useSecretsStore.getState().secrets.find((s) => secretId(s.name, s.namespace) === id);
      const ws = useWorkspaceStore.getState().workspace;
      const keys = [...new Set([...(target.keys ?? []), ...(ws ? usesOf(secretUses(ws), target.name, target.namespace).flatMap((u) => u.keys) : [])])];
      return stored ? { kind: 'edit', id } : { kind: 'new', initial: { name: target.name, namespace: target.namespace, keys } };
    },
    // Saving switches the details from the form to the secret without a new editor: that is brought into view too.
    revealKey: (selection, editor) => `${editor}:${selection.kind}:${'id' in selection ? selection.id : ''}`,
    onChoose: () => setNotice({ kind: 'idle' }),
  });
  useEffect(() => void load(), [load, vault?.mode]);

  const uses = workspace ? secretUses(workspace) : [];
  const missing = new Map<string, SecretRef & { keys: string[] }>();
  for (const u of uses) {
    const id = secretId(u.secret, u.namespace);
    if (secrets.some((s) => secretId(s.name, s.namespace) === id)) continue;
    const entry = missing.get(id) ?? { name: u.secret, namespace: u.namespace, keys: [] };
    for (const k of u.keys) if (!entry.keys.includes(k)) entry.keys.push(k);
    missing.set(id, entry);
  }

  const byId = (id: string) => secrets.find((s) => secretId(s.name, s.namespace) === id);
  const selected = selection && selection.kind !== 'new' ? byId(selection.id) : undefined;

  let detail;
  if (selection?.kind === 'new' || (selection?.kind === 'edit' && selected)) {
    detail = (
      <SecretForm
        key={editor}
        existing={selection.kind === 'edit' && selected ? { name: selected.name, namespace: selected.namespace, keys: selected.keys.map((k) => k.key) } : undefined}
        initial={selection.kind === 'new' ? selection.initial : undefined}
        onSaved={(ref, status) => {
          setNotice(status);
          show({ kind: 'secret', id: secretId(ref.name, ref.namespace) });
        }}
        onCancel={() => choose(selected ? { kind: 'secret', id: secretId(selected.name, selected.namespace) } : undefined)}
      />
    );
  } else if (selected) {
    const id = secretId(selected.name, selected.namespace);
    detail = <SecretDetail key={id} secret={selected} uses={usesOf(uses, selected.name, selected.namespace)} notice={notice} onEdit={() => choose({ kind: 'edit', id })} onDeleted={() => show(undefined)} />;
  } else {
    detail = (
      <div className="detail-empty">
        <p>{secrets.length === 0 ? 'No secrets in the vault yet. Consumers’ passwords land here when you save them; other credentials can be added by hand.' : 'Select a secret to see its keys and where it is used.'}</p>
      </div>
    );
  }

  return (
    <section className="screen" aria-labelledby="secrets-title">
      <ScreenHeader id="secrets" title="Secrets">
        <button type="button" className="primary" onClick={() => choose({ kind: 'new' })}>New secret</button>
      </ScreenHeader>
      <p className="screen-intro">
        Values are kept in {vault?.mode === 'keychain' ? 'the OS keychain' : vault?.mode === 'session-only' ? 'memory for this session only' : 'the vault'}; the workspace file holds only their names.
      </p>
      {loadError && <div className="notice notice-error" role="alert"><p>The secrets cannot be listed: {loadError}</p></div>}
      <div className="master-detail">
        <div className="item-list" role="region" aria-label="Secret list">
          {loaded && secrets.length === 0 && !loadError && <p className="empty">No secrets.</p>}
          <ul className="tree">
            {secrets.map((s) => {
              const id = secretId(s.name, s.namespace);
              const used = usesOf(uses, s.name, s.namespace);
              return (
                <li key={id}>
                  <button type="button" className="item" aria-current={selection && selection.kind !== 'new' && selection.id === id ? 'true' : undefined} onClick={() => choose({ kind: 'secret', id })}>
                    <span className="item-title mono">{id}</span>
                    <span className="item-meta">
                      {s.keys.map((k) => k.key).join(', ')} · {used.length > 0 ? `used by ${used.map((u) => u.owner).join(', ')}` : 'unused'}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {missing.size > 0 && (
            <div className="missing-secrets">
              <h2 className="list-heading">Missing from the vault</h2>
              <ul className="tree">
                {[...missing.entries()].map(([id, ref]) => (
                  <li key={id}>
                    <button type="button" className="item item-missing" onClick={() => choose({ kind: 'new', initial: ref })}>
                      <span className="item-title mono">{id}</span>
                      <span className="item-meta">used by {usesOf(uses, ref.name, ref.namespace).map((u) => u.owner).join(', ')} · add it</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <div className="detail" ref={detailRef}>{detail}</div>
      </div>
    </section>
  );
}
