// Push: server-side apply of every object as field manager `gatehouse`, Secrets first; a Secret that did not
// make it keeps back everything that references it. Each object gets its own outcome.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ClusterError } from '../cluster-errors';
import { GatehouseError } from '../../../../gateway/errors/gatehouse-error';
import { fieldConflicts, type FieldConflict } from './field-conflicts';
import { KindNotServedError, ObjectClient, ObjectWriteError, secretValues } from './object-client';
import { refKey, refLabel, refOf, type DesiredObject, type ObjectRef } from '../objects/object-model';

/** `unsupported`: not sent, the cluster does not serve its kind (see cluster-preview.ts); no failure. */
export type PushOutcome = 'created' | 'updated' | 'unchanged' | 'conflict' | 'failed' | 'skipped' | 'unsupported';

export interface PushItemResult {
  ref: ObjectRef;
  label: string;
  outcome: PushOutcome;
  /** The API server's message (failed, conflict), or why it was skipped. */
  message?: string;
  /** HTTP status of a refusal. */
  status?: number;
  conflicts?: FieldConflict[];
}

/**
 * A push that stopped midway (its token refused, the cluster gone): the cause's code and message, and what it had
 * already done, which the cluster keeps, said in the message too, so that a screen showing only the message
 * does not let the user think nothing happened.
 */
export class PushStoppedError extends GatehouseError {
  readonly code: string;
  constructor(readonly stoppedBy: GatehouseError, readonly done: readonly PushItemResult[]) {
    super(`${stoppedBy.message}. The push stopped after ${done.map((item) => `${item.label} (${item.outcome})`).join(', ')}`, { cause: stoppedBy, hint: stoppedBy.hint });
    this.name = 'PushStoppedError';
    this.code = stoppedBy.code;
  }
}

export interface PushReport {
  items: PushItemResult[];
  ok: boolean;
  counts: Record<PushOutcome, number>;
}

export interface PushOptions {
  /** Take over fields other managers own: everywhere (true) or for these objects only. */
  force?: boolean | readonly ObjectRef[];
  /** Told each object's result as it comes (the CLI's progress line). */
  onItem?: (item: PushItemResult) => void;
}

function forced(option: PushOptions['force'], ref: ObjectRef): boolean {
  if (option === true) return true;
  if (!option) return false;
  return option.some((r) => refKey(r) === refKey(ref));
}

async function pushOne(client: ObjectClient, desired: DesiredObject, force: boolean): Promise<PushItemResult> {
  const ref = refOf(desired.object);
  const base = { ref, label: refLabel(ref) };
  try {
    const before = await client.read(ref);
    const after = await client.apply(desired.object, { dryRun: false, force, ref });
    if (!before) return { ...base, outcome: 'created' };
    return { ...base, outcome: after.metadata.resourceVersion === before.metadata.resourceVersion ? 'unchanged' : 'updated' };
  } catch (error) {
    if (error instanceof ObjectWriteError) {
      const conflicts = fieldConflicts(error.status);
      if (conflicts) return { ...base, outcome: 'conflict', message: error.status.message, status: 409, conflicts };
      return { ...base, outcome: 'failed', message: error.status.message, status: error.status.code };
    }
    if (error instanceof KindNotServedError) return { ...base, outcome: 'failed', message: error.message };
    if (error instanceof ClusterError && error.code === 'GATEHOUSE_CLUSTER_FORBIDDEN') return { ...base, outcome: 'failed', message: error.message, status: 403 };
    throw error;
  }
}

/** Unreachable, 401 and timeouts abort the push (and throw); everything else is reported per object. */
export async function pushObjects(connection: ClusterConnection, desired: readonly DesiredObject[], options: PushOptions = {}): Promise<PushReport> {
  const client = new ObjectClient(connection, secretValues(desired.map((d) => d.object)));
  const ordered = [...desired].sort((a, b) => Number(b.object.kind === 'Secret') - Number(a.object.kind === 'Secret'));
  const notPushed = new Map<string, string>();
  const items: PushItemResult[] = [];
  for (const d of ordered) {
    const ref = refOf(d.object);
    const blocker = d.dependsOn.find((dep) => notPushed.has(refKey(dep)));
    if (blocker) {
      const result: PushItemResult = { ref, label: refLabel(ref), outcome: 'skipped', message: `not pushed because ${refLabel(blocker)} ${notPushed.get(refKey(blocker))}` };
      items.push(result);
      options.onItem?.(result);
      notPushed.set(refKey(ref), 'was skipped');
      continue;
    }
    const result = await pushOne(client, d, forced(options.force, ref));
    if (result.outcome === 'failed' || result.outcome === 'conflict') notPushed.set(refKey(ref), result.outcome === 'failed' ? 'failed' : 'has a field conflict');
    items.push(result);
    options.onItem?.(result);
  }
  const counts: Record<PushOutcome, number> = { created: 0, updated: 0, unchanged: 0, conflict: 0, failed: 0, skipped: 0, unsupported: 0 };
  for (const item of items) counts[item.outcome]++;
  return { items, ok: counts.conflict + counts.failed + counts.skipped === 0, counts };
}
