// Edits one consumer. The password goes to the vault (secret `consumer-<username>`, key `password`) with the save
// of the workspace, which keeps only the reference {secret, key}: main writes it only for a save it takes.
import { useRef, useState, type FormEvent } from 'react';
import type { Consumer, SecretKeyRef, Workspace } from '../../../gateway/config/schema';
import { anonymousConsumerReferences } from '../../../gateway/config/consumer-references';
import { signInPasswordProblem } from '../../../gateway/config/basic-credential-rules';
import type { SecretSummary } from '../../../main/ipc/contract';
import { Field } from '../components/Field';
import { PasswordInput } from '../components/PasswordInput';
import { NotServedNotice, useLeftOut } from '../components/ServedConfig';
import { FormActions } from './FormActions';
import { useFormSave } from './use-form-save';
import { confirmSharedWrites } from './confirm-shared-writes';
import { consumerDraft, consumerFromDraft, consumerSecretName, sameDraft, type ConsumerDraft } from '../model/drafts';
import { basicAuthTargets } from '../model/effective-auth';
import type { FieldErrors, FieldMessage, FieldPath } from '../model/field-errors';
import { secretUses, usesOf } from '../model/secret-usage';
import { confirmAction } from '../state/confirm-store';
import { useDirtyForm } from '../state/navigation-store';
import { useSecretsStore } from '../state/secrets-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const FIELDS: FieldPath[] = [['username'], ['basicAuth'], ['id'], ['customId']];
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

/**
 * The login name is the username here, so a login name another consumer uses is the Username field's problem
 * (once: a duplicate consumer also has a duplicate login name).
 */
function usernameErrors(errors: FieldErrors): FieldMessage[] {
  const own = errors.for(['username']);
  const login = errors.for(['basicAuth', 'username']).map((m) => ({ ...m, detail: '' }));
  return own.length > 0 ? own : login;
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
  const removeSecret = useSecretsStore((s) => s.remove);
  const [name, setName] = useState(original?.username);
  const [credential, setCredential] = useState(original?.basicAuth?.password);
  const secretsLoaded = useSecretsStore((s) => s.loaded && s.loadError === undefined);
  const vaultHasCredential = useSecretsStore((s) => credentialIn(s.secrets, credential));
  const savedIndex = name === undefined ? -1 : workspace.consumers.findIndex((c) => c.username === name);
  // The saved consumer as the form shows it (its id and customId come from the workspace, which a save updates).
  const baseline: ConsumerDraft = { ...consumerDraft(savedIndex >= 0 ? workspace.consumers[savedIndex] : undefined), username: name ?? '' };
  const [draft, setDraft] = useState<ConsumerDraft>(baseline);
  const indexRef = useRef(savedIndex >= 0 ? savedIndex : workspace.consumers.length);
  const form = useFormSave({ fields: () => [...FIELDS, ['password']] });
  const { errors, status } = form;
  const leftOut = useLeftOut(savedIndex >= 0 ? `consumers[${savedIndex}]` : undefined);
  const dirty = !sameDraft(draft, baseline);
  useDirtyForm('consumer', dirty, name ? `consumer ${name}` : 'the new consumer');
  // The services and routes that serve requests without valid credentials as this consumer.
  const anonymousOf = name === undefined ? [] : anonymousConsumerReferences(workspace).filter((r) => r.consumer === name).map((r) => r.owner);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    // As consumerFromDraft saves it: the schema refuses spaces at the ends of a name.
    const username = draft.username.trim();
    const password = draft.password;
    // The vault's current list: a new secret's name must be free.
    if (password !== '') await loadSecrets();
    const vaultSecrets = useSecretsStore.getState().secrets;
    const existing = name === undefined ? undefined : workspace.consumers.find((c) => c.username === name);
    const ref = password !== '' ? passwordRef(existing, username, workspace, vaultSecrets.map((s) => s.name)) : existing?.basicAuth?.password;
    const secretRef = ref ? { name: ref.secret, ...(ref.namespace ? { namespace: ref.namespace } : {}) } : undefined;
    const done = await form.run({
      edit: (ws) => {
        const current = name === undefined ? undefined : ws.consumers.find((c) => c.username === name);
        if (name !== undefined && !current) throw new EditConflict(`Not saved: consumer "${name}" no longer exists.`);
        const consumers: unknown[] = [...ws.consumers];
        indexRef.current = current ? ws.consumers.indexOf(current) : consumers.length;
        consumers[indexRef.current] = consumerFromDraft(draft, current, ref);
        // A rename carries anonymous-consumer references along.
        const rename = <T extends { plugins: Workspace['services'][number]['plugins'] }>(item: T): T => {
          const plugin = item.plugins['basic-auth'];
          return name !== undefined && username !== name && plugin?.anonymousConsumer === name ? { ...item, plugins: { ...item.plugins, 'basic-auth': { ...plugin, anonymousConsumer: username } } } : item;
        };
        return { ...ws, consumers, services: ws.services.map(rename), routes: ws.routes.map(rename) };
      },
      at: () => ['consumers', indexRef.current],
      // A password no client could sign in with is refused on its field before anything is written, with the rule
      // the gateway's credential store applies: saved, it would only be reported as not served.
      problems: () => {
        const problem = password === '' ? undefined : signInPasswordProblem(password);
        return problem ? [{ path: `consumers[${indexRef.current}].password`, message: `${problem}; no client can send it` }] : [];
      },
      // A password typed for a secret another consumer or service reads too (an import may share one) changes
      // theirs as well: asked once nothing else stops the save, "no" said on the password.
      preflight: () => (password !== '' && ref
        ? confirmSharedWrites([ref], (r) => ({ name: r.secret, namespace: r.namespace, keys: [r.key], owner: name === undefined ? undefined : `consumer ${name}` }), (_r, message) => ({ path: `consumers[${indexRef.current}].password`, message }))
        : Promise.resolve([])),
      // Other keys of a shared secret are kept by main; the password is checked as main will check it, on its field.
      secrets: password !== '' && ref && secretRef ? [{ ref: secretRef, set: { [ref.key]: password }, field: `consumers[${indexRef.current}].password` }] : [],
      message: () => (password !== '' ? `Consumer ${username} saved; the password is in the vault.` : `Consumer ${username} saved.`),
    });
    if (!done.ok) return;
    setName(username);
    setCredential(ref);
    // The consumer as saved (its name and ids trimmed), so the form is not left dirty by the spaces it dropped.
    const saved = done.workspace?.consumers.find((c) => c.username === username);
    setDraft(saved ? consumerDraft(saved) : { ...draft, password: '' });
    onSaved(username);
  }

  async function onDelete() {
    if (name === undefined) return;
    // Deleting it would leave them naming no consumer, which the workspace refuses: say so before asking.
    if (anonymousOf.length > 0) {
      form.setStatus({ kind: 'error', message: `Not deleted: ${name} is the anonymous consumer of ${anonymousOf.join(', ')}: choose another there first.`, unclaimed: [] });
      return;
    }
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
    if (!outcome.ok) return form.setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
    if (dropSecret) await removeSecret({ name: credential.secret, namespace: credential.namespace });
    onDeleted();
  }

  const targets = basicAuthTargets(workspace);
  const isNew = name === undefined;
  return (
    <form ref={form.formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="consumer-form-title">
      <h2 id="consumer-form-title">{isNew ? 'New consumer' : `Consumer ${name}`}</h2>
      <NotServedNotice items={leftOut ? [leftOut] : []} />
      <Field id="consumer-username" label="Username" hint="Sent to the upstream as X-Consumer-Username, and the login name for basic auth." errors={usernameErrors(errors)}>
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
        errors={[...errors.for(['password']), ...errors.for(['basicAuth']).filter((m) => m.detail !== '.username')]}
      >
        {(c) => <PasswordInput {...c} value={draft.password} onChange={(password) => setDraft((d) => ({ ...d, password }))} placeholder={credential ? 'unchanged' : undefined} showStrength />}
      </Field>
      {credential && secretsLoaded && !vaultHasCredential && !leftOut && (
        <p className="notice notice-warning">
          The vault has no key <span className="mono">{credential.key}</span> in secret <span className="mono">{credential.secret}</span>: this consumer cannot sign in until a password is saved here.
        </p>
      )}
      <Field id="consumer-id" label="Consumer ID" hint="Optional. Sent to the upstream as X-Consumer-ID (Kong's consumer id); no other consumer may have it." errors={errors.for(['id'])}>
        {(c) => <input {...c} value={draft.id} onChange={(e) => setDraft((d) => ({ ...d, id: e.target.value }))} autoComplete="off" spellCheck={false} autoCapitalize="off" />}
      </Field>
      <Field id="consumer-custom-id" label="Custom ID" hint="Optional. Sent to the upstream as X-Consumer-Custom-ID (Kong's custom_id, APISIX's custom_id label), for example the consumer's id in your own system." errors={errors.for(['customId'])}>
        {(c) => <input {...c} value={draft.customId} onChange={(e) => setDraft((d) => ({ ...d, customId: e.target.value }))} autoComplete="off" spellCheck={false} autoCapitalize="off" />}
      </Field>
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
        {anonymousOf.length > 0 && <p>Anonymous consumer of {anonymousOf.join(', ')}: requests there without valid credentials are served as this consumer.</p>}
      </section>
      <FormActions
        status={status}
        saveLabel="Save consumer"
        dirty={dirty}
        onDiscard={() => { setDraft(baseline); form.reset(); }}
        onDelete={!isNew ? () => void onDelete() : undefined}
        deleteLabel="Delete consumer"
      />
    </form>
  );
}
