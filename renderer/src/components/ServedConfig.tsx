// How the app shows that the gateway does not serve exactly the saved workspace: a banner (Try it and Traffic,
// where answers would otherwise not match the screens), a badge on the items left out in their lists, and a
// notice at the top of such an item's form. Each says why and offers the way to the fix.
import type { LeftOutItem } from '../../../main/ipc/contract';
import { leftOutAt, leftOutReason, leftOutUnder, servedSummary } from '../model/served-config';
import { useNavigationStore, type NavigationTarget } from '../state/navigation-store';
import { useStatusStore } from '../state/status-store';

/** Where the fix is: the secret to enter, else the item's form. */
export function fixTarget(item: LeftOutItem): { screen: 'secrets' | 'services' | 'consumers'; target: NavigationTarget; label: string } {
  if (item.secret) return { screen: 'secrets', target: { kind: 'secret', name: item.secret.name, namespace: item.secret.namespace, keys: item.secret.key ? [item.secret.key] : undefined }, label: `${item.secret.invalid ? 'Fix' : 'Enter'} secret ${item.secret.name}` };
  return { screen: item.kind === 'consumer' ? 'consumers' : 'services', target: { kind: 'item', path: item.path.replace(/\.services\[\d+\]$/, '') }, label: `Open ${item.kind === 'consumer' ? 'consumer' : 'service'} ${item.name}` };
}

export function FixButton({ item, className = 'secondary small' }: { item: LeftOutItem; className?: string }) {
  const navigate = useNavigationStore((s) => s.navigate);
  const fix = fixTarget(item);
  return (
    <button type="button" className={className} onClick={() => void navigate(fix.screen, fix.target)}>
      {fix.label}
    </button>
  );
}

/** For Try it and Traffic: shown while the gateway serves an older configuration or leaves items out. */
export function ServedConfigBanner() {
  const gateway = useStatusStore((s) => s.gateway);
  const summary = servedSummary(gateway);
  if (summary.kind === 'all' || gateway.state !== 'running') return null;
  const first = summary.kind === 'partial' ? (summary.leftOut.find((i) => i.kind !== 'route') ?? summary.leftOut[0]) : undefined;
  return (
    <div className="banner banner-warning" role="region" aria-label="Served configuration">
      <p>
        <strong>{summary.headline}.</strong> {summary.kind === 'older' ? 'Answers here come from the configuration the gateway still runs, not the one on screen: ' : 'Requests to the items left out are not served as configured: '}
        <span className="banner-detail">{summary.reason}</span>
      </p>
      {first && <FixButton item={first} />}
    </div>
  );
}

/** A badge for an item of a list that the gateway leaves out. */
export function NotServedBadge({ item }: { item: LeftOutItem | undefined }) {
  if (!item) return null;
  return (
    <span className="badge badge-warning" title={`Not served: ${leftOutReason(item)}`}>
      not served
    </span>
  );
}

export function useLeftOut(path: string | undefined): LeftOutItem | undefined {
  return useStatusStore((s) => (path === undefined ? undefined : leftOutAt(s.gateway, path)));
}

export function useLeftOutUnder(path: string | undefined): LeftOutItem[] {
  const gateway = useStatusStore((s) => s.gateway);
  return path === undefined ? [] : leftOutUnder(gateway, path);
}

/** At the top of a form whose item the gateway leaves out (or any form while it runs an older configuration). */
export function NotServedNotice({ items }: { items: readonly LeftOutItem[] }) {
  const gateway = useStatusStore((s) => s.gateway);
  const older = servedSummary(gateway);
  if (items.length === 0 && older.kind !== 'older') return null;
  return (
    <div className="notice notice-warning not-served" role="note">
      {older.kind === 'older' ? (
        <p><strong>{older.headline}:</strong> what is saved here is not applied yet ({older.reason}).</p>
      ) : (
        items.map((item) => (
          <p key={item.path}>
            <strong>Not served:</strong> {leftOutReason(item)}. <FixButton item={item} className="link-button" />
          </p>
        ))
      )}
    </div>
  );
}
