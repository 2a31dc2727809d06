// Edits one route: name, service, path, exact/prefix match, methods, hosts and its basic-auth override.
import { useRef, useState, type FormEvent } from 'react';
import type { Route, Workspace } from '../../../gateway/config/schema';
import { BasicAuthFields } from '../components/BasicAuthFields';
import { Field, FieldGroup, RadioGroup } from '../components/Field';
import { MethodCheckboxes } from '../components/MethodCheckboxes';
import { NotServedNotice, useLeftOut } from '../components/ServedConfig';
import { FormActions } from './FormActions';
import { useFormSave } from './use-form-save';
import { routeDraft, routeFromDraft, sameDraft, type RouteDraft } from '../model/drafts';
import { effectiveBasicAuth } from '../../../gateway/config/effective-basic-auth';
import type { FieldPath } from '../model/field-errors';
import { joinPaths } from '../../../gateway/config/route-paths';
import { confirmAction } from '../state/confirm-store';
import { useDirtyForm } from '../state/navigation-store';
import { EditConflict, useWorkspaceStore } from '../state/workspace-store';

const FIELDS: FieldPath[] = [['name'], ['service'], ['path'], ['match'], ['methods'], ['hosts'], ['plugins', 'basic-auth']];

interface RouteFormProps {
  original: Route | undefined;
  /** The service a new route is added to. */
  service: string;
  workspace: Workspace;
  onSaved: (name: string, service: string) => void;
  onDeleted: () => void;
}

export function RouteForm({ original, service, workspace, onSaved, onDeleted }: RouteFormProps) {
  const save = useWorkspaceStore((s) => s.save);
  const [name, setName] = useState(original?.name);
  const [baseline, setBaseline] = useState(() => routeDraft(original, service));
  const [draft, setDraft] = useState(baseline);
  const savedIndex = name === undefined ? -1 : workspace.routes.findIndex((r) => r.name === name);
  const indexRef = useRef(savedIndex >= 0 ? savedIndex : workspace.routes.length);
  const form = useFormSave({ fields: () => FIELDS });
  const { errors, status } = form;
  const leftOut = useLeftOut(savedIndex >= 0 ? `routes[${savedIndex}]` : undefined);
  const dirty = !sameDraft(draft, baseline);
  useDirtyForm('route', dirty, name ? `route ${name}` : 'the new route');

  const set = (patch: Partial<RouteDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const parent = workspace.services.find((s) => s.name === draft.service);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const savedName = draft.name.trim();
    const done = await form.run({
      edit: (ws) => {
        const existing = name === undefined ? undefined : ws.routes.find((r) => r.name === name);
        if (name !== undefined && !existing) throw new EditConflict(`Not saved: route "${name}" no longer exists.`);
        const routes: unknown[] = [...ws.routes];
        indexRef.current = existing ? ws.routes.indexOf(existing) : routes.length;
        routes[indexRef.current] = routeFromDraft(draft, existing);
        return { ...ws, routes };
      },
      at: () => ['routes', indexRef.current],
      message: () => `Route ${savedName} saved.`,
    });
    if (!done.ok) return;
    const next = routeDraft(done.workspace?.routes.find((r) => r.name === savedName), draft.service);
    setBaseline(next);
    setDraft(next);
    setName(savedName);
    onSaved(savedName, draft.service);
  }

  async function onDelete() {
    if (name === undefined) return;
    const confirmed = await confirmAction({ title: `Delete route ${name}?`, message: 'Requests it matched fall back to the other routes of its service (or get 404).', confirmLabel: 'Delete route', danger: true });
    if (!confirmed) return;
    const outcome = await save((ws) => ({ ...ws, routes: ws.routes.filter((r) => r.name !== name) }));
    if (outcome.ok) onDeleted();
    else form.setStatus({ kind: 'error', message: outcome.message, unclaimed: outcome.errors });
  }

  const fullPath = parent ? joinPaths(parent.pathPrefix, draft.path.trim() || '/') : undefined;
  return (
    <form ref={form.formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="route-form-title">
      <h2 id="route-form-title">{name ? `Route ${name}` : `New route in ${service}`}</h2>
      <NotServedNotice items={leftOut ? [leftOut] : []} />
      <Field id="route-name" label="Name" hint="Unique across the workspace." errors={errors.for(['name'])}>
        {(c) => <input {...c} value={draft.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="route-service" label="Service" errors={errors.for(['service'])}>
        {(c) => (
          <select {...c} value={draft.service} onChange={(e) => set({ service: e.target.value })}>
            {workspace.services.map((s) => (
              <option key={s.name} value={s.name}>{s.name}</option>
            ))}
            {!parent && <option value={draft.service}>{draft.service} (no such service)</option>}
          </select>
        )}
      </Field>
      <Field id="route-path" label="Path" hint={fullPath ? <>Below the service prefix: answers on <span className="mono">{fullPath}</span>.</> : 'Below the service prefix.'} errors={errors.for(['path'])}>
        {(c) => <input {...c} className="mono" value={draft.path} onChange={(e) => set({ path: e.target.value })} spellCheck={false} />}
      </Field>
      <FieldGroup id="route-match" legend="Match" errors={errors.for(['match'])}>
        <RadioGroup
          name="route-match"
          value={draft.match}
          options={[
            { value: 'exact', label: 'Exact path' },
            { value: 'prefix', label: 'Path prefix (and everything below)' },
          ]}
          onChange={(match) => set({ match })}
        />
      </FieldGroup>
      <MethodCheckboxes id="route-methods" value={draft.methods} onChange={(methods) => set({ methods })} errors={errors.for(['methods'])} />
      <Field id="route-hosts" label="Hosts" hint="Optional. Comma-separated. Empty: the service's hosts." errors={errors.for(['hosts'])}>
        {(c) => <input {...c} className="mono" value={draft.hosts} onChange={(e) => set({ hosts: e.target.value })} spellCheck={false} />}
      </Field>
      <BasicAuthFields
        idPrefix="route"
        value={draft.basicAuth}
        onChange={(basicAuth) => set({ basicAuth })}
        errors={errors}
        consumers={workspace.consumers.map((c) => c.username)}
        inherited={{ serviceName: draft.service, enabled: parent ? effectiveBasicAuth(undefined, parent) !== undefined : false }}
      />
      <FormActions
        status={status}
        saveLabel="Save route"
        dirty={dirty}
        onDiscard={() => { setDraft(baseline); form.reset(); }}
        onDelete={name !== undefined ? () => void onDelete() : undefined}
        deleteLabel="Delete route"
      />
    </form>
  );
}
