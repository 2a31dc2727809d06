// Import: paste what the peers' docs show (WSO2 APK endpointConfig/serviceInfo/APK Conf, Kyma Application or
// `services:` with Secrets, APISIX consumer/route JSON), fill its placeholders, preview what it would add
// (secrets by name and key only), then import: values go to the vault, names into the workspace.
// Also the whole workspace as a file: export (plain, or encrypted with a passphrase including secret values)
// and import.
import { useMemo, useState, type ReactNode } from 'react';
import { secretId } from '../../../gateway/config/secret-names';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure, withoutRequestPrefix } from '../api/ipc-error';
import { CheckboxField, Field, FieldGroup } from '../components/Field';
import { PasswordInput } from '../components/PasswordInput';
import { FieldErrors } from '../model/field-errors';
import { findPlaceholders } from '../model/import-placeholders';
import { importDocumentShape } from '../model/import-document-shape';
import { useSecretsStore } from '../state/secrets-store';
import { useImportStore, type ImportOutcome } from '../state/import-store';
import { TextFileDrop } from '../components/TextFileInput';
import { useWorkspaceStore } from '../state/workspace-store';
import { ScreenHeader } from './ScreenHeader';

type Outcome = ImportOutcome;

/** `fix`: what the user can do about the error right there (a button), shown inside the alert. */
function Outcome({ outcome, fix }: { outcome: Outcome; fix?: ReactNode }) {
  return (
    <div className="form-messages">
      <div role="status" className={outcome.kind === 'ok' ? 'notice notice-ok' : 'form-status'}>
        {outcome.kind === 'busy' ? `${outcome.what}…` : outcome.kind === 'ok' ? outcome.message : ''}
        {outcome.kind === 'ok' && outcome.notes && outcome.notes.length > 0 && (
          <ul className="plain-list">
            {outcome.notes.map((n, i) => <li key={i}>{n}</li>)}
          </ul>
        )}
      </div>
      {outcome.kind === 'error' && (
        <div role="alert" className="notice notice-error">
          <p>{outcome.message}</p>
          {outcome.errors.length > 0 && (
            <ul>
              {outcome.errors.map((e, i) => (
                <li key={i}><span className="mono">{e.path}</span>: {e.message}</li>
              ))}
            </ul>
          )}
          {fix}
        </div>
      )}
    </div>
  );
}

function PreviewList({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <h3 className="list-heading">{title} ({items.length})</h3>
      <ul className="plain-list mono">
        {items.map((i) => <li key={i}>{i}</li>)}
      </ul>
    </div>
  );
}

function DocumentImport() {
  const { text, fileName, name, namespace, vars, plainSecretData, preview, outcome, fieldErrors, edit, previewNow, importNow } = useImportStore();
  const errors = new FieldErrors(fieldErrors);
  const placeholders = useMemo(() => findPlaceholders(text), [text]);
  const shape = useMemo(() => importDocumentShape(text), [text]);
  const notBase64 = outcome.kind === 'error' && outcome.code === 'GATEHOUSE_IMPORT_SECRET_DATA_NOT_BASE64' && !plainSecretData;
  const nameField = shape.kymaApplication
    ? {
        label: 'Application name',
        hint: shape.applicationName ? "Optional: replaces the document's metadata.name." : 'The document does not name the application: without a name here it is imported-application.',
      }
    : { label: 'Service name', hint: 'Optional: names an imported endpoint config.' };

  return (
    <section className="editor import-editor" aria-labelledby="import-documents-title">
      <h2 id="import-documents-title">Import documents</h2>
      <Field id="import-text" label="Document" hint="APK endpointConfig / serviceInfo JSON or APK Conf YAML, a Kyma Application (with its Secrets, separated by ---) or services: YAML, APISIX consumer or route JSON." errors={errors.for(['text'])}>
        {(c) => (
          <TextFileDrop label="Choose a file…" accept=".json,.yaml,.yml,.txt" onFile={(file, content) => edit({ text: content, fileName: file })}>
            <textarea {...c} className="mono" rows={12} value={text} onChange={(e) => edit({ text: e.target.value, fileName: undefined })} spellCheck={false} />
            {fileName && <p className="hint">From the file {fileName}.</p>}
          </TextFileDrop>
        )}
      </Field>
      <div className="field-grid">
        <Field id="import-name" label={nameField.label} hint={nameField.hint} errors={errors.for(['name'])}>
          {(c) => <input {...c} value={name} onChange={(e) => edit({ name: e.target.value })} spellCheck={false} />}
        </Field>
        <Field id="import-namespace" label="Namespace" hint="Optional: for secrets and services." errors={errors.for(['namespace'])}>
          {(c) => <input {...c} value={namespace} onChange={(e) => edit({ namespace: e.target.value })} spellCheck={false} />}
        </Field>
      </div>
      {shape.secretData && (
        <CheckboxField
          id="import-plain-secret-data"
          label="The Secret's data values are plain text, not base64"
          hint="Kubernetes expects base64 under data. Ticked, each value is kept as you wrote it (or filled it in below); a push to the cluster encodes it."
          checked={plainSecretData}
          onChange={(checked) => edit({ plainSecretData: checked })}
        />
      )}
      {placeholders.length > 0 && (
        <FieldGroup id="import-vars" legend="Placeholders" hint="The document has placeholders: give each a value." errors={errors.for(['vars']).filter((m) => !placeholders.some((p) => m.detail === `.${p.name}`))}>
          <div className="field-grid">
            {placeholders.map((p) => (
              <Field key={p.name} id={`import-var-${p.name}`} label={p.written} errors={errors.for(['vars', p.name])}>
                {(c) =>
                  p.secret ? (
                    <PasswordInput {...c} value={vars[p.name] ?? ''} onChange={(value) => edit({ vars: { ...vars, [p.name]: value } })} />
                  ) : (
                    <input {...c} className="mono" value={vars[p.name] ?? ''} onChange={(e) => edit({ vars: { ...vars, [p.name]: e.target.value } })} spellCheck={false} />
                  )
                }
              </Field>
            ))}
          </div>
        </FieldGroup>
      )}
      <div className="button-row">
        <button type="button" className="secondary" disabled={text.trim() === '' || outcome.kind === 'busy'} onClick={() => void previewNow()}>Preview</button>
        <button type="button" className="primary" disabled={!preview || outcome.kind === 'busy'} onClick={() => void importNow()}>Import</button>
        {/* After a refused preview the alert below says why Import is not offered. */}
        {!preview && text.trim() !== '' && outcome.kind !== 'error' && <span className="hint">Preview first: it shows what the import adds.</span>}
      </div>
      {preview && (
        <div className="import-preview" role="region" aria-label="Import preview">
          <div className="preview-grid">
            <PreviewList title="Services" items={preview.services} />
            <PreviewList title="Routes" items={preview.routes} />
            <PreviewList title="Consumers" items={preview.consumers} />
            <PreviewList title="Applications" items={preview.applications} />
            <PreviewList title="Secrets that go to the vault on import" items={preview.secrets.map((s) => `${secretId(s)}: ${s.keys.join(', ')}`)} />
          </div>
          {preview.services.length + preview.routes.length + preview.consumers.length + preview.applications.length + preview.secrets.length === 0 && <p>Nothing to import.</p>}
          {preview.notes.length > 0 && (
            <>
              <h3 className="list-heading">What the import does</h3>
              <ul className="plain-list">
                {/* Main's notes are written for after the import; nothing has happened yet. */}
                {preview.notes.map((n, i) => <li key={i}>{n.replace(/ went to the vault/g, ' will go to the vault')}</li>)}
              </ul>
            </>
          )}
        </div>
      )}
      <Outcome
        outcome={outcome}
        fix={notBase64 && (
          <button type="button" className="secondary small" onClick={() => { edit({ plainSecretData: true }); void previewNow(); }}>
            Take the data values as plain text
          </button>
        )}
      />
    </section>
  );
}

/** Offers text as a download; under a CSP that blocks it the text stays readable in the textarea. */
function download(text: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function WorkspaceFile() {
  const loadWorkspace = useWorkspaceStore((s) => s.load);
  const loadSecrets = useSecretsStore((s) => s.load);
  const [passphrase, setPassphrase] = useState('');
  const [exported, setExported] = useState<{ text: string; encrypted: boolean }>();
  const [importText, setImportText] = useState('');
  const [importPassphrase, setImportPassphrase] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  async function onExport(encrypted: boolean) {
    setOutcome({ kind: 'busy', what: 'Exporting' });
    try {
      const result = await gatehouse().invoke('workspace:export', encrypted ? { passphrase } : {});
      setExported(result);
      download(result.text, result.encrypted ? 'gatehouse-workspace.encrypted.json' : 'gatehouse-workspace.json');
      setOutcome({ kind: 'ok', message: result.encrypted ? 'Exported the workspace with its secret values, encrypted with the passphrase.' : 'Exported the workspace (secret names only).' });
    } catch (error) {
      const failure = toFailure(error);
      setOutcome({ kind: 'error', message: `Not exported: ${failure.message}`, errors: withoutRequestPrefix(failure.errors) });
    }
  }

  async function onImport() {
    setOutcome({ kind: 'busy', what: 'Importing the workspace' });
    try {
      const result = await gatehouse().invoke('workspace:import', importPassphrase ? { text: importText, passphrase: importPassphrase } : { text: importText });
      if (!result.ok) {
        setOutcome({ kind: 'error', message: 'Not imported: the workspace file is invalid. Nothing was saved or stored, its secrets included.', errors: result.errors });
        return;
      }
      await Promise.all([loadWorkspace(), loadSecrets()]);
      setOutcome({ kind: 'ok', message: 'Workspace imported: it replaces the one you had.' });
      setImportText('');
      setImportPassphrase('');
    } catch (error) {
      const failure = toFailure(error);
      setOutcome({ kind: 'error', message: `Not imported: ${failure.message}`, errors: withoutRequestPrefix(failure.errors) });
    }
  }

  return (
    <section className="editor import-editor" aria-labelledby="workspace-file-title">
      <h2 id="workspace-file-title">Workspace file</h2>
      <Field id="export-passphrase" label="Passphrase for an encrypted export" hint="At least 8 characters. The encrypted file includes secret values; the plain one only their names.">
        {(c) => <PasswordInput {...c} value={passphrase} onChange={setPassphrase} autoComplete="new-password" />}
      </Field>
      <div className="button-row">
        <button type="button" className="secondary" disabled={outcome.kind === 'busy'} onClick={() => void onExport(false)}>Export workspace</button>
        <button type="button" className="secondary" disabled={outcome.kind === 'busy' || passphrase.length < 8} onClick={() => void onExport(true)}>Export encrypted, with secrets</button>
      </div>
      {exported && (
        <Field id="export-text" label={exported.encrypted ? 'Exported (encrypted)' : 'Exported'} hint="The download was offered; the same text is here to copy.">
          {(c) => <textarea {...c} className="mono" rows={6} readOnly value={exported.text} />}
        </Field>
      )}
      <Field id="import-workspace-text" label="Workspace file to import" hint="Replaces the current workspace. An encrypted file needs its passphrase.">
        {(c) => <textarea {...c} className="mono" rows={6} value={importText} onChange={(e) => setImportText(e.target.value)} spellCheck={false} />}
      </Field>
      <Field id="import-workspace-passphrase" label="Its passphrase" hint="Only for an encrypted file.">
        {(c) => <PasswordInput {...c} value={importPassphrase} onChange={setImportPassphrase} autoComplete="off" />}
      </Field>
      <div className="button-row">
        <button type="button" className="secondary" disabled={importText.trim() === '' || outcome.kind === 'busy'} onClick={() => void onImport()}>Import workspace file</button>
      </div>
      <Outcome outcome={outcome} />
    </section>
  );
}

export function ImportScreen() {
  return (
    <section className="screen" aria-labelledby="import-title">
      <ScreenHeader id="import" title="Import" />
      <p className="screen-intro">Secret values go to the vault; the workspace keeps their names.</p>
      <div className="import-layout">
        <DocumentImport />
        <WorkspaceFile />
      </div>
    </section>
  );
}
