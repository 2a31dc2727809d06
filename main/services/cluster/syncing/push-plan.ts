// Preview: a server-side dry run of every object, compared with what the cluster has.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ClusterError } from '../cluster-errors';
import { diffObjects, type FieldChange } from './object-diff';
import { fieldConflicts, type FieldConflict } from './field-conflicts';
import { fieldOwnershipChange } from './field-ownership';
import { KindNotServedError, ObjectClient, ObjectWriteError, secretValues } from './object-client';
import { refKey, refLabel, refOf, type DesiredObject, type ObjectRef } from '../objects/object-model';

/** `skipped`: a push would keep it back, because a Secret it needs is invalid or in conflict (as push.ts does). */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'invalid' | 'unsupported' | 'skipped';

export interface PlanItem {
  ref: ObjectRef;
  label: string;
  action: PlanAction;
  /** For create/update, and for conflict (what forcing would change). */
  changes: FieldChange[];
  conflicts?: FieldConflict[];
  /** The API server's message for invalid, the reason for unsupported. */
  message?: string;
}

export interface PushPlan {
  items: PlanItem[];
  /** True when pushing would change nothing. */
  upToDate: boolean;
}

async function planOne(client: ObjectClient, desired: DesiredObject): Promise<PlanItem> {
  const ref = refOf(desired.object);
  const base = { ref, label: refLabel(ref) };
  try {
    const live = await client.read(ref);
    try {
      const result = await client.apply(desired.object, { dryRun: true, force: false, ref });
      const changes = diffObjects(live, result);
      // Same values, but the apply would still write the object: Gatehouse takes the fields another manager set.
      const ownership = live && changes.length === 0 ? fieldOwnershipChange(live, result) : undefined;
      if (ownership) changes.push(ownership);
      return { ...base, action: !live ? 'create' : changes.length ? 'update' : 'unchanged', changes };
    } catch (error) {
      const conflicts = error instanceof ObjectWriteError ? fieldConflicts(error.status) : undefined;
      if (!conflicts) throw error;
      const forced = await client.apply(desired.object, { dryRun: true, force: true, ref });
      return { ...base, action: 'conflict', changes: diffObjects(live, forced), conflicts, message: (error as ObjectWriteError).status.message };
    }
  } catch (error) {
    if (error instanceof KindNotServedError) return { ...base, action: 'unsupported', changes: [], message: error.message };
    if (error instanceof ObjectWriteError) return { ...base, action: 'invalid', changes: [], message: error.status.message };
    throw error;
  }
}

/** Why a planned object would not make it into the cluster, by its action; undefined for one that would. */
export const KEPT_BACK: Partial<Record<PlanAction, string>> = { invalid: 'would be refused', conflict: 'has a field conflict', skipped: 'would be skipped' };

/** Connection-level failures (unreachable, 401, timeout) abort the plan; per-object refusals are items. */

export async function planPush(connection: ClusterConnection, desired: readonly DesiredObject[], onItem?: (item: PlanItem) => void): Promise<PushPlan> {
  const client = new ObjectClient(connection, secretValues(desired.map((d) => d.object)));
  const items: PlanItem[] = [];
  const keptBack = new Map<string, string>();
  for (const d of desired) {
    let item: PlanItem;
    try {
      item = await planOne(client, d);
    } catch (error) {
      if (!(error instanceof ClusterError && error.code === 'GATEHOUSE_CLUSTER_FORBIDDEN')) throw error;
      const ref = refOf(d.object);
      item = { ref, label: refLabel(ref), action: 'invalid', changes: [], message: error.message };
    }
    // What a push would do: a Secret that would not make it keeps back what references it (push.ts).
    const blocker = d.dependsOn.find((dep) => keptBack.has(refKey(dep)));
    if (blocker) item = { ...item, action: 'skipped', message: `would not be pushed because ${refLabel(blocker)} ${keptBack.get(refKey(blocker))}` };
    const why = KEPT_BACK[item.action];
    if (why) keptBack.set(refKey(item.ref), why);
    items.push(item);
    onItem?.(item);
  }
  return { items, upToDate: items.every((i) => i.action === 'unchanged') };
}
