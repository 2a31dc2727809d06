// The cluster: pick a kubeconfig (KUBECONFIG / ~/.kube/config, or a file chosen for this workspace), a context
// and namespace, connect and test (version, missing permissions, which targets the cluster serves), preview the
// push (server-side dry run: per object its changes as nested fields; per workspace item pushed, skipped or not
// applicable, with why), push (per-object outcomes; conflicts can be forced after confirming), prune, export YAML
// (with what it leaves out, as the CLI's export says it), import an Application. State lives in the cluster store,
// so it survives visiting other screens.
import { useEffect, useState, type FormEvent } from 'react';
import type { ClusterConnectionReport, ClusterContexts, ClusterExport, ClusterFieldChange, ClusterObjectRef, ClusterPlan, ClusterPushReport, ClusterWorkspaceItem } from '../../../main/ipc/contract';
import { CheckboxField, Field } from '../components/Field';
import { changeTree, type ChangeNode } from '../model/field-changes';
import { FieldErrors } from '../model/field-errors';
import { confirmAction } from '../state/confirm-store';
import { useClusterStore } from '../state/cluster-store';
import { useSecretsStore } from '../state/secrets-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ScreenHeader } from './ScreenHeader';
import { counted } from '../../../gateway/config/counted';

const refLabel = (ref: ClusterObjectRef) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** What the badges say: `unsupported` objects are not sent, because this cluster does not serve their kind. */
const ACTION_WORDS: Record<ClusterPlan['items'][number]['action'], string> = { create: 'create', update: 'update', unchanged: 'unchanged', conflict: 'conflict', invalid: 'invalid', unsupported: 'not served', skipped: 'skipped' };
const OUTCOME_WORDS: Record<ClusterPushReport['items'][number]['outcome'], string> = { created: 'created', updated: 'updated', unchanged: 'unchanged', conflict: 'conflict', failed: 'failed', skipped: 'skipped', unsupported: 'not served' };
const STATUS_WORDS: Record<ClusterWorkspaceItem['status'], string> = { pushed: 'pushed', skipped: 'skipped', 'not-applicable': 'not applicable' };

function ConnectionReport({ report }: { report: ClusterConnectionReport }) {
  return (
    <div className="cluster-report" role="region" aria-label="Connection test">
      <p className="notice notice-ok">Connected to {report.server} as {report.user} (context {report.context}, namespace {report.namespace}), Kubernetes {report.serverVersion}.</p>
      {report.missing.length > 0 && (
        <div className="notice notice-warning">
          <p>Missing permissions:</p>
          <ul className="plain-list">
            {report.missing.map((m) => <li key={m}>{m}</li>)}
          </ul>
        </div>
      )}
      {report.namespaceMissing && (
        <p className="notice notice-warning">
          Namespace {report.namespace} does not exist on this cluster: a push there fails until it is created (<span className="mono">kubectl create namespace {report.namespace}</span>).
        </p>
      )}
      {report.pathProblem && <p className="notice notice-warning">{report.pathProblem}</p>}
      <ul className="plain-list">
        <li>Kyma Applications: {report.targets.kymaApplications ? 'served' : 'not served (no CRD)'}</li>
        <li>WSO2 APK Backends: {report.targets.apkBackends ? 'served' : 'not served (no CRD)'}</li>
        <li>APISIX consumers and routes: {report.targets.apisix ? 'served' : 'not served (no CRD)'}</li>
      </ul>
    </div>
  );
}

function ChangeLeaf({ label, change }: { label: string; change: ClusterFieldChange }) {
  const symbol = change.change === 'added' ? '+' : change.change === 'removed' ? '−' : '~';
  let value: string;
  if (change.hidden) value = change.change === 'changed' ? 'value changed, hidden' : `${change.change}, value hidden`;
  else if (change.change === 'added') value = change.after ?? '';
  else if (change.change === 'removed') value = `${change.before ?? ''} (removed)`;
  else value = `${change.before ?? ''} → ${change.after ?? ''}`;
  return (
    <span className={`change change-${change.change}`}>
      <span aria-hidden="true">{symbol} </span>
      <span className="mono">{label}</span>: <span className="mono">{value}</span>
    </span>
  );
}

/** An object's changes as the object's own nesting (spec → services[0] → name). */
function ChangeTree({ nodes }: { nodes: readonly ChangeNode[] }) {
  return (
    <ul className="change-tree">
      {nodes.map((node, i) => (
        <li key={`${node.label}-${i}`}>
          {node.change ? <ChangeLeaf label={node.label} change={node.change} /> : <span className="mono">{node.label}</span>}
          {node.children.length > 0 && <ChangeTree nodes={node.children} />}
        </li>
      ))}
    </ul>
  );
}

function WorkspaceItemsTable({ items }: { items: readonly ClusterWorkspaceItem[] }) {
  if (items.length === 0) return null;
  return (
    <div className="table-wrap" role="region" aria-label="Workspace items">
      <h3>Workspace items</h3>
      <table className="table">
        <thead>
          <tr><th scope="col">Item</th><th scope="col">In the cluster</th><th scope="col">As / why</th></tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.kind}/${item.name}`}>
              <td>{item.kind} <span className="mono">{item.name}</span></td>
              <td><span className={`badge item-${item.status}`}>{STATUS_WORDS[item.status]}</span></td>
              <td>
                {item.objects.length > 0 && <p className="mono">{item.objects.map(refLabel).join(', ')}</p>}
                {item.reason && <p>{item.reason}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlanTable({ plan }: { plan: ClusterPlan }) {
  return (
    <div className="table-wrap" role="region" aria-label="Preview">
      <p>{plan.items.length > 0 && plan.items.every((i) => i.action === 'unsupported') ? 'Nothing in this workspace is served by this cluster.' : plan.upToDate ? 'The cluster is up to date.' : 'The push would change:'}</p>
      <table className="table">
        <thead>
          <tr><th scope="col">Object</th><th scope="col">Action</th><th scope="col">Changes</th></tr>
        </thead>
        <tbody>
          {plan.items.map((item) => (
            <tr key={refLabel(item.ref)}>
              <td className="mono">{item.label}</td>
              <td><span className={`badge action-${item.action}`}>{ACTION_WORDS[item.action]}</span></td>
              <td>
                {item.changes.length > 0 && <ChangeTree nodes={changeTree(item.changes)} />}
                {item.conflicts && item.conflicts.length > 0 && <p>Conflicts with {item.conflicts.map((c) => `${c.manager} (${c.field})`).join(', ')}</p>}
                {item.message && <p>{item.message}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <WorkspaceItemsTable items={plan.workspaceItems} />
    </div>
  );
}

function PushTable({ report }: { report: ClusterPushReport }) {
  return (
    <div className="table-wrap" role="region" aria-label="Push result">
      <p className={report.ok ? 'notice notice-ok' : 'notice notice-warning'}>
        Pushed: {Object.entries(report.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${OUTCOME_WORDS[k as keyof typeof OUTCOME_WORDS] ?? k}`).join(', ') || 'nothing'}.
      </p>
      <table className="table">
        <thead>
          <tr><th scope="col">Object</th><th scope="col">Outcome</th><th scope="col">Details</th></tr>
        </thead>
        <tbody>
          {report.items.map((item) => (
            <tr key={refLabel(item.ref)}>
              <td className="mono">{item.label}</td>
              <td><span className={`badge outcome-${item.outcome}`}>{OUTCOME_WORDS[item.outcome]}</span></td>
              <td>
                {item.conflicts && item.conflicts.length > 0 && <p>Field manager {item.conflicts.map((c) => `${c.manager} owns ${c.field}`).join(', ')}</p>}
                {item.message && <p>{item.message}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * An export as the CLI's says it: each workspace item left out, whole or in part, with why (main's lines, the CLI's
 * words), beside the YAML; with no object to hold, why there is nothing to export instead of a file of comments.
 */
function ExportResult({ exported }: { exported: ClusterExport }) {
  return (
    <>
      {exported.nothingToExport !== undefined && <p role="status" className="notice notice-warning">Nothing to export: {exported.nothingToExport}.</p>}
      {exported.leftOut.length > 0 && (
        <div className="notice notice-warning" role="region" aria-label="Left out of the export">
          <p>Left out, whole or in part:</p>
          <ul className="plain-list">
            {exported.leftOut.map((line) => <li key={line}>{line.trim()}</li>)}
          </ul>
        </div>
      )}
      {exported.yaml !== undefined && (
        <Field id="cluster-export-yaml" label="kubectl apply -f ready YAML">
          {(c) => <textarea {...c} className="mono" rows={10} readOnly value={exported.yaml} />}
        </Field>
      )}
    </>
  );
}

/** Where the contexts come from, and what to do when the kubeconfig cannot be read. */
function KubeconfigSource({ contexts, busy }: { contexts: ClusterContexts | undefined; busy: boolean }) {
  const { loadContexts, chooseKubeconfig, useDefaultKubeconfig, busy: what } = useClusterStore();
  const source = contexts?.chosen ? `${contexts.chosen} (chosen for this workspace)` : contexts && contexts.files.length > 0 ? contexts.files.join(', ') : 'KUBECONFIG, else ~/.kube/config';
  return (
    <div className="kubeconfig-source" role="group" aria-label="Kubeconfig">
      {what === 'contexts' ? <p className="hint">Reading the kubeconfig…</p> : what === 'choose' ? <p className="hint">Choosing a kubeconfig file…</p> : <p className="hint">Kubeconfig: <span className="mono">{source}</span></p>}
      {contexts?.problem && (
        <div role="alert" className="notice notice-error">
          <p>{contexts.problem}</p>
          {contexts.hint && <p>{contexts.hint}</p>}
        </div>
      )}
      <div className="button-row">
        <button type="button" className="secondary" disabled={busy} onClick={() => void loadContexts()}>{contexts?.problem ? 'Retry' : 'Reload kubeconfig'}</button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void chooseKubeconfig()}>Choose kubeconfig file…</button>
        {contexts?.chosen && <button type="button" className="secondary" disabled={busy} onClick={() => void useDefaultKubeconfig()}>Use KUBECONFIG / ~/.kube/config</button>}
      </div>
    </div>
  );
}

/** The label value prune selects this workspace's objects by (`cluster.label`), saved with the workspace. */
function WorkspaceLabel({ busy }: { busy: boolean }) {
  const saved = useWorkspaceStore((s) => s.workspace?.cluster?.label) ?? '';
  const save = useWorkspaceStore((s) => s.save);
  const [value, setValue] = useState(saved);
  const [errors, setErrors] = useState(FieldErrors.none);
  const [status, setStatus] = useState<string>();
  useEffect(() => setValue(saved), [saved]);

  async function apply(e: FormEvent) {
    e.preventDefault();
    const label = value.trim();
    const outcome = await save((ws) => ({ ...ws, cluster: { ...ws.cluster, label: label === '' ? undefined : label } }));
    setErrors(outcome.ok ? FieldErrors.none : new FieldErrors(outcome.errors));
    setStatus(outcome.ok ? `Saved: objects this workspace pushes from now on are labelled gatehouse.dev/workspace=${label || 'gatehouse'}.` : outcome.message);
  }

  return (
    <form onSubmit={(e) => void apply(e)} noValidate>
      <Field
        id="cluster-label"
        label="Workspace label"
        hint={`gatehouse.dev/workspace on every object this workspace pushes; prune lists the objects carrying it. Empty: “gatehouse”, which every workspace without a label of its own shares. Now: ${saved || 'gatehouse'}.`}
        errors={errors.for(['cluster', 'label'])}
      >
        {(c) => <input {...c} value={value} placeholder="gatehouse" onChange={(e) => setValue(e.target.value)} spellCheck={false} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="secondary" disabled={busy || value.trim() === saved}>Save label</button>
      </div>
      {status && <p role="status" className="hint">{status}</p>}
    </form>
  );
}

export function ClusterScreen() {
  const loadWorkspace = useWorkspaceStore((s) => s.load);
  const loadSecrets = useSecretsStore((s) => s.load);
  const store = useClusterStore();
  const { contexts, context, namespace, report, plan, push, candidates, pruned, withSecrets, exported, appName, appNamespace, busy, error, notice, set } = store;
  const fieldErrors = new FieldErrors(store.fieldErrors);

  useEffect(() => {
    // Once: coming back to the screen keeps what it showed (Reload reads the kubeconfig again).
    if (!useClusterStore.getState().contexts) void useClusterStore.getState().loadContexts();
  }, []);

  async function forcePush() {
    const conflicted = push?.items.filter((i) => i.outcome === 'conflict') ?? [];
    const managers = [...new Set(conflicted.flatMap((i) => i.conflicts?.map((c) => c.manager) ?? []))];
    const confirmed = await confirmAction({
      title: 'Force the conflicting objects?',
      message: `Gatehouse takes over the fields ${managers.length ? managers.join(', ') : 'another field manager'} set on ${conflicted.map((i) => i.label).join(', ')}. That manager may set them back.`,
      confirmLabel: 'Force push',
      danger: true,
    });
    if (confirmed) await store.pushObjects(conflicted.map((i) => i.ref));
  }

  async function prune() {
    if (!candidates || candidates.length === 0) return;
    const label = useWorkspaceStore.getState().workspace?.cluster?.label;
    const shared = label ? '' : ' Every workspace without a label of its own shares this one: check that none of them belongs to another workspace.';
    const confirmed = await confirmAction({
      title: `Delete ${counted(candidates.length, 'object')} from the cluster?`,
      message: `These carry this workspace's label (gatehouse.dev/workspace=${label ?? 'gatehouse'}) and are gone from it: ${candidates.map((c) => c.label).join(', ')}.${shared}`,
      confirmLabel: 'Delete from cluster',
      danger: true,
    });
    if (confirmed) await store.prune();
  }

  async function importApplication() {
    if (await store.importApplication()) await Promise.all([loadWorkspace(), loadSecrets()]);
  }

  const connected = report !== undefined;
  const hasConflicts = push?.items.some((i) => i.outcome === 'conflict') ?? false;
  const noContexts = !contexts || contexts.contexts.length === 0;
  return (
    <section className="screen" aria-labelledby="cluster-title">
      <ScreenHeader id="cluster" title="Cluster" />
      <div className="cluster-layout">
        <section className="editor" aria-labelledby="cluster-connect-title">
          <h2 id="cluster-connect-title">Connection</h2>
          <KubeconfigSource contexts={contexts} busy={busy !== undefined} />
          {contexts && !contexts.problem && contexts.contexts.length === 0 && <p>No contexts in {contexts.files.join(', ') || 'the kubeconfig'}.</p>}
          <div className="field-grid">
            <Field id="cluster-context" label="Context" hint={noContexts ? 'No kubeconfig contexts yet.' : undefined}>
              {(c) => (
                <select {...c} value={context} disabled={noContexts || busy !== undefined} onChange={(e) => store.chooseTarget({ context: e.target.value, namespace: contexts?.contexts.find((x) => x.name === e.target.value)?.namespace ?? '' })}>
                  {contexts?.contexts.map((x) => (
                    <option key={x.name} value={x.name}>{x.name} ({x.server ?? x.cluster}, {x.auth})</option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="cluster-namespace" label="Namespace" hint="Where Secrets go." errors={fieldErrors.for(['namespace'])}>
              {(c) => <input {...c} value={namespace} disabled={busy !== undefined} onChange={(e) => store.chooseTarget({ namespace: e.target.value })} spellCheck={false} />}
            </Field>
          </div>
          <div className="button-row">
            <button type="button" className="primary" disabled={busy !== undefined || !context} onClick={() => void store.connect()}>Connect &amp; test</button>
            {connected && <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void store.disconnect()}>Disconnect</button>}
          </div>
          {report && <ConnectionReport report={report} />}
        </section>

        <div role="status" className="form-status cluster-status">{busy ? 'Working…' : ''}</div>
        {error && <div role="alert" className="notice notice-error">{error}</div>}
        {notice && <div role="status" className="notice notice-ok">{notice}</div>}

        <section className="editor" aria-labelledby="cluster-push-title">
          <h2 id="cluster-push-title">Push</h2>
          <p className="hint">Preview runs a server-side dry run and diffs each object; push applies with field manager gatehouse. Secret values show only as “value changed, hidden”.</p>
          <div className="button-row">
            <button type="button" className="secondary" disabled={!connected || busy !== undefined} onClick={() => void store.preview()}>Preview</button>
            <button type="button" className="primary" disabled={!connected || busy !== undefined} onClick={() => void store.pushObjects()}>Push</button>
            {hasConflicts && <button type="button" className="danger-outline" disabled={busy !== undefined} onClick={() => void forcePush()}>Force conflicting objects…</button>}
          </div>
          {plan && <PlanTable plan={plan} />}
          {push && <PushTable report={push} />}
        </section>

        <section className="editor" aria-labelledby="cluster-prune-title">
          <h2 id="cluster-prune-title">Prune</h2>
          <p className="hint">Objects this workspace pushed that are gone from it. Nothing is deleted without confirming.</p>
          <WorkspaceLabel busy={busy !== undefined} />
          <div className="button-row">
            <button type="button" className="secondary" disabled={!connected || busy !== undefined} onClick={() => void store.listPrune()}>List objects to prune</button>
            {candidates && candidates.length > 0 && <button type="button" className="danger" disabled={busy !== undefined} onClick={() => void prune()}>Delete {counted(candidates.length, 'object')}…</button>}
          </div>
          {candidates && (candidates.length === 0 ? <p>Nothing to prune.</p> : <ul className="plain-list mono" aria-label="Objects to prune">{candidates.map((c) => <li key={refLabel(c.ref)}>{c.label}</li>)}</ul>)}
          {pruned && <ul className="plain-list" aria-label="Prune result">{pruned.map((p) => <li key={p.label}>{p.label}: {p.outcome}{p.message ? ` (${p.message})` : ''}</li>)}</ul>}
        </section>

        <section className="editor" aria-labelledby="cluster-export-title">
          <h2 id="cluster-export-title">Export YAML</h2>
          <CheckboxField id="cluster-export-secrets" label="Include secret values" hint="The YAML then holds passwords and keys in plain base64: keep it out of Git and chats." checked={withSecrets} onChange={(v) => store.includeSecretValues(v)} />
          {withSecrets && <p role="alert" className="notice notice-warning">The export will contain secret values.</p>}
          <div className="button-row">
            <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void store.exportYaml()}>Export YAML</button>
          </div>
          {exported && <ExportResult exported={exported} />}
        </section>

        <section className="editor" aria-labelledby="cluster-import-title">
          <h2 id="cluster-import-title">Import an Application</h2>
          <div className="field-grid">
            <Field id="cluster-app-name" label="Application name" errors={fieldErrors.for(['name'])}>
              {(c) => <input {...c} value={appName} onChange={(e) => set({ appName: e.target.value })} spellCheck={false} />}
            </Field>
            <Field id="cluster-app-secret-namespace" label="Secret namespace" errors={fieldErrors.for(['secretNamespace'])}>
              {(c) => <input {...c} value={appNamespace} onChange={(e) => set({ appNamespace: e.target.value })} spellCheck={false} />}
            </Field>
          </div>
          <div className="button-row">
            <button type="button" className="secondary" disabled={!connected || busy !== undefined || appName.trim() === ''} onClick={() => void importApplication()}>Import Application</button>
          </div>
        </section>
      </div>
    </section>
  );
}
