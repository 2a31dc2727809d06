// What one push covers, the same for the app's preview and the CLI's `plan`/`push`: every object with its action,
// and every workspace item as pushed, skipped (with why) or not applicable, so nothing is left out unsaid.
// Objects of kinds the cluster does not serve are not sent; neither are Secrets only such objects use.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { TARGET_KINDS, type ClusterTargets, type TargetName } from '../connecting/cluster-targets';
import { refKey, refLabel, refOf, type DesiredObject, type ObjectRef } from '../objects/object-model';
import { KEPT_BACK, planPush, type PlanItem } from './push-plan';
import { pushObjects, type PushItemResult, type PushOptions, type PushOutcome } from './push';

export type WorkspaceItemKind = 'service' | 'route' | 'consumer' | 'application';
export type WorkspaceItemStatus = 'pushed' | 'skipped' | 'not-applicable';

/** One item of the workspace and what the push makes of it. */
export interface WorkspaceItemPlan {
  kind: WorkspaceItemKind;
  name: string;
  status: WorkspaceItemStatus;
  /** The objects it becomes (for `pushed`). */
  objects: ObjectRef[];
  /** Why it is skipped or not applicable; for `pushed`, what of it does not reach the cluster. */
  reason?: string;
}

/** An object Gatehouse builds but does not send to this cluster, and why. */
export interface LeftOutObject {
  ref: ObjectRef;
  label: string;
  reason: string;
}

export interface ClusterPreview {
  items: PlanItem[];
  workspaceItems: WorkspaceItemPlan[];
  /** True when pushing would change nothing. */
  upToDate: boolean;
}

export interface ClusterPushResult {
  items: PushItemResult[];
  workspaceItems: WorkspaceItemPlan[];
  ok: boolean;
  counts: Record<PushOutcome, number>;
}

const TARGET_NAMES: Record<TargetName, string> = {
  kymaApplications: 'Kyma Applications',
  apkBackends: 'WSO2 APK Backends',
  apisix: 'APISIX consumers and routes',
};

function targetOf(ref: ObjectRef): TargetName | undefined {
  for (const [target, kinds] of Object.entries(TARGET_KINDS) as [TargetName, readonly { groupVersion: string; kind: string }[]][]) {
    if (kinds.some((k) => k.groupVersion === ref.apiVersion && k.kind === ref.kind)) return target;
  }
  return undefined;
}

/** Names the kinds discovery did not find, which need not be `ref`'s own (APISIX's routes and consumers go together). */
function notServed(target: TargetName, ref: ObjectRef, targets: ClusterTargets): string {
  const absent = targets.missing?.[target] ?? [{ groupVersion: ref.apiVersion, kind: ref.kind }];
  return `this cluster does not serve ${TARGET_NAMES[target]} (no ${absent.map((k) => `${k.kind} CRD in ${k.groupVersion}`).join(', no ')})`;
}

export interface TargetedObjects {
  send: DesiredObject[];
  leftOut: LeftOutObject[];
  workspaceItems: WorkspaceItemPlan[];
}

/** Splits the objects into those this cluster takes and those it does not, and says so on the workspace items. */
export function limitToTargets(desired: readonly DesiredObject[], workspaceItems: readonly WorkspaceItemPlan[], targets: ClusterTargets): TargetedObjects {
  const leftOut = new Map<string, LeftOutObject>();
  for (const d of desired) {
    const ref = refOf(d.object);
    const target = targetOf(ref);
    if (target && !targets[target]) leftOut.set(refKey(ref), { ref, label: refLabel(ref), reason: notServed(target, ref, targets) });
  }
  // A Secret goes only when something sent uses it; one nothing references at all still goes (as before).
  const users = new Map<string, ObjectRef[]>();
  for (const d of desired) for (const dep of d.dependsOn) users.set(refKey(dep), [...(users.get(refKey(dep)) ?? []), refOf(d.object)]);
  for (const d of desired) {
    const ref = refOf(d.object);
    const usedBy = users.get(refKey(ref));
    if (ref.kind !== 'Secret' || !usedBy || !usedBy.every((u) => leftOut.has(refKey(u)))) continue;
    leftOut.set(refKey(ref), { ref, label: refLabel(ref), reason: `used only by ${usedBy.map(refLabel).join(', ')}, which this cluster does not serve` });
  }
  const items = workspaceItems.map((item): WorkspaceItemPlan => {
    if (item.status !== 'pushed') return item;
    const missing = item.objects.filter((o) => o.kind !== 'Secret' && leftOut.has(refKey(o)));
    if (missing.length === 0) return item;
    const why = [...new Set(missing.map((o) => leftOut.get(refKey(o))!.reason))].join('; ');
    const kept = item.objects.filter((o) => !leftOut.has(refKey(o)));
    if (kept.some((o) => o.kind !== 'Secret')) return { ...item, objects: kept, reason: [item.reason, `${missing.map(refLabel).join(', ')} not pushed: ${why}`].filter(Boolean).join('; ') };
    return { kind: item.kind, name: item.name, status: 'not-applicable', objects: [], reason: why };
  });
  return { send: desired.filter((d) => !leftOut.has(refKey(refOf(d.object)))), leftOut: [...leftOut.values()], workspaceItems: items };
}

/** In the order the objects were built: the sent ones with their results, the left-out ones in between. */
function inBuildOrder<T extends { ref: ObjectRef }>(desired: readonly DesiredObject[], results: readonly T[], leftOut: readonly T[]): T[] {
  const byKey = new Map<string, T>([...results, ...leftOut].map((r) => [refKey(r.ref), r] as const));
  const ordered = desired.map((d) => byKey.get(refKey(refOf(d.object)))).filter((x): x is T => x !== undefined);
  // Results for objects the build order does not hold (none today) are kept rather than dropped.
  return [...ordered, ...results.filter((r) => !ordered.includes(r))];
}

/** The server-side dry run of what this cluster takes, with the rest said. */
export async function previewPush(connection: ClusterConnection, targeted: TargetedObjects, desired: readonly DesiredObject[], onItem?: (item: PlanItem) => void): Promise<ClusterPreview> {
  const plan = await planPush(connection, targeted.send, onItem);
  const leftOut = targeted.leftOut.map((l): PlanItem => ({ ref: l.ref, label: l.label, action: 'unsupported', changes: [], message: l.reason }));
  for (const item of leftOut) onItem?.(item);
  const items = inBuildOrder(desired, plan.items, leftOut);
  const keptBack = plan.items.flatMap((i) => (KEPT_BACK[i.action] ? [{ label: i.label, ref: i.ref, why: KEPT_BACK[i.action]!, message: i.message }] : []));
  return { items, workspaceItems: targeted.workspaceItems.map((item) => withObjectsKeptBack(item, keptBack, 'would not be pushed')), upToDate: plan.upToDate };
}

/** Server-side apply of what this cluster takes; what it does not take is reported, and is no failure. */
export async function pushTargeted(connection: ClusterConnection, targeted: TargetedObjects, options: PushOptions = {}): Promise<ClusterPushResult> {
  const report = await pushObjects(connection, targeted.send, options);
  // Push order (Secrets first) is kept: it is the order things happened in.
  const items = [...report.items];
  for (const l of targeted.leftOut) {
    const item: PushItemResult = { ref: l.ref, label: l.label, outcome: 'unsupported', message: l.reason };
    items.splice(insertAt(items, l.ref), 0, item);
    options.onItem?.(item);
  }
  const notPushed = report.items.flatMap((r) => (r.outcome === 'failed' || r.outcome === 'conflict' || r.outcome === 'skipped' ? [{ ...r, why: r.outcome === 'conflict' ? 'has a field conflict' : r.outcome }] : []));
  return { items, workspaceItems: targeted.workspaceItems.map((item) => withObjectsKeptBack(item, notPushed, 'not pushed')), ok: report.ok, counts: { ...report.counts, unsupported: targeted.leftOut.length } };
}

/** An object that did not (push) or would not (plan) make it into the cluster, and why. */
interface KeptBackObject {
  ref: ObjectRef;
  label: string;
  why: string;
  message?: string;
}

/**
 * A workspace item as the push left it, or as the plan says it would: `pushed` only when every object it becomes
 * makes it; otherwise skipped, naming the objects that do not and why, in push order.
 */
function withObjectsKeptBack(item: WorkspaceItemPlan, keptBack: readonly KeptBackObject[], heading: string): WorkspaceItemPlan {
  if (item.status !== 'pushed') return item;
  const own = new Set(item.objects.map(refKey));
  const missed = keptBack.filter((r) => own.has(refKey(r.ref)));
  if (missed.length === 0) return item;
  const why = missed.map((r) => `${r.label} ${r.why}${r.message ? ` (${r.message})` : ''}`);
  return { ...item, status: 'skipped', reason: `${heading}: ${why.join('; ')}` };
}

/** After the last pushed object of the same kind, so the list still reads Secrets first. */
function insertAt(items: readonly PushItemResult[], ref: ObjectRef): number {
  let at = -1;
  items.forEach((item, i) => {
    if (item.ref.kind === ref.kind) at = i;
  });
  return at === -1 ? (ref.kind === 'Secret' ? 0 : items.length) : at + 1;
}
