// The cluster: pick a kubeconfig context and namespace, connect and test (version, missing permissions,
// which targets the cluster serves), preview the push (server-side dry run, per-object changes), push
// (per-object outcomes; conflicts can be forced after confirming), prune, export YAML, import an Application.
import { useEffect, useState } from 'react';
import type { ClusterConnectionReport, ClusterContext, ClusterObjectRef, ClusterPlan, ClusterPruneCandidate, ClusterPushReport } from '../../../main/ipc/contract';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { CheckboxField, Field } from '../components/Field';
import { confirmAction } from '../state/confirm-store';
import { useSecretsStore } from '../state/secrets-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ScreenHeader } from './ScreenHeader';

type Busy = undefined | 'contexts' | 'connect' | 'plan' | 'push' | 'prune' | 'export' | 'import';

const refLabel = (ref: ClusterObjectRef) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

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
      {report.pathProblem && <p className="notice notice-warning">{report.pathProblem}</p>}
      <ul className="plain-list">
        <li>Kyma Applications: {report.targets.kymaApplications ? 'served' : 'not served (no CRD)'}</li>
        <li>WSO2 APK Backends: {report.targets.apkBackends ? 'served' : 'not served (no CRD)'}</li>
        <li>APISIX consumers and routes: {report.targets.apisix ? 'served' : 'not served (no CRD)'}</li>
      </ul>
    </div>
  );
}

function PlanTable({ plan }: { plan: ClusterPlan }) {
  return (
    <div className="table-wrap" role="region" aria-label="Preview">
      <p>{plan.upToDate ? 'The cluster is up to date.' : 'The push would change:'}</p>
      <table className="table">
        <thead>
          <tr><th scope="col">Object</th><th scope="col">Action</th><th scope="col">Changes</th></tr>
        </thead>
        <tbody>
          {plan.items.map((item) => (
            <tr key={refLabel(item.ref)}>
              <td className="mono">{item.label}</td>
              <td><span className={`badge action-${item.action}`}>{item.action}</span></td>
              <td>
                {item.changes.length > 0 && (
                  <ul className="plain-list mono">
                    {item.changes.map((c, i) => <li key={i}>{c.change} {c.path}{c.after !== undefined ? `: ${c.after}` : ''}</li>)}
                  </ul>
                )}
                {item.conflicts && item.conflicts.length > 0 && <p>Conflicts with {item.conflicts.map((c) => `${c.manager} (${c.field})`).join(', ')}</p>}
                {item.message && <p>{item.message}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PushTable({ report }: { report: ClusterPushReport }) {
  return (
    <div className="table-wrap" role="region" aria-label="Push result">
      <p className={report.ok ? 'notice notice-ok' : 'notice notice-warning'}>
        Pushed: {Object.entries(report.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing'}.
      </p>
      <table className="table">
        <thead>
          <tr><th scope="col">Object</th><th scope="col">Outcome</th><th scope="col">Details</th></tr>
        </thead>
        <tbody>
          {report.items.map((item) => (
            <tr key={refLabel(item.ref)}>
              <td className="mono">{item.label}</td>
              <td><span className={`badge outcome-${item.outcome}`}>{item.outcome}</span></td>
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

export function ClusterScreen() {
  const loadWorkspace = useWorkspaceStore((s) => s.load);
  const loadSecrets = useSecretsStore((s) => s.load);
  const [contexts, setContexts] = useState<{ files: string[]; currentContext?: string; contexts: ClusterContext[]; remembered?: { context?: string; namespace?: string } }>();
  const [context, setContext] = useState('');
  const [namespace, setNamespace] = useState('');
  const [report, setReport] = useState<ClusterConnectionReport>();
  const [plan, setPlan] = useState<ClusterPlan>();
  const [push, setPush] = useState<ClusterPushReport>();
  const [candidates, setCandidates] = useState<ClusterPruneCandidate[]>();
  const [pruned, setPruned] = useState<{ label: string; outcome: string; message?: string }[]>();
  const [withSecrets, setWithSecrets] = useState(false);
  const [yaml, setYaml] = useState<string>();
  const [appName, setAppName] = useState('');
  const [appNamespace, setAppNamespace] = useState('kyma-integration');
  const [busy, setBusy] = useState<Busy>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function run<T>(what: Exclude<Busy, undefined>, action: () => Promise<T>): Promise<T | undefined> {
    setBusy(what);
    setError(undefined);
    setNotice(undefined);
    try {
      return await action();
    } catch (e) {
      setError(toFailure(e).message);
      return undefined;
    } finally {
      setBusy(undefined);
    }
  }

  useEffect(() => {
    void run('contexts', async () => {
      const listed = await gatehouse().invoke('cluster:contexts', undefined);
      setContexts(listed);
      // The workspace's last connection first, then the kubeconfig's current context.
      const current = listed.contexts.find((c) => c.name === listed.remembered?.context) ?? listed.contexts.find((c) => c.name === listed.currentContext) ?? listed.contexts[0];
      if (current) {
        setContext(current.name);
        setNamespace(current.name === listed.remembered?.context ? (listed.remembered.namespace ?? current.namespace) : current.namespace);
      }
    });
  }, []);

  const connect = () =>
    run('connect', async () => {
      setPlan(undefined);
      setPush(undefined);
      const request: { context?: string; namespace?: string } = {};
      if (context) request.context = context;
      if (namespace.trim()) request.namespace = namespace.trim();
      setReport(await gatehouse().invoke('cluster:connect', request));
    });

  const preview = () => run('plan', async () => setPlan(await gatehouse().invoke('cluster:plan', undefined)));

  const doPush = (force?: true | ClusterObjectRef[]) =>
    run('push', async () => {
      const result = await gatehouse().invoke('cluster:push', force ? { force } : {});
      setPush(result);
      setPlan(undefined);
    });

  async function forcePush() {
    const conflicted = push?.items.filter((i) => i.outcome === 'conflict') ?? [];
    const managers = [...new Set(conflicted.flatMap((i) => i.conflicts?.map((c) => c.manager) ?? []))];
    const confirmed = await confirmAction({
      title: 'Force the conflicting objects?',
      message: `Gatehouse takes over the fields ${managers.length ? managers.join(', ') : 'another field manager'} set on ${conflicted.map((i) => i.label).join(', ')}. That manager may set them back.`,
      confirmLabel: 'Force push',
      danger: true,
    });
    if (confirmed) await doPush(conflicted.map((i) => i.ref));
  }

  const listPrune = () => run('prune', async () => setCandidates(await gatehouse().invoke('cluster:prune-candidates', undefined)));

  async function prune() {
    if (!candidates || candidates.length === 0) return;
    const confirmed = await confirmAction({
      title: `Delete ${candidates.length} object${candidates.length === 1 ? '' : 's'} from the cluster?`,
      message: `These were pushed from this workspace and are gone from it: ${candidates.map((c) => c.label).join(', ')}.`,
      confirmLabel: 'Delete from cluster',
      danger: true,
    });
    if (!confirmed) return;
    await run('prune', async () => {
      setPruned(await gatehouse().invoke('cluster:prune', { candidates, confirm: true }));
      setCandidates(undefined);
    });
  }

  const exportYaml = () => run('export', async () => setYaml((await gatehouse().invoke('cluster:export', { includeSecretValues: withSecrets })).yaml));

  const importApplication = () =>
    run('import', async () => {
      const result = await gatehouse().invoke('cluster:import-application', { name: appName.trim(), secretNamespace: appNamespace.trim() || 'kyma-integration' });
      if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      await Promise.all([loadWorkspace(), loadSecrets()]);
      setNotice(`Application ${appName.trim()} imported into the workspace; its secrets are in the vault.`);
    });

  const connected = report !== undefined;
  const hasConflicts = push?.items.some((i) => i.outcome === 'conflict') ?? false;
  return (
    <section className="screen" aria-labelledby="cluster-title">
      <ScreenHeader id="cluster" title="Cluster" />
      <div className="cluster-layout">
        <section className="editor" aria-labelledby="cluster-connect-title">
          <h2 id="cluster-connect-title">Connection</h2>
          {contexts && contexts.contexts.length === 0 && <p>No contexts in {contexts.files.join(', ') || 'the kubeconfig'}.</p>}
          <div className="field-grid">
            <Field id="cluster-context" label="Context" hint={contexts ? `From ${contexts.files.join(', ')}` : 'Reading the kubeconfig…'}>
              {(c) => (
                <select {...c} value={context} onChange={(e) => { setContext(e.target.value); setNamespace(contexts?.contexts.find((x) => x.name === e.target.value)?.namespace ?? ''); }}>
                  {contexts?.contexts.map((x) => (
                    <option key={x.name} value={x.name}>{x.name} ({x.server ?? x.cluster}, {x.auth})</option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="cluster-namespace" label="Namespace" hint="Where Secrets go.">
              {(c) => <input {...c} value={namespace} onChange={(e) => setNamespace(e.target.value)} spellCheck={false} />}
            </Field>
          </div>
          <div className="button-row">
            <button type="button" className="primary" disabled={busy !== undefined || !context} onClick={() => void connect()}>Connect &amp; test</button>
            {connected && <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void run('connect', async () => { await gatehouse().invoke('cluster:disconnect', undefined); setReport(undefined); setPlan(undefined); setPush(undefined); })}>Disconnect</button>}
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
            <button type="button" className="secondary" disabled={!connected || busy !== undefined} onClick={() => void preview()}>Preview</button>
            <button type="button" className="primary" disabled={!connected || busy !== undefined} onClick={() => void doPush()}>Push</button>
            {hasConflicts && <button type="button" className="danger-outline" disabled={busy !== undefined} onClick={() => void forcePush()}>Force conflicting objects…</button>}
          </div>
          {plan && <PlanTable plan={plan} />}
          {push && <PushTable report={push} />}
        </section>

        <section className="editor" aria-labelledby="cluster-prune-title">
          <h2 id="cluster-prune-title">Prune</h2>
          <p className="hint">Objects this workspace pushed that are gone from it. Nothing is deleted without confirming.</p>
          <div className="button-row">
            <button type="button" className="secondary" disabled={!connected || busy !== undefined} onClick={() => void listPrune()}>List objects to prune</button>
            {candidates && candidates.length > 0 && <button type="button" className="danger" disabled={busy !== undefined} onClick={() => void prune()}>Delete {candidates.length} object{candidates.length === 1 ? '' : 's'}…</button>}
          </div>
          {candidates && (candidates.length === 0 ? <p>Nothing to prune.</p> : <ul className="plain-list mono" aria-label="Objects to prune">{candidates.map((c) => <li key={refLabel(c.ref)}>{c.label}</li>)}</ul>)}
          {pruned && <ul className="plain-list" aria-label="Prune result">{pruned.map((p) => <li key={p.label}>{p.label}: {p.outcome}{p.message ? ` (${p.message})` : ''}</li>)}</ul>}
        </section>

        <section className="editor" aria-labelledby="cluster-export-title">
          <h2 id="cluster-export-title">Export YAML</h2>
          <CheckboxField id="cluster-export-secrets" label="Include secret values" hint="The YAML then holds passwords and keys in plain base64: keep it out of Git and chats." checked={withSecrets} onChange={setWithSecrets} />
          {withSecrets && <p role="alert" className="notice notice-warning">The export will contain secret values.</p>}
          <div className="button-row">
            <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void exportYaml()}>Export YAML</button>
          </div>
          {yaml !== undefined && (
            <Field id="cluster-export-yaml" label="kubectl apply -f ready YAML">
              {(c) => <textarea {...c} className="mono" rows={10} readOnly value={yaml} />}
            </Field>
          )}
        </section>

        <section className="editor" aria-labelledby="cluster-import-title">
          <h2 id="cluster-import-title">Import an Application</h2>
          <div className="field-grid">
            <Field id="cluster-app-name" label="Application name">
              {(c) => <input {...c} value={appName} onChange={(e) => setAppName(e.target.value)} spellCheck={false} />}
            </Field>
            <Field id="cluster-app-secret-namespace" label="Secret namespace">
              {(c) => <input {...c} value={appNamespace} onChange={(e) => setAppNamespace(e.target.value)} spellCheck={false} />}
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
