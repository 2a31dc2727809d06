// Adds a secret or edits one's keys. Values are write-only here: a stored key left blank keeps its value, which
// main keeps (`secrets:update`), so it never comes to the renderer.
import { useState, type FormEvent } from 'react';
import { formatFieldPath, INVALID_KEY_NAME, validateWith, type FieldError } from '../../../gateway/config/validate';
import { channels } from '../../../main/ipc/contract';
import { secretId, secretNameTaken } from '../../../gateway/config/secret-names';
import { CheckboxField, Field, FieldGroup } from '../components/Field';
import { KeyValueEditor } from '../components/KeyValueEditor';
import type { KeyValueRow } from '../model/key-value-rows';
import { sameDraft } from '../model/drafts';
import { savedNotice } from '../model/served-config';
import { itemsUsing, secretUses, usesOf } from '../model/secret-usage';
import { useDirtyForm } from '../state/navigation-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { useSecretsStore, type SecretRef } from '../state/secrets-store';
import { FormActions } from './FormActions';
import type { FormStatus } from './FormMessages';
import { useFormSave } from './use-form-save';

interface SecretDraft {
  name: string;
  namespace: string;
  rows: KeyValueRow[];
}

let nextRow = 1;
const row = (name = '', value = '', fixedName = false): KeyValueRow => ({ id: nextRow++, name, value, fixedName });

interface SecretFormProps {
  /** The secret being edited, with its stored keys; undefined for a new one. */
  existing: (SecretRef & { keys: string[] }) | undefined;
  /** For a new secret: a name and keys to start from (a reference the workspace already makes). */
  initial?: SecretRef & { keys: string[] };
  onSaved: (ref: SecretRef, status: FormStatus) => void;
  onCancel: () => void;
}

export function SecretForm({ existing, initial, onSaved, onCancel }: SecretFormProps) {
  const [baseline] = useState<SecretDraft>(() => {
    const from = existing ?? initial;
    const keys = from?.keys.length ? from.keys : [''];
    return { name: from?.name ?? '', namespace: from?.namespace ?? '', rows: keys.map((k) => row(k, '', existing !== undefined)) };
  });
  const [draft, setDraft] = useState(baseline);
  const [showValues, setShowValues] = useState(false);
  const workspace = useWorkspaceStore((s) => s.workspace);
  // The items that use the secret: a value they cannot use leaves them out, and the notice says so.
  const users = () => (workspace ? itemsUsing(workspace, draft.name.trim(), draft.namespace.trim() || undefined) : []);
  const form = useFormSave({ fields: () => [['name'], ['namespace'], ['data']], itemPaths: users });
  const { errors, status } = form;
  // Touched means: a name or namespace changed, a row added or removed, or any value typed.
  const dirty = !sameDraft(draft, baseline);
  useDirtyForm('secret', dirty, existing ? `secret ${existing.name}` : 'the new secret');

  const rowsInUse = draft.rows.filter((r) => r.fixedName || r.name !== '' || r.value !== '');

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const ref: SecretRef = { name: draft.name.trim(), ...(draft.namespace.trim() ? { namespace: draft.namespace.trim() } : {}) };
    // Stored keys left blank keep their value (main keeps them); rows removed are dropped.
    const changes = Object.fromEntries(rowsInUse.filter((r) => !r.fixedName || r.value !== '').map((r) => [r.name, r.value]));
    const removed = (existing?.keys ?? []).filter((k) => !rowsInUse.some((r) => r.fixedName && r.name === k));
    const done = await form.run({
      problems: () => {
        const local: FieldError[] = [];
        const seen = new Set<string>();
        for (const r of rowsInUse) {
          if (seen.has(r.name)) local.push({ path: formatFieldPath(['data', r.name]), message: `duplicate key "${r.name}"` });
          seen.add(r.name);
          if (!r.fixedName && r.value === '') local.push({ path: formatFieldPath(['data', r.name]), message: 'a value is required for a new key' });
        }
        if (rowsInUse.length === 0) local.push({ path: 'data', message: 'a secret needs at least one key' });
        // A new secret under a name the vault holds would merge into that secret and change what its users send or
        // sign in with: refused on the name, naming them (main refuses it too, createOnly, should the list be stale).
        if (!existing && useSecretsStore.getState().secrets.some((x) => x.name === ref.name && (x.namespace ?? '') === (ref.namespace ?? ''))) {
          const owners = workspace ? [...new Set(usesOf(secretUses(workspace), ref.name, ref.namespace).map((u) => u.owner))] : [];
          local.push({ path: 'name', message: secretNameTaken(ref, owners) });
        }
        // The request main will check, a placeholder standing in for kept values.
        const checked = validateWith(channels['secrets:set'].request, { ...ref, data: Object.fromEntries(rowsInUse.map((r) => [r.name, r.value])) });
        return [...(checked.ok ? [] : checked.errors), ...local];
      },
      secrets: [{ ref, set: changes, remove: removed, field: 'data', refFields: { name: 'name', namespace: 'namespace' }, ...(existing ? {} : { createOnly: true }) }],
      message: () => `Secret ${ref.name} saved.`,
    });
    if (done.ok) onSaved(ref, { kind: 'saved', message: `Secret ${ref.name} saved.`, ...(done.gateway ? { warning: savedNotice(done.gateway, users()) } : {}) });
  }

  const rowErrors = (index: number, part: 'name' | 'value') => {
    const r = draft.rows[index];
    if (!r || !rowsInUse.includes(r)) return [];
    const messages = errors.for(['data', r.name]);
    // A key name the schema refuses is a problem of the name; anything else of the value.
    return messages.filter((m) => (m.message.startsWith(INVALID_KEY_NAME) || m.message.startsWith('duplicate')) === (part === 'name'));
  };

  // The group shows what no row does: the same check of the write (`key "bad key": …`, use-form-save) is not
  // said a second time under the row it is about.
  const groupErrors = errors.for(['data']).filter((m) => m.detail === '' && !rowsInUse.some((r) => m.message.startsWith(`key "${r.name}": `)));

  return (
    <form ref={form.formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="secret-form-title">
      <h2 id="secret-form-title">{existing ? `Edit secret ${secretId(existing)}` : 'New secret'}</h2>
      {!existing && (
        <div className="field-grid">
          <Field id="secret-name" label="Name" errors={errors.for(['name'])}>
            {(c) => <input {...c} value={draft.name} onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="secret-namespace" label="Namespace" hint="Optional." errors={errors.for(['namespace'])}>
            {(c) => <input {...c} value={draft.namespace} onChange={(e) => setDraft((d) => ({ ...d, namespace: e.target.value }))} autoComplete="off" spellCheck={false} />}
          </Field>
        </div>
      )}
      <FieldGroup id="secret-data" legend="Keys and values" hint={existing ? 'Leave a value empty to keep what is stored.' : undefined} errors={groupErrors}>
        <KeyValueEditor
          idPrefix="secret-row"
          rows={draft.rows}
          onChange={(rows) => setDraft((d) => ({ ...d, rows }))}
          onAdd={() => setDraft((d) => ({ ...d, rows: [...d.rows, row()] }))}
          nameLabel="Key"
          valueLabel="Value"
          addLabel="Add key"
          valueType={showValues ? 'text' : 'password'}
          valuePlaceholder={(r) => (r.fixedName ? 'unchanged' : undefined)}
          errorsFor={rowErrors}
        />
        <CheckboxField id="secret-show-values" label="Show the values I type" checked={showValues} onChange={setShowValues} />
      </FieldGroup>
      <FormActions status={status} saveLabel="Save secret">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </FormActions>
    </form>
  );
}
