// Edits one Kyma application (applications[] in the workspace) and its services, served by the gateway at
// `/{application}/{segment}` (gateway/config/kyma-services.ts). Saving validates the whole workspace with the
// gateway's schema first; the workspace holds only secret names. A service's credential values can be typed in
// with it (written to the vault as its named secret on save, as the service form does) or on the Secrets screen.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Workspace } from '../../../gateway/config/schema';
import type { KymaApplication } from '../../../gateway/config/kyma-application-schema';
import { kymaServiceSegment } from '../../../gateway/config/kyma-services';
import { formatFieldPath } from '../../../gateway/config/validate';
import { PemField, TlsSkipWarning } from '../components/EndpointSecurityFields';
import { PasswordInput } from '../components/PasswordInput';
import { CheckboxField, Field, FieldGroup, FieldMessages } from '../components/Field';
import { NotServedNotice, useLeftOutUnder } from '../components/ServedConfig';
import { FormActions } from './FormActions';
import { useFormSave, type SecretWrite } from './use-form-save';
import { confirmSharedWrites } from './confirm-shared-writes';
import { certificatePairProblems } from './certificate-pair-problems';
import { sameDraft } from '../model/drafts';
import { KYMA_CREDENTIAL_KEYS, KYMA_REQUEST_PARAMETER_KEYS } from '../../../gateway/config/kyma-secret-keys';
import { claimMember, FieldErrors, type FieldPath } from '../model/field-errors';
import {
  KYMA_DEFAULT_NAMESPACE,
  kymaApplicationDraft,
  kymaApplicationFromDraft,
  kymaServiceDraft,
  kymaServiceName,
  kymaSecretNamespace,
  enteredCredentialValues,
  withDisplayName,
  withName,
  type KymaApplicationDraft,
  type KymaCredentialChoice,
  type KymaServiceDraft,
} from '../model/kyma-draft';
import { confirmAction } from '../state/confirm-store';
import { useSecretsStore } from '../state/secrets-store';
import { useDirtyForm, useNavigationStore } from '../state/navigation-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const CREDENTIAL_TYPES: { value: KymaCredentialChoice; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'Basic', label: 'Basic' },
  { value: 'OAuth', label: 'OAuth (client credentials)' },
  { value: 'OAuthWithCert', label: 'OAuth with a client certificate (OAuthWithCert)' },
  { value: 'CertificateGen', label: 'Client certificate (CertificateGen)' },
];

/** How each credential key is typed in: its label, and whether it is a secret to mask or PEM text to paste. */
const CREDENTIAL_VALUE_INPUTS: Record<string, { label: string; kind: 'text' | 'password' | 'pem' }> = {
  username: { label: 'Username', kind: 'text' },
  password: { label: 'Password', kind: 'password' },
  clientId: { label: 'Client id', kind: 'text' },
  clientSecret: { label: 'Client secret', kind: 'password' },
  crt: { label: 'Client certificate (PEM)', kind: 'pem' },
  key: { label: 'Private key (PEM, unencrypted)', kind: 'pem' },
};

const APPLICATION_FIELDS: FieldPath[] = [['name'], ['namespace'], ['description'], ['skipVerify'], ['targetErrors']];
const ENTRY: FieldPath = ['entries', 0];
/** The paths a service's fields show (relative to `services[i]`); the service's group shows the rest of it. */
const SERVICE_FIELDS: FieldPath[] = [
  ['displayName'], ['name'], ['description'], ['providerDisplayName'],
  [...ENTRY, 'targetUrl'], [...ENTRY, 'credentials', 'type'], [...ENTRY, 'credentials', 'secretName'], [...ENTRY, 'credentials', 'authenticationUrl'],
  [...ENTRY, 'credentials', 'csrfInfo'], [...ENTRY, 'requestParametersSecretName'],
  ...Object.keys(CREDENTIAL_VALUE_INPUTS).map((key): FieldPath => [...ENTRY, 'credentials', key]),
];

/** “a”, “b” and “c”. */
function keyList(keys: readonly string[]): string {
  const quoted = keys.map((k) => `“${k}”`);
  return quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/** Whether the vault holds the secret with the keys it needs, and the way to enter it when it does not. */
function SecretKeysHint({ id, name, namespace, keys, shown }: { id: string; name: string; namespace: string; keys: readonly string[]; shown: string }) {
  const stored = useSecretsStore((s) => s.secrets.find((x) => x.name === name && (x.namespace ?? '') === namespace));
  const navigate = useNavigationStore((s) => s.navigate);
  const missing = keys.filter((k) => !stored?.keys.some((x) => x.key === k));
  if (name !== '' && stored && missing.length === 0) {
    return <p className="hint" id={id}>Secret <span className="mono">{namespace}/{name}</span> is in the vault with keys {keyList(keys)}.</p>;
  }
  return (
    <p className="hint" id={id}>
      {stored ? <>Secret <span className="mono">{namespace}/{name}</span> lacks {keyList(missing)}.</> : <>Not in the vault yet: secret <span className="mono">{shown}</span> with keys {keyList(keys)}.</>}{' '}
      {name !== '' && (
        <button type="button" className="link-button" onClick={() => void navigate('secrets', { kind: 'secret', name, namespace, keys: [...keys] })}>
          Enter it on the Secrets screen
        </button>
      )}
    </p>
  );
}

interface ServiceFieldsProps {
  index: number;
  appName: string;
  namespace: string;
  draft: KymaServiceDraft;
  onChange: (draft: KymaServiceDraft) => void;
  onRemove: () => void;
  errors: FieldErrors;
}

function KymaServiceFields({ index, appName, namespace, draft, onChange, onRemove, errors }: ServiceFieldsProps) {
  const set = (patch: Partial<KymaServiceDraft>) => onChange({ ...draft, ...patch });
  const at = (...path: (string | number)[]) => errors.for(['services', index, ...path]);
  const id = (suffix: string) => `kyma-service-${index}-${suffix}`;
  // The group shows what no field below shows: a duplicate id, an entries list the schema refuses.
  const groupErrors = at().filter((m) => !SERVICE_FIELDS.some((f) => {
    const own = formatFieldPath(['x', ...f]).slice(1);
    return m.detail === own || m.detail.startsWith(`${own}.`) || m.detail.startsWith(`${own}[`);
  }));
  const segment = kymaServiceSegment(draft.displayName.trim());
  const servedPath = `/${appName.trim() || '{application}'}/${segment || '{service}'}`;
  const legend = draft.displayName.trim() || `Service ${index + 1}`;
  const credentialType = draft.credentialType;
  const namedSecret = draft.secretName.trim() || '(secret name)';

  return (
    <FieldGroup id={id('group')} legend={legend} errors={groupErrors} className="kyma-service">
      <Field id={id('display-name')} label="Display name" hint={<>Served at <span className="mono">{servedPath}/…</span></>} errors={at('displayName')}>
        {(c) => <input {...c} value={draft.displayName} onChange={(e) => onChange(withDisplayName(draft, e.target.value))} autoComplete="off" />}
      </Field>
      <Field id={id('name')} label="Name" hint="Lower-case letters, digits and “-”. Empty: derived from the display name." errors={at('name')}>
        {(c) => <input {...c} className="mono" value={draft.name} placeholder={kymaServiceName(draft.displayName) || undefined} onChange={(e) => onChange(withName(draft, e.target.value))} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id={id('description')} label="Description" hint="Optional." errors={at('description')}>
        {(c) => <input {...c} value={draft.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <Field id={id('provider')} label="Provider" hint="Optional: the provider's display name." errors={at('providerDisplayName')}>
        {(c) => <input {...c} value={draft.provider} onChange={(e) => set({ provider: e.target.value })} />}
      </Field>
      <Field id={id('target-url')} label="Target URL" hint="Where the gateway forwards requests; its path and query come first, the caller's follow." errors={at(...ENTRY, 'targetUrl')}>
        {(c) => <input {...c} className="mono" type="url" value={draft.targetUrl} onChange={(e) => set({ targetUrl: e.target.value })} spellCheck={false} placeholder="https://backend.example.com/api" />}
      </Field>
      <Field id={id('credential-type')} label="Credentials" errors={[...at(...ENTRY, 'credentials').filter((m) => m.detail === ''), ...at(...ENTRY, 'credentials', 'type')]}>
        {(c) => (
          <select {...c} value={credentialType} onChange={(e) => set({ credentialType: e.target.value as KymaCredentialChoice })}>
            {CREDENTIAL_TYPES.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        )}
      </Field>
      {credentialType !== 'none' && (
        <>
          <Field id={id('secret-name')} label="Secret name" hint={`A secret in namespace ${kymaSecretNamespace(namespace)}.`} errors={at(...ENTRY, 'credentials', 'secretName')}>
            {(c) => <input {...c} className="mono" value={draft.secretName} onChange={(e) => set({ secretName: e.target.value })} autoComplete="off" spellCheck={false} />}
          </Field>
          {(credentialType === 'OAuth' || credentialType === 'OAuthWithCert') && (
            <Field id={id('authentication-url')} label="Authentication URL" hint={credentialType === 'OAuth' ? 'The OAuth token URL (client credentials grant).' : 'The OAuth token URL (https://), where the client certificate is presented.'} errors={at(...ENTRY, 'credentials', 'authenticationUrl')}>
              {(c) => <input {...c} className="mono" type="url" value={draft.authenticationUrl} onChange={(e) => set({ authenticationUrl: e.target.value })} spellCheck={false} />}
            </Field>
          )}
          <SecretKeysHint id={id('secret-keys')} name={draft.secretName.trim()} namespace={kymaSecretNamespace(namespace)} keys={KYMA_CREDENTIAL_KEYS[credentialType]} shown={namedSecret} />
          <p className="hint" id={id('values-hint')}>Or type the values here: saving writes them to the vault as that secret. Empty fields keep what the vault holds.</p>
          {KYMA_CREDENTIAL_KEYS[credentialType].map((key) => {
            const input = CREDENTIAL_VALUE_INPUTS[key]!;
            const value = draft.credentialValues[key] ?? '';
            const setValue = (next: string) => set({ credentialValues: { ...draft.credentialValues, [key]: next } });
            const fieldErrors = at(...ENTRY, 'credentials', key);
            if (input.kind === 'pem') return <PemField key={key} id={id(`value-${key}`)} label={input.label} value={value} onChange={setValue} errors={fieldErrors} />;
            return (
              <Field key={key} id={id(`value-${key}`)} label={input.label} errors={fieldErrors}>
                {(c) => (input.kind === 'password'
                  ? <PasswordInput {...c} value={value} onChange={setValue} autoComplete="off" />
                  : <input {...c} value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" spellCheck={false} autoCapitalize="off" />)}
              </Field>
            );
          })}
          <Field id={id('csrf-url')} label="CSRF token endpoint" hint="Optional. The gateway fetches X-CSRF-Token from this URL." errors={claimMember(at(...ENTRY, 'credentials', 'csrfInfo'), 'tokenEndpointURL')}>
            {(c) => <input {...c} className="mono" type="url" value={draft.csrfUrl} onChange={(e) => set({ csrfUrl: e.target.value })} spellCheck={false} />}
          </Field>
        </>
      )}
      <Field
        id={id('params-secret')}
        label="Request-parameters secret"
        hint={`Optional. A secret with keys ${keyList(KYMA_REQUEST_PARAMETER_KEYS)} (JSON) added to every request; enter it on the Secrets screen.`}
        errors={at(...ENTRY, 'requestParametersSecretName')}
      >
        {(c) => <input {...c} className="mono" value={draft.paramsSecret} onChange={(e) => set({ paramsSecret: e.target.value })} autoComplete="off" spellCheck={false} />}
      </Field>
      <div className="button-row">
        <button type="button" className="danger-outline" onClick={onRemove}>
          Remove service {draft.displayName.trim() || index + 1}
        </button>
      </div>
    </FieldGroup>
  );
}

interface KymaApplicationFormProps {
  original: KymaApplication | undefined;
  workspace: Workspace;
  onSaved: (name: string) => void;
  onDeleted: () => void;
}

export function KymaApplicationForm({ original, workspace, onSaved, onDeleted }: KymaApplicationFormProps) {
  const save = useWorkspaceStore((s) => s.save);
  const navigate = useNavigationStore((s) => s.navigate);
  const [name, setName] = useState(original?.name);
  const [baseline, setBaseline] = useState(() => kymaApplicationDraft(original));
  const [draft, setDraft] = useState(baseline);
  const savedIndex = name === undefined ? -1 : workspace.applications.findIndex((a) => a.name === name);
  const indexRef = useRef(savedIndex >= 0 ? savedIndex : workspace.applications.length);
  const form = useFormSave({ fields: () => [...APPLICATION_FIELDS, ...draft.services.map((_s, i): FieldPath => ['services', i])] });
  const { errors, status } = form;
  const leftOut = useLeftOutUnder(savedIndex >= 0 ? `applications[${savedIndex}]` : undefined);
  const dirty = !sameDraft(draft, baseline);
  // Which of the secrets it names the vault holds (names and keys only).
  useEffect(() => void useSecretsStore.getState().load(), []);
  useDirtyForm('kyma-application', dirty, name ? `Kyma application ${name}` : 'the new Kyma application');

  const set = (patch: Partial<KymaApplicationDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setService = (i: number, service: KymaServiceDraft) => setDraft((d) => ({ ...d, services: d.services.map((s, j) => (j === i ? service : s)) }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const savedName = draft.name.trim();
    const namespace = kymaSecretNamespace(draft.namespace);
    // Values typed in for a service's credentials: one vault write per service, to the secret it names (a missing
    // secret name is the workspace schema's to report, before anything is written).
    const typed = draft.services.flatMap((service, i) => {
      const values = enteredCredentialValues(service);
      const keys = Object.keys(values);
      const secretName = service.secretName.trim();
      return keys.length > 0 && secretName !== '' ? [{ index: i, secretName, values, firstKey: keys[0]! }] : [];
    });
    const valuePath = (i: number, key: string) => formatFieldPath(['applications', indexRef.current, 'services', i, ...ENTRY, 'credentials', key]);
    // Each service's own reference, as saved, is not another reader: it is the one the values are typed in for.
    const ownerOf = (i: number) => {
      const saved = workspace.applications.find((a) => a.name === name)?.services.find((s) => s.id === draft.services[i]?.id);
      return name !== undefined && saved ? `application ${name}, service ${saved.name}` : undefined;
    };
    const done = await form.run({
      edit: (ws) => {
        const existing = name === undefined ? undefined : ws.applications.find((a) => a.name === name);
        if (name !== undefined && !existing) throw new EditConflict(`Not saved: Kyma application "${name}" no longer exists.`);
        const applications: unknown[] = [...ws.applications];
        indexRef.current = existing ? ws.applications.indexOf(existing) : applications.length;
        applications[indexRef.current] = kymaApplicationFromDraft(draft);
        return { ...ws, applications };
      },
      at: () => ['applications', indexRef.current],
      // A certificate and key typed in together are checked as a pair first (one typed alone pairs with the vault's,
      // which the renderer does not read: the gateway says that one). Then, once nothing else stops the save, asked;
      // "no" is said on the secret name the values were typed in for.
      preflight: async () => {
        const pairs = await Promise.all(typed.map(async ({ index, values: { crt, key } }) => (
          crt === undefined || key === undefined ? [] : (await certificatePairProblems(crt, key)).map((p) => ({ path: valuePath(index, p.pem ?? 'crt'), message: p.message }))
        )));
        if (pairs.flat().length > 0) return pairs.flat();
        return confirmSharedWrites(
          typed,
          (t) => ({ name: t.secretName, namespace, keys: Object.keys(t.values), owner: ownerOf(t.index) }),
          (t, message) => ({ path: valuePath(t.index, 'secretName'), message }),
        );
      },
      secrets: typed.map((t): SecretWrite => ({ ref: { name: t.secretName, namespace }, set: t.values, field: valuePath(t.index, t.firstKey) })),
      message: () => (typed.length > 0 ? `Kyma application ${savedName} saved; the credentials are in the vault.` : `Kyma application ${savedName} saved.`),
    });
    if (!done.ok) return;
    const next = kymaApplicationDraft(done.workspace?.applications.find((a) => a.name === savedName));
    setBaseline(next);
    setDraft(next);
    setName(savedName);
    onSaved(savedName);
  }

  async function onDelete() {
    if (name === undefined) return;
    const count = original?.services.length ?? 0;
    const confirmed = await confirmAction({
      title: `Delete Kyma application ${name}?`,
      message: `The gateway stops serving /${name}/…${count > 0 ? ` and its ${count === 1 ? 'service' : `${count} services`}` : ''}. The secrets it names stay in the vault.`,
      confirmLabel: 'Delete application',
      danger: true,
    });
    if (!confirmed) return;
    const outcome = await save((ws) => ({ ...ws, applications: ws.applications.filter((a) => a.name !== name) }));
    if (outcome.ok) onDeleted();
    else form.setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
  }

  return (
    <form ref={form.formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="kyma-form-title">
      <h2 id="kyma-form-title">{name ? `Kyma application ${name}` : 'New Kyma application'}</h2>
      <NotServedNotice items={leftOut} />
      <Field id="kyma-name" label="Application name" hint="Lower-case letters, digits and “-”; the first path segment its services are served under." errors={errors.for(['name'])}>
        {(c) => <input {...c} className="mono" value={draft.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="kyma-namespace" label="Secret namespace" hint={`Namespace of the secrets its services name. Empty: ${KYMA_DEFAULT_NAMESPACE}.`} errors={errors.for(['namespace'])}>
        {(c) => <input {...c} className="mono" value={draft.namespace} placeholder={KYMA_DEFAULT_NAMESPACE} onChange={(e) => set({ namespace: e.target.value })} spellCheck={false} />}
      </Field>
      <Field id="kyma-description" label="Application description" hint="Optional." errors={errors.for(['description'])}>
        {(c) => <textarea {...c} rows={2} value={draft.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <CheckboxField id="kyma-skip-verify" label="Skip TLS verification of the targets" checked={draft.skipVerify} onChange={(skipVerify) => set({ skipVerify })} errors={errors.for(['skipVerify'])} />
      {draft.skipVerify && <TlsSkipWarning scope="this application's targets" />}
      <Field id="kyma-target-errors" label="Target errors" hint="How a target's 5xx answer reaches the caller." errors={errors.for(['targetErrors'])}>
        {(c) => (
          <select {...c} value={draft.targetErrors} onChange={(e) => set({ targetErrors: e.target.value === 'kyma' ? 'kyma' : 'pass-through' })}>
            <option value="pass-through">Pass through</option>
            <option value="kyma">As Kyma: 502 with Target-System-Status</option>
          </select>
        )}
      </Field>

      <section className="kyma-services" aria-labelledby="kyma-services-title">
        <h3 id="kyma-services-title">Services</h3>
        <p className="hint">
          Secrets live in namespace <span className="mono">{kymaSecretNamespace(draft.namespace)}</span>: Basic needs keys “username” and “password”, OAuth “clientId” and “clientSecret”,
          OAuthWithCert “clientId”, “crt” and “key”, CertificateGen “crt” and “key” (each can be typed in with its service), a request-parameters secret “headers” and “queryParameters”.{' '}
          <button type="button" className="secondary small" onClick={() => void navigate('secrets')}>Open the Secrets screen</button>
        </p>
        {draft.services.length === 0 && <p className="empty">No services yet.</p>}
        {draft.services.map((s, i) => (
          <KymaServiceFields
            key={s.id}
            index={i}
            appName={draft.name}
            namespace={draft.namespace}
            draft={s}
            onChange={(next) => setService(i, next)}
            onRemove={() => setDraft((d) => ({ ...d, services: d.services.filter((_x, j) => j !== i) }))}
            errors={errors}
          />
        ))}
        <FieldMessages id="kyma-services-error" errors={errors.for(['services']).filter((m) => m.detail === '')} />
        <button type="button" className="secondary" onClick={() => setDraft((d) => ({ ...d, services: [...d.services, kymaServiceDraft()] }))}>
          Add service
        </button>
      </section>

      <FormActions
        status={status}
        saveLabel="Save application"
        dirty={dirty}
        onDiscard={() => { setDraft(baseline); form.reset(); }}
        onDelete={name !== undefined ? () => void onDelete() : undefined}
        deleteLabel="Delete application"
      />
    </form>
  );
}
