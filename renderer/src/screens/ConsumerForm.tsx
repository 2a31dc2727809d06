// Edits one consumer. The password goes to the vault (`secrets:set`, secret `consumer-<username>`, key
// `password`) before the workspace is saved, and the workspace keeps only the reference {secret, key}.
import { useState, type FormEvent } from 'react';
import { Workspace as WorkspaceSchema, type Consumer, type SecretKeyRef, type Workspace } from '../../../gateway/config/schema';
import { validateWith } from '../../../gateway/config/validate';
import { channels, type SecretSummary } from '../../../main/ipc/contract';
import { toFailure } from '../api/ipc-error';
import { Field } from '../components/Field';
import { FormMessages, type FormStatus } from '../components/FormMessages';
import { PasswordInput } from '../components/PasswordInput';
import { useFocusFirstError } from '../components/use-focus-first-error';
import { consumerFromDraft, consumerSecretName, sameDraft, type ConsumerDraft } from '../model/drafts';
import { basicAuthTargets } from '../model/effective-auth';
import { FieldErrors, type FieldPath } from '../model/field-errors';
import { secretUses, usesOf } from '../model/secret-usage';
import { confirmAction } from '../state/confirm-store';
import { useDirtyForm } from '../state/navigation-store';
import { mergeSecretData, useSecretsStore } from '../state/secrets-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const FIELDS: FieldPath[] = [['username'], ['basicAuth']];
const PASSWORD_KEY = 'password';

interface ConsumerFormProps {
  original: Consumer | undefined;
  workspace: Workspace;
  onSaved: (username: string) => void;
  onDeleted: () => void;
}

function credentialIn(secrets: readonly SecretSummary[], ref: SecretKeyRef | undefined): boolean {
  if (!ref) return true;
  return secrets.some((s) => s.name === ref.secret && (s.namespace ?? '') === (ref.namespace ?? '') && s.keys.some((k) => k.key === ref.key));
}

/** Where the password goes: the consumer's current reference, else a new `consumer-<username>` secret. */
function passwordRef(existing: Consumer | undefined, username: string, workspace: Workspace, vaultNames: readonly string[]): SecretKeyRef {
  if (existing?.basicAuth) return existing.basicAuth.password;
  const taken = new Set([...vaultNames, ...secretUses(workspace).map((u) => u.secret)]);
  return { secret: consumerSecretName(username, taken), key: PASSWORD_KEY };
}

export function ConsumerForm({ original, workspace, onSaved, onDeleted }: ConsumerFormProps) {
  const save = useWorkspaceStore((s) => s.save);
  const loadSecrets = useSecretsStore((s) => s.load);
  const setSecret = useSecretsStore((s) => s.set);
  const removeSecret = useSecretsStore((s) => s.remove);
  const [name, setName] = useState(original?.username);
  const [credential, setCredential] = useState(original?.basicAuth?.password);
  const secretsLoaded = useSecretsStore((s) => s.loaded && s.loadError === undefined);
  const vaultHasCredential = useSecretsStore((s) => credentialIn(s.secrets, credential));
  const baseline: ConsumerDraft = { username: name ?? '', password: '' };
  const [draft, setDraft] = useState<ConsumerDraft>(baseline);
  const [errors, setErrors] = useState(FieldErrors.none);
  const [status, setStatus] = useState<FormStatus>({ kind: 'idle' });
  const [formRef, focusFirstError] = useFocusFirstError();
  const dirty = !sameDraft(draft, baseline);
  useDirtyForm('consumer', dirty, name ? `consumer ${name}` : 'the new consumer');

  const fail = (message: string, fieldErrors: FieldErrors) => {
    setErrors(fieldErrors);
    setStatus({ kind: 'error', message, unclaimed: fieldErrors.unclaimed([...FIELDS, ['password']]) });
    focusFirstError();
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setStatus({ kind: 'saving' });
    const existing = name === undefined ? undefined : workspace.consumers.find((c) => c.username === name);
    const username = draft.username;
    const password = draft.password;
    // The vault's current list: a new secret's name must be free, and a shared secret's other keys kept.
    if (password !== '') await loadSecrets();
    const vaultSecrets = useSecretsStore.getState().secrets;
    const ref = password !== '' ? passwordRef(existing, username, workspace, vaultSecrets.map((s) => s.name)) : existing?.basicAuth?.password;
    const index = existing ? workspace.consumers.indexOf(existing) : workspace.consumers.length;
    const edit = (ws: Workspace) => {
      const current = name === undefined ? undefined : ws.consumers.find((c) => c.username === name);
      if (name !== undefined && !current) throw new EditConflict(`Not saved: consumer "${name}" no longer exists.`);
      const consumers: unknown[] = [...ws.consumers];
      consumers[current ? ws.consumers.indexOf(current) : consumers.length] = consumerFromDraft(draft, current, ref);
      // A rename carries anonymous-consumer references along.
      const rename = <T extends { plugins: Workspace['services'][number]['plugins'] }>(item: T): T => {
        const plugin = item.plugins['basic-auth'];
        return name !== undefined && username !== name && plugin?.anonymousConsumer === name ? { ...item, plugins: { ...item.plugins, 'basic-auth': { ...plugin, anonymousConsumer: username } } } : item;
      };
      return { ...ws, consumers, services: ws.services.map(rename), routes: ws.routes.map(rename) };
    };

    // The same schemas main applies, before anything is sent: the workspace with the reference, and the secret.
    const checked = validateWith(WorkspaceSchema, edit(structuredClone(workspace)));
    if (!checked.ok) return fail('Not saved: fix the fields marked below.', new FieldErrors(checked.errors, ['consumers', index]));
    if (password !== '' && ref) {
      const secretCheck = validateWith(channels['secrets:set'].request, { name: ref.secret, ...(ref.namespace ? { namespace: ref.namespace } : {}), data: { [ref.key]: password } });
      if (!secretCheck.ok) return fail('Not saved: the password cannot be stored.', new FieldErrors(secretCheck.errors.map((err) => ({ ...err, path: err.path.startsWith('data') ? 'password' : err.path }))));
      // Other keys of a shared secret are kept: the vault replaces a secret's whole data.
      const stored = vaultSecrets.find((s) => s.name === ref.secret && (s.namespace ?? '') === (ref.namespace ?? ''));
      let data: Record<string, string>;
      try {
        data = await mergeSecretData({ name: ref.secret, namespace: ref.namespace }, { [ref.key]: password }, stored?.keys.map((k) => k.key) ?? []);
      } catch (error) {
        return fail(`Not saved: the other keys of secret ${ref.secret} could not be read (${toFailure(error).message}).`, FieldErrors.none);
      }
      const written = await setSecret({ name: ref.secret, namespace: ref.namespace }, data);
      if (!written.ok) return fail(written.message, new FieldErrors(written.errors.map((err) => ({ ...err, path: err.path.startsWith('data') ? 'password' : err.path }))));
    }
    const outcome = await save(edit);
    if (!outcome.ok) return fail(outcome.message, new FieldErrors(outcome.errors, ['consumers', index]));
    setName(username);
    setCredential(ref);
    setDraft({ username, password: '' });
    setErrors(FieldErrors.none);
    setStatus({ kind: 'saved', message: password !== '' ? `Consumer ${username} saved; the password is in the vault.` : `Consumer ${username} saved.`, gatewayErrors: outcome.gatewayErrors });
    onSaved(username);
  }

  async function onDelete() {
    if (name === undefined) return;
    const others = credential ? usesOf(secretUses(workspace), credential.secret, credential.namespace).filter((u) => u.owner !== `consumer ${name}`) : [];
    const dropSecret = credential !== undefined && others.length === 0;
    const confirmed = await confirmAction({
      title: `Delete consumer ${name}?`,
      message: dropSecret ? `Its password (secret ${credential.secret}) is deleted from the vault too.` : 'Requests with its credentials get 401 from now on.',
      confirmLabel: 'Delete consumer',
      danger: true,
    });
    if (!confirmed) return;
    const outcome = await save((ws) => ({ ...ws, consumers: ws.consumers.filter((c) => c.username !== name) }));
    if (!outcome.ok) return setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
    if (dropSecret) await removeSecret({ name: credential.secret, namespace: credential.namespace });
    onDeleted();
  }

  const targets = basicAuthTargets(workspace);
  const isNew = name === undefined;
  return (
    <form ref={formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="consumer-form-title">
      <h2 id="consumer-form-title">{isNew ? 'New consumer' : `Consumer ${name}`}</h2>
      <Field id="consumer-username" label="Username" hint="Sent to the upstream as X-Consumer-Username, and the login name for basic auth." errors={errors.for(['username'])}>
        {(c) => <input {...c} value={draft.username} onChange={(e) => setDraft((d) => ({ ...d, username: e.target.value }))} autoComplete="off" spellCheck={false} autoCapitalize="off" />}
      </Field>
      <Field
        id="consumer-password"
        label="Password"
        hint={
          credential
            ? <>Stored in the vault as secret <span className="mono">{credential.secret}</span>, key <span className="mono">{credential.key}</span>. Leave empty to keep it.</>
            : 'Leave empty for a consumer without credentials (for example the anonymous consumer).'
        }
        errors={[...errors.for(['password']), ...errors.for(['basicAuth'])]}
      >
        {(c) => <PasswordInput {...c} value={draft.password} onChange={(password) => setDraft((d) => ({ ...d, password }))} placeholder={credential ? 'unchanged' : undefined} showStrength />}
      </Field>
      {credential && secretsLoaded && !vaultHasCredential && (
        <p className="notice notice-warning">
          The vault has no key <span className="mono">{credential.key}</span> in secret <span className="mono">{credential.secret}</span>: this consumer cannot sign in until a password is saved here.
        </p>
      )}
      <section className="info-block" aria-labelledby="consumer-accepted-title">
        <h3 id="consumer-accepted-title">Accepted on</h3>
        {!credential && !isNew ? (
          <p className="muted">No password: this consumer cannot authenticate (it can still be a route's anonymous consumer).</p>
        ) : targets.length === 0 ? (
          <p className="muted">No route asks for basic auth yet: turn it on for a service or a route.</p>
        ) : (
          <ul className="plain-list">
            {targets.map((t) => (
              <li key={`${t.kind}-${t.name}`}>
                <span className="mono">{t.methods?.join(', ') ?? 'any'} {t.path}{t.match === 'prefix' ? ' (prefix)' : ''}</span> <span className="muted">{t.kind === 'route' ? `route ${t.name} of ${t.service}` : `service ${t.name}`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <FormMessages status={status} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={status.kind === 'saving'}>
          Save consumer
        </button>
        {dirty && (
          <button type="button" className="secondary" onClick={() => { setDraft(baseline); setErrors(FieldErrors.none); setStatus({ kind: 'idle' }); }}>
            Discard changes
          </button>
        )}
        <span className="spacer" />
        {!isNew && (
          <button type="button" className="danger-outline" onClick={() => void onDelete()}>
            Delete consumer
          </button>
        )}
      </div>
    </form>
  );
}
