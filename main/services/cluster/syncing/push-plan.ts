// Preview: a server-side dry run of every object, compared with what the cluster has.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ClusterError } from '../cluster-errors';
import { diffObjects, type FieldChange } from './object-diff';
import { fieldConflicts, type FieldConflict } from './field-conflicts';
import { KindNotServedError, ObjectClient, ObjectWriteError } from './object-client';
import { refLabel, refOf, type DesiredObject, type ObjectRef } from '../objects/object-model';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'invalid' | 'unsupported';

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

/** Connection-level failures (unreachable, 401, timeout) abort the plan; per-object refusals are items. */
export async function planPush(connection: ClusterConnection, desired: readonly DesiredObject[], onItem?: (item: PlanItem) => void): Promise<PushPlan> {
  const client = new ObjectClient(connection);
  const items: PlanItem[] = [];
  for (const d of desired) {
    try {
      items.push(await planOne(client, d));
    } catch (error) {
      if (error instanceof ClusterError && error.code === 'GATEHOUSE_CLUSTER_FORBIDDEN') {
        const ref = refOf(d.object);
        items.push({ ref, label: refLabel(ref), action: 'invalid', changes: [], message: error.message });
      } else throw error;
    }
    onItem?.(items[items.length - 1]!);
  }
  return { items, upToDate: items.every((i) => i.action === 'unchanged') };
}
