// Edits one service: name, path prefix, hosts, upstream (URL or Kubernetes service), strip prefix and the
// basic-auth plugin. Saving validates the whole workspace with the gateway's schema before sending it.
// Fields this form does not edit (endpointSecurity, timeouts) are kept as they are; the endpoint-security
// section slots in after the basic-auth one, editing `serviceFromDraft`'s carried-over `endpointSecurity`.
import { useState, type FormEvent } from 'react';
import { ServiceInfo, type Service, type Workspace } from '../../../gateway/config/schema';
import { validateWith, type FieldError } from '../../../gateway/config/validate';
import { BasicAuthFields } from '../components/BasicAuthFields';
import { CheckboxField, Field, FieldGroup, RadioGroup } from '../components/Field';
import { FormMessages, type FormStatus } from '../components/FormMessages';
import { useFocusFirstError } from '../components/use-focus-first-error';
import { sameDraft, serviceDraft, serviceFromDraft, serviceInfoInput, type ServiceDraft } from '../model/drafts';
import { FieldErrors, type FieldPath } from '../model/field-errors';
import { confirmAction } from '../state/confirm-store';
import { useDirtyForm } from '../state/navigation-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const FIELDS: FieldPath[] = [['name'], ['pathPrefix'], ['hosts'], ['upstream'], ['stripPrefix'], ['plugins', 'basic-auth']];

/** A Kubernetes upstream that fails the union reads "Invalid input": name the field by checking the branch it is. */
function refineUpstreamErrors(errors: FieldError[], draft: ServiceDraft, index: number): FieldError[] {
  const unionPath = `services[${index}].upstream`;
  if (draft.upstreamKind !== 'kubernetes' || !errors.some((e) => e.path === unionPath)) return errors;
  const branch = validateWith(ServiceInfo, serviceInfoInput(draft));
  if (branch.ok) return errors;
  return [...errors.filter((e) => e.path !== unionPath), ...branch.errors.map((e) => ({ ...e, path: `${unionPath}.serviceInfo.${e.path}` }))];
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
  const [errors, setErrors] = useState(FieldErrors.none);
  const [status, setStatus] = useState<FormStatus>({ kind: 'idle' });
  const [formRef, focusFirstError] = useFocusFirstError();
  const dirty = !sameDraft(draft, baseline);
  useDirtyForm('service', dirty, name ? `service ${name}` : 'the new service');

  const set = (patch: Partial<ServiceDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const routesOfService = name ? workspace.routes.filter((r) => r.service === name) : [];

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setStatus({ kind: 'saving' });
    let index = workspace.services.length;
    const outcome = await save((ws) => {
      const existing = name === undefined ? undefined : ws.services.find((s) => s.name === name);
      if (name !== undefined && !existing) throw new EditConflict(`Not saved: service "${name}" no longer exists.`);
      const next = serviceFromDraft(draft, existing);
      const services: unknown[] = [...ws.services];
      index = existing ? ws.services.indexOf(existing) : services.length;
      services[index] = next;
      const renamedTo = String(next.name);
      // A rename carries the service's routes along.
      const routes = name !== undefined && renamedTo !== name ? ws.routes.map((r) => (r.service === name ? { ...r, service: renamedTo } : r)) : ws.routes;
      return { ...ws, services, routes };
    });
    if (!outcome.ok) {
      const fieldErrors = new FieldErrors(refineUpstreamErrors(outcome.errors, draft, index), ['services', index]);
      setErrors(fieldErrors);
      setStatus({ kind: 'error', message: outcome.message, unclaimed: fieldErrors.unclaimed(FIELDS) });
      focusFirstError();
      return;
    }
    const savedName = draft.name.trim();
    const saved = outcome.workspace.services.find((s) => s.name === savedName);
    const next = serviceDraft(saved);
    setBaseline(next);
    setDraft(next);
    setName(savedName);
    setErrors(FieldErrors.none);
    setStatus({ kind: 'saved', message: `Service ${savedName} saved.`, gatewayErrors: outcome.gatewayErrors });
    onSaved(savedName);
  }

  async function onDelete() {
    if (name === undefined) return;
    const routeNote = routesOfService.length > 0 ? ` Its ${routesOfService.length === 1 ? 'route' : `${routesOfService.length} routes`} (${routesOfService.map((r) => r.name).join(', ')}) will be deleted too.` : '';
    const confirmed = await confirmAction({ title: `Delete service ${name}?`, message: `The gateway stops serving it.${routeNote}`, confirmLabel: 'Delete service', danger: true });
    if (!confirmed) return;
    const outcome = await save((ws) => ({ ...ws, services: ws.services.filter((s) => s.name !== name), routes: ws.routes.filter((r) => r.service !== name) }));
    if (outcome.ok) onDeleted();
    else setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
  }

  const consumers = workspace.consumers.map((c) => c.username);
  const upstreamShownBelow = draft.upstreamKind === 'url' ? ['.url'] : ['.serviceInfo.name', '.serviceInfo.namespace', '.serviceInfo.port', '.serviceInfo.protocol'];
  return (
    <form ref={formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="service-form-title">
      <h2 id="service-form-title">{name ? `Service ${name}` : 'New service'}</h2>
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
      <FormMessages status={status} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={status.kind === 'saving'}>
          Save service
        </button>
        {dirty && (
          <button type="button" className="secondary" onClick={() => { setDraft(baseline); setErrors(FieldErrors.none); setStatus({ kind: 'idle' }); }}>
            Discard changes
          </button>
        )}
        <span className="spacer" />
        {name !== undefined && (
          <button type="button" className="danger-outline" onClick={() => void onDelete()}>
            Delete service
          </button>
        )}
      </div>
    </form>
  );
}
