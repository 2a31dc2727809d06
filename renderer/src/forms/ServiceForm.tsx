// Edits one service: name, path prefix, hosts, upstream (URL or Kubernetes service), strip prefix, the
// basic-auth plugin, and the endpoint security of its production and (optional) sandbox endpoints. Saving
// (use-form-save) validates the whole workspace with the gateway's schema and typed-in values with the gateway's
// rules, asks before writing into a secret another item reads, then sends the workspace, which holds only the
// secrets' names, with the credentials typed into the form: main writes them to the vault only for a save it takes.
// Fields this form does not edit (timeouts, targetErrors) are kept as they are.
import { useRef, useState, type FormEvent } from 'react';
import { ServiceInfo, type Service, type Workspace } from '../../../gateway/config/schema';
import { formatFieldPath, validateWith, type FieldError } from '../../../gateway/config/validate';
import { BasicAuthFields } from '../components/BasicAuthFields';
import { EndpointSecurityFields } from '../components/EndpointSecurityFields';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { applySecurityDraft, endpointDraft, securityDraft, secretWrites, type EndpointDraft, type EnvironmentName, type SecurityDraft } from '../model/endpoint-security-draft';
import { CheckboxField, Field, FieldGroup, RadioGroup } from '../components/Field';
import { NotServedNotice, useLeftOut } from '../components/ServedConfig';
import { FormActions } from './FormActions';
import { useFormSave } from './use-form-save';
import { certificatePairProblems } from './certificate-pair-problems';
import { confirmSharedWrites } from './confirm-shared-writes';
import { sameDraft, serviceDraft, serviceFromDraft, serviceInfoInput, type ServiceDraft } from '../model/drafts';
import type { FieldPath } from '../model/field-errors';
import { confirmAction } from '../state/confirm-store';
import { useDirtyForm } from '../state/navigation-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const ENDPOINT_FIELDS: FieldPath[] = [
  ['endpointSecurity', 'type'], ['endpointSecurity', 'secret'], ['endpointSecurity', 'namespace'], ['endpointSecurity', 'usernameKey'], ['endpointSecurity', 'passwordKey'],
  ['endpointSecurity', 'tokenUrl'], ['endpointSecurity', 'clientIdKey'], ['endpointSecurity', 'clientSecretKey'], ['endpointSecurity', 'clientAuth'], ['endpointSecurity', 'scope'],
  ['endpointSecurity', 'certificateKey'], ['endpointSecurity', 'privateKeyKey'], ['endpointSecurity', 'caKey'],
  ['endpointSecurity', 'enteredUsername'], ['endpointSecurity', 'enteredPassword'], ['endpointSecurity', 'enteredClientId'], ['endpointSecurity', 'enteredClientSecret'],
  ['endpointSecurity', 'enteredCertificate'], ['endpointSecurity', 'enteredPrivateKey'], ['endpointSecurity', 'enteredCa'],
  ['csrf'], ['requestParametersSecret'], ['enteredParameterHeaders'], ['enteredParameterQuery'], ['tls'],
];
const FIELDS: FieldPath[] = [
  ['name'], ['pathPrefix'], ['hosts'], ['upstream'], ['stripPrefix'], ['plugins', 'basic-auth'], ['defaultEnvironment'],
  ...ENDPOINT_FIELDS, ['sandbox', 'upstream'], ...ENDPOINT_FIELDS.map((f) => ['sandbox', ...f]),
];

/** Local problems (credentials to enter, a certificate main refused) as field errors of service `index`. */
function endpointError(index: number, environment: EnvironmentName, field: readonly (string | number)[], message: string): FieldError {
  const path = ['services', index, ...(environment === 'sandbox' ? ['sandbox'] : []), ...field];
  return { path: formatFieldPath(path), message };
}

/** A Kubernetes upstream that fails the union reads "Invalid input": name the field by checking the branch it is. */
function refineUpstreamErrors(errors: FieldError[], draft: ServiceDraft, index: number): FieldError[] {
  const unionPath = `services[${index}].upstream`;
  if (draft.upstreamKind !== 'kubernetes' || !errors.some((e) => e.path === unionPath)) return errors;
  const branch = validateWith(ServiceInfo, serviceInfoInput(draft));
  if (branch.ok) return errors;
  return [...errors.filter((e) => e.path !== unionPath), ...branch.errors.map((e) => ({ ...e, path: `${unionPath}.serviceInfo.${e.path}` }))];
}

/**
 * PEMs typed in, checked by main as the gateway will read them (a certificate with its key, CA certificates), each
 * problem on the field at fault: the gateway would otherwise leave the saved service out.
 */
async function pemProblems(d: EndpointDraft): Promise<{ field: string[]; message: string }[]> {
  const problems: { field: string[]; message: string }[] = [];
  const check = async (field: string[], ask: () => Promise<unknown>) => {
    try {
      await ask();
    } catch (error) {
      const failure = toFailure(error);
      if (failure.errors.length > 0) problems.push(...failure.errors.map((e) => ({ field, message: e.message })));
      else problems.push({ field, message: failure.message });
    }
  };
  // A pair typed in is checked whoever it is presented to: the backend (client-certificate) or the token endpoint
  // (OAuth tls_client_auth). Main names the PEM at fault (`crt`, `key`, or both): each message under its own field.
  const presentsCertificate = d.type === 'client-certificate' || (d.type === 'oauth2-client-credentials' && d.clientAuth === 'tls_client_auth');
  if (presentsCertificate && d.enterNow) {
    for (const p of await certificatePairProblems(d.certificatePem, d.privateKeyPem)) problems.push({ field: ['endpointSecurity', p.pem === 'key' ? 'enteredPrivateKey' : 'enteredCertificate'], message: p.message });
  }
  if (d.type === 'client-certificate' && d.enterNow && d.caPem.trim() !== '') await check(['endpointSecurity', 'enteredCa'], () => gatehouse().invoke('security:check-ca', { pem: d.caPem }));
  if (d.tlsMode === 'ca' && d.tlsCaPem.trim() !== '') await check(['tls', 'enteredCaPem'], () => gatehouse().invoke('security:check-ca', { pem: d.tlsCaPem }));
  return problems;
}

interface ServiceFormProps {
  original: Service | undefined;
  workspace: Workspace;
  onSaved: (name: string) => void;
  onDeleted: () => void;
}

export function ServiceForm({ original, workspace, onSaved, onDeleted }: ServiceFormProps) {
  const save = useWorkspaceStore((s) => s.save);
  const [name, setName] = useState(original?.name);
  const [baseline, setBaseline] = useState(() => serviceDraft(original));
  const [draft, setDraft] = useState(baseline);
  const [securityBaseline, setSecurityBaseline] = useState(() => securityDraft(original));
  const [security, setSecurity] = useState<SecurityDraft>(securityBaseline);
  const savedIndex = name === undefined ? -1 : workspace.services.findIndex((s) => s.name === name);
  const indexRef = useRef(savedIndex >= 0 ? savedIndex : workspace.services.length);
  const form = useFormSave({ fields: () => FIELDS });
  const { errors, status } = form;
  const leftOut = useLeftOut(savedIndex >= 0 ? `services[${savedIndex}]` : undefined);
  const dirty = !sameDraft(draft, baseline) || !sameDraft(security, securityBaseline);
  useDirtyForm('service', dirty, name ? `service ${name}` : 'the new service');

  const set = (patch: Partial<ServiceDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const routesOfService = name ? workspace.routes.filter((r) => r.service === name) : [];

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const edit = (ws: Workspace) => {
      const existing = name === undefined ? undefined : ws.services.find((s) => s.name === name);
      if (name !== undefined && !existing) throw new EditConflict(`Not saved: service "${name}" no longer exists.`);
      const next = applySecurityDraft(serviceFromDraft(draft, existing), security, existing);
      const services: unknown[] = [...ws.services];
      indexRef.current = existing ? ws.services.indexOf(existing) : services.length;
      services[indexRef.current] = next;
      const renamedTo = String(next.name);
      // A rename carries the service's routes along.
      const routes = name !== undefined && renamedTo !== name ? ws.routes.map((r) => (r.service === name ? { ...r, service: renamedTo } : r)) : ws.routes;
      return { ...ws, services, routes };
    };
    const serviceName = draft.name.trim();
    const environments: EnvironmentName[] = security.sandboxOn ? ['production', 'sandbox'] : ['production'];
    const inline = environments.map((env) => secretWrites(security[env], serviceName, env));
    const done = await form.run({
      edit,
      at: () => ['services', indexRef.current],
      problems: () => inline.flatMap((i) => i.problems).map((p) => endpointError(indexRef.current, p.environment, p.field, p.message)),
      preflight: async () => {
        const pem = (await Promise.all(environments.map((env) => pemProblems(security[env])))).flatMap((found, i) => found.map((p) => endpointError(indexRef.current, environments[i]!, p.field, p.message)));
        // Asked last, once nothing else stops the save.
        if (pem.length > 0) return pem;
        const owner = name === undefined ? undefined : `service ${name}`;
        return confirmSharedWrites(inline.flatMap((i) => i.writes), (w) => ({ name: w.name, namespace: w.namespace, keys: Object.keys(w.data), owner }), (w, message) => endpointError(indexRef.current, w.environment, w.field, message));
      },
      secrets: inline.flatMap((i) => i.writes).map((w) => ({
        ref: w.namespace ? { name: w.name, namespace: w.namespace } : { name: w.name },
        set: w.data,
        field: endpointError(indexRef.current, w.environment, w.field, '').path,
      })),
      message: () => `Service ${serviceName} saved.`,
      // The schema names the upstream union as a whole; name the Kubernetes field instead.
      refine: (found) => refineUpstreamErrors(found, draft, indexRef.current),
    });
    if (!done.ok) return;
    const saved = done.workspace?.services.find((s) => s.name === serviceName);
    const next = serviceDraft(saved);
    const nextSecurity = securityDraft(saved);
    setBaseline(next);
    setDraft(next);
    setSecurityBaseline(nextSecurity);
    setSecurity(nextSecurity);
    setName(serviceName);
    onSaved(serviceName);
  }

  async function onDelete() {
    if (name === undefined) return;
    const routeNote = routesOfService.length > 0 ? ` Its ${routesOfService.length === 1 ? 'route' : `${routesOfService.length} routes`} (${routesOfService.map((r) => r.name).join(', ')}) will be deleted too.` : '';
    const confirmed = await confirmAction({ title: `Delete service ${name}?`, message: `The gateway stops serving it.${routeNote}`, confirmLabel: 'Delete service', danger: true });
    if (!confirmed) return;
    const outcome = await save((ws) => ({ ...ws, services: ws.services.filter((s) => s.name !== name), routes: ws.routes.filter((r) => r.service !== name) }));
    if (outcome.ok) onDeleted();
    else form.setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
  }

  const consumers = workspace.consumers.map((c) => c.username);
  const upstreamShownBelow = draft.upstreamKind === 'url' ? ['.url'] : ['.serviceInfo.name', '.serviceInfo.namespace', '.serviceInfo.port', '.serviceInfo.protocol'];
  return (
    <form ref={form.formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="service-form-title">
      <h2 id="service-form-title">{name ? `Service ${name}` : 'New service'}</h2>
      <NotServedNotice items={leftOut ? [leftOut] : []} />
      <Field id="service-name" label="Name" hint="Letters, digits, “.”, “_” or “-”." errors={errors.for(['name'])}>
        {(c) => <input {...c} value={draft.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="service-path-prefix" label="Path prefix" hint="Requests under this path go to this service, e.g. /v1." errors={errors.for(['pathPrefix'])}>
        {(c) => <input {...c} className="mono" value={draft.pathPrefix} onChange={(e) => set({ pathPrefix: e.target.value })} spellCheck={false} />}
      </Field>
      <Field id="service-hosts" label="Hosts" hint="Optional. Comma-separated, e.g. api.example.com, *.example.com. Empty: any host." errors={errors.for(['hosts'])}>
        {(c) => <input {...c} className="mono" value={draft.hosts} onChange={(e) => set({ hosts: e.target.value })} spellCheck={false} />}
      </Field>
      <FieldGroup id="service-upstream" legend="Upstream" errors={errors.for(['upstream']).filter((m) => !upstreamShownBelow.includes(m.detail))}>
        <RadioGroup
          name="service-upstream-kind"
          value={draft.upstreamKind}
          options={[
            { value: 'url', label: 'URL' },
            { value: 'kubernetes', label: 'Kubernetes service' },
          ]}
          onChange={(upstreamKind) => set({ upstreamKind })}
        />
        {draft.upstreamKind === 'url' ? (
          <Field id="service-upstream-url" label="Upstream URL" hint="Where the gateway forwards requests, e.g. http://127.0.0.1:8080." errors={errors.for(['upstream', 'url'])}>
            {(c) => <input {...c} className="mono" type="url" value={draft.upstreamUrl} onChange={(e) => set({ upstreamUrl: e.target.value })} spellCheck={false} placeholder="http://127.0.0.1:8080" />}
          </Field>
        ) : (
          <div className="field-grid">
            <Field id="service-k8s-name" label="Service name" errors={errors.for(['upstream', 'serviceInfo', 'name'])}>
              {(c) => <input {...c} value={draft.k8sName} onChange={(e) => set({ k8sName: e.target.value })} spellCheck={false} />}
            </Field>
            <Field id="service-k8s-namespace" label="Namespace" errors={errors.for(['upstream', 'serviceInfo', 'namespace'])}>
              {(c) => <input {...c} value={draft.k8sNamespace} onChange={(e) => set({ k8sNamespace: e.target.value })} spellCheck={false} />}
            </Field>
            <Field id="service-k8s-port" label="Port" hint="Optional." errors={errors.for(['upstream', 'serviceInfo', 'port'])}>
              {(c) => <input {...c} inputMode="numeric" value={draft.k8sPort} onChange={(e) => set({ k8sPort: e.target.value })} />}
            </Field>
            <Field id="service-k8s-protocol" label="Protocol" errors={errors.for(['upstream', 'serviceInfo', 'protocol'])}>
              {(c) => (
                <select {...c} value={draft.k8sProtocol} onChange={(e) => set({ k8sProtocol: e.target.value === 'https' ? 'https' : 'http' })}>
                  <option value="http">http</option>
                  <option value="https">https</option>
                </select>
              )}
            </Field>
          </div>
        )}
      </FieldGroup>
      <CheckboxField id="service-strip-prefix" label="Strip the path prefix before forwarding" hint="Off: the upstream sees the prefix too." checked={draft.stripPrefix} onChange={(stripPrefix) => set({ stripPrefix })} errors={errors.for(['stripPrefix'])} />
      <BasicAuthFields idPrefix="service" value={draft.basicAuth} onChange={(basicAuth) => set({ basicAuth })} errors={errors} consumers={consumers} />
      <section className="endpoint-security" aria-labelledby="endpoint-security-title">
        <h3 id="endpoint-security-title">Endpoint security</h3>
        <p className="hint">How the gateway authenticates to the backend. Credentials live in the vault; the workspace holds only the secret names.</p>
        <div className="endpoint-columns">
          <EndpointSecurityFields environment="production" draft={security.production} onChange={(production) => setSecurity((s) => ({ ...s, production }))} errors={errors} serviceName={draft.name} savedName={name} saved={securityBaseline.production} dirty={dirty} />
          {security.sandboxOn ? (
            <div className="endpoint-sandbox">
              <EndpointSecurityFields environment="sandbox" draft={security.sandbox} onChange={(sandbox) => setSecurity((s) => ({ ...s, sandbox }))} errors={errors} serviceName={draft.name} savedName={name} saved={securityBaseline.sandbox} dirty={dirty} />
              <button type="button" className="danger-outline" onClick={() => setSecurity((s) => ({ ...s, sandboxOn: false, defaultEnvironment: 'production' }))}>
                Remove sandbox endpoint
              </button>
            </div>
          ) : (
            <div className="endpoint-sandbox-empty">
              <p className="hint">No sandbox endpoint. A sandbox is a second backend with its own security, picked per request with the header X-Gatehouse-Environment: sandbox.</p>
              <button type="button" className="secondary" onClick={() => setSecurity((s) => ({ ...s, sandboxOn: true, sandbox: s.sandboxOn ? s.sandbox : endpointDraft(undefined) }))}>
                Add sandbox endpoint
              </button>
            </div>
          )}
        </div>
        <Field id="service-default-environment" label="Default environment" hint="Used when a request does not pick one with X-Gatehouse-Environment." errors={errors.for(['defaultEnvironment'])}>
          {(c) => (
            <select {...c} value={security.defaultEnvironment} onChange={(e) => setSecurity((s) => ({ ...s, defaultEnvironment: e.target.value === 'sandbox' ? 'sandbox' : 'production' }))}>
              <option value="production">production</option>
              <option value="sandbox" disabled={!security.sandboxOn}>{security.sandboxOn ? 'sandbox' : 'sandbox (add a sandbox endpoint first)'}</option>
            </select>
          )}
        </Field>
      </section>
      <FormActions
        status={status}
        saveLabel="Save service"
        dirty={dirty}
        onDiscard={() => { setDraft(baseline); setSecurity(securityBaseline); form.reset(); }}
        onDelete={name !== undefined ? () => void onDelete() : undefined}
        deleteLabel="Delete service"
      />
    </form>
  );
}
