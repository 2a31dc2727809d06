// Services and their routes: the list on the left, the selected item's form on the right.
import type { Workspace } from '../../../gateway/config/schema';
import { kymaServiceSegment } from '../../../gateway/config/kyma-services';
import { effectiveBasicAuth } from '../../../gateway/config/effective-basic-auth';
import { joinPaths } from '../../../gateway/config/route-paths';
import { useWorkspaceStore } from '../state/workspace-store';
import { RouteForm } from '../forms/RouteForm';
import { KymaApplicationForm } from '../forms/KymaApplicationForm';
import { ServiceForm } from '../forms/ServiceForm';
import { NotServedBadge } from '../components/ServedConfig';
import { useItemEditor } from '../components/item-editor';
import { leftOutAt } from '../model/served-config';
import { useStatusStore } from '../state/status-store';
import { ScreenHeader } from './ScreenHeader';

type Selection =
  | { kind: 'service'; name: string }
  | { kind: 'new-service' }
  | { kind: 'route'; name: string; service: string }
  | { kind: 'new-route'; service: string }
  | { kind: 'application'; name: string }
  | { kind: 'new-application' };

function upstreamLabel(service: Workspace['services'][number]): string {
  const u = service.upstream;
  return 'url' in u ? u.url : `${u.serviceInfo.namespace}/${u.serviceInfo.name}${u.serviceInfo.port ? `:${u.serviceInfo.port}` : ''}`;
}

/** Kyma Applications (imported or added here): served at /{application}/{service}/...; selecting one opens its form. */
function KymaApplications({ applications, selected, onSelect }: { applications: Workspace['applications']; selected: string | undefined; onSelect: (name: string) => void }) {
  const gateway = useStatusStore((s) => s.gateway);
  if (applications.length === 0) return null;
  return (
    <div className="app-list" role="region" aria-label="Kyma applications">
      <h2 className="list-heading">Kyma applications</h2>
      <ul className="tree">
        {applications.map((a, ai) => (
          <li key={a.name}>
            <button type="button" className="item" aria-current={selected === a.name ? 'true' : undefined} onClick={() => onSelect(a.name)}>
              <span className="item-title">{a.name}</span> <span className="item-meta">secrets in {a.namespace}{a.skipVerify ? ', TLS verification off' : ''}</span>
            </button>
            <ul className="plain-list">
              {a.services.map((s, si) => {
                const entry = s.entries[0]!;
                return (
                  <li key={s.id}>
                    <button type="button" className="item-link" onClick={() => onSelect(a.name)} aria-label={`${s.displayName}, service of ${a.name}`}>
                      <span>{s.displayName}</span>{' '}
                      <span className="mono">/{a.name}/{kymaServiceSegment(s.displayName)}/ → {entry.targetUrl}</span>
                    </button>{' '}
                    <NotServedBadge item={leftOutAt(gateway, `applications[${ai}].services[${si}]`)} />
                    {entry.credentials && <span className="badge badge-auth">{entry.credentials.type} ({entry.credentials.secretName})</span>}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

const BACKEND_LABEL = { basic: 'backend: Basic', 'oauth2-client-credentials': 'backend: OAuth', 'client-certificate': 'backend: client cert' } as const;

/** How the gateway authenticates to the backend, as Kyma entries show their credential type. */
function BackendBadge({ service }: { service: Workspace['services'][number] }) {
  const type = service.endpointSecurity?.type;
  return type ? <span className="badge badge-backend" title={`Secret ${service.endpointSecurity!.secret}`}>{BACKEND_LABEL[type]}</span> : null;
}

function AuthBadge({ on }: { on: boolean }) {
  return on ? <span className="badge badge-auth">basic auth</span> : null;
}

export function ServicesScreen() {
  const workspace = useWorkspaceStore((s) => s.workspace);
  const gateway = useStatusStore((s) => s.gateway);
  // Opened from a "not served" notice elsewhere: `services[i]`, `routes[i]` or `applications[i]`.
  const { selection, editor, detailRef, choose, show } = useItemEditor<Selection>({
    fromTarget(target) {
      const ws = useWorkspaceStore.getState().workspace;
      const m = target.kind === 'item' ? /^(services|routes|applications)\[(\d+)\]$/.exec(target.path) : null;
      if (!m || !ws) return undefined;
      const i = Number(m[2]);
      return m[1] === 'services' && ws.services[i] ? { kind: 'service', name: ws.services[i].name }
        : m[1] === 'routes' && ws.routes[i] ? { kind: 'route', name: ws.routes[i].name, service: ws.routes[i].service }
        : m[1] === 'applications' && ws.applications[i] ? { kind: 'application', name: ws.applications[i].name }
        : undefined;
    },
  });

  if (!workspace) return <ScreenHeader id="services" title="Services & routes" />;

  const isSelected = (kind: Selection['kind'], name: string) => selection?.kind === kind && 'name' in selection && selection.name === name;
  const service = selection?.kind === 'service' ? workspace.services.find((s) => s.name === selection.name) : undefined;
  const route = selection?.kind === 'route' ? workspace.routes.find((r) => r.name === selection.name) : undefined;
  const application = selection?.kind === 'application' ? workspace.applications.find((a) => a.name === selection.name) : undefined;
  const applicationList = (
    <KymaApplications applications={workspace.applications} selected={selection?.kind === 'application' ? selection.name : undefined} onSelect={(name) => choose({ kind: 'application', name })} />
  );

  let detail;
  // A form stays mounted while its item is selected, even in the moment a rename is saved and the list
  // no longer holds the old name.
  if (selection?.kind === 'new-service' || selection?.kind === 'service') {
    detail = <ServiceForm key={editor} original={service} workspace={workspace} onSaved={(name) => show({ kind: 'service', name })} onDeleted={() => show(undefined)} />;
  } else if (selection?.kind === 'new-route' || selection?.kind === 'route') {
    const parent = route?.service ?? selection.service;
    detail = <RouteForm key={editor} original={route} service={parent} workspace={workspace} onSaved={(name, service) => show({ kind: 'route', name, service })} onDeleted={() => show(undefined)} />;
  } else if (selection?.kind === 'new-application' || selection?.kind === 'application') {
    detail = <KymaApplicationForm key={editor} original={application} workspace={workspace} onSaved={(name) => show({ kind: 'application', name })} onDeleted={() => show(undefined)} />;
  } else {
    detail = (
      <div className="detail-empty">
        {workspace.services.length === 0 ? (
          <>
            <h2>No services yet</h2>
            <p>A service is an upstream the gateway forwards to, under a path prefix. Routes inside it pick paths and methods; basic auth can protect the whole service or single routes. Start with <strong>New service</strong>.</p>
          </>
        ) : (
          <p>Select a service, a route or a Kyma application to edit it.</p>
        )}
      </div>
    );
  }

  return (
    <section className="screen" aria-labelledby="services-title">
      <ScreenHeader id="services" title="Services & routes">
        <button type="button" className="secondary" onClick={() => choose({ kind: 'new-application' })}>Add Kyma application</button>
        <button type="button" className="primary" onClick={() => choose({ kind: 'new-service' })}>New service</button>
      </ScreenHeader>
      {workspace.services.length === 0 && !selection ? (
        <>
          {detail}
          {applicationList}
        </>
      ) : (
        <div className="master-detail">
          <div className="item-list" role="region" aria-label="Service and route list">
            {workspace.services.length === 0 && <p className="empty">No services yet.</p>}
            <ul className="tree">
              {workspace.services.map((s, si) => {
                const routes = workspace.routes.filter((r) => r.service === s.name);
                return (
                  <li key={s.name}>
                    <button type="button" className="item" aria-current={isSelected('service', s.name) ? 'true' : undefined} onClick={() => choose({ kind: 'service', name: s.name })}>
                      <span className="item-title">{s.name} <AuthBadge on={routes.length === 0 && effectiveBasicAuth(undefined, s) !== undefined} /> <BackendBadge service={s} /> <NotServedBadge item={leftOutAt(gateway, `services[${si}]`)} /></span>
                      <span className="item-meta mono">{s.pathPrefix} → {upstreamLabel(s)}</span>
                    </button>
                    <ul className="tree-children" aria-label={`Routes of ${s.name}`}>
                      {routes.map((r) => (
                        <li key={r.name}>
                          <button type="button" className="item item-child" aria-current={isSelected('route', r.name) ? 'true' : undefined} onClick={() => choose({ kind: 'route', name: r.name, service: r.service })}>
                            <span className="item-title">{r.name} <AuthBadge on={effectiveBasicAuth(r, s) !== undefined} /> <NotServedBadge item={leftOutAt(gateway, `routes[${workspace.routes.indexOf(r)}]`)} /></span>
                            <span className="item-meta mono">{r.methods?.join(' ') ?? 'any'} {joinPaths(s.pathPrefix, r.path)}{r.match === 'prefix' ? ' (prefix)' : ''}</span>
                          </button>
                        </li>
                      ))}
                      <li>
                        <button type="button" className="item item-child item-add" onClick={() => choose({ kind: 'new-route', service: s.name })}>
                          + Add route to {s.name}
                        </button>
                      </li>
                    </ul>
                  </li>
                );
              })}
            </ul>
            {applicationList}
          </div>
          <div className="detail" ref={detailRef}>{detail}</div>
        </div>
      )}
    </section>
  );
}
