// Prune: objects labelled as this workspace's that the workspace no longer has. Listing is separate from
// deleting, and deleting needs `confirm: true`; each deletion is conditional on the object being unchanged.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ClusterError, NotConfirmedError } from '../cluster-errors';
import { ObjectClient, ObjectWriteError, type LiveObject } from './object-client';
import { refKey, refLabel, refOf, type DesiredObject, type ObjectRef } from '../objects/object-model';
import { PUSH_NAMESPACE_LABEL, SHARED_PUSH_NAMESPACE, ownershipSelector } from '../objects/ownership-labels';
import { detectTargets, TARGET_KINDS, type ClusterTargets } from '../connecting/cluster-targets';
import { counted } from '../../../../gateway/config/counted';

export interface PruneCandidate {
  ref: ObjectRef;
  label: string;
  uid?: string;
  resourceVersion?: string;
}

export interface PruneResult {
  ref: ObjectRef;
  label: string;
  outcome: 'deleted' | 'gone' | 'failed';
  message?: string;
}

export interface PruneScope {
  workspace: string;
  /** The namespace the push is aimed at: only what was pushed there is pruned (PUSH_NAMESPACE_LABEL). */
  pushNamespace: string;
  /**
   * Namespaces to look in for namespaced kinds when the user may not list across all of them; the desired objects'
   * namespaces are always included.
   */
  namespaces: readonly string[];
}

/** `targets`: what the cluster serves, when the caller has asked already. */
export async function findPruneCandidates(connection: ClusterConnection, desired: readonly DesiredObject[], scope: PruneScope, targets?: ClusterTargets): Promise<PruneCandidate[]> {
  const client = new ObjectClient(connection);
  const selector = ownershipSelector(scope.workspace);
  const keep = new Set(desired.map((d) => refKey(refOf(d.object))));
  const namespaces = [...new Set([...scope.namespaces, ...desired.map((d) => d.object.metadata.namespace).filter((n): n is string => !!n)])].sort();
  const served = targets ?? (await detectTargets(connection));
  const kinds: { apiVersion: string; kind: string; namespaced: boolean }[] = [{ apiVersion: 'v1', kind: 'Secret', namespaced: true }];
  if (served.kymaApplications) kinds.push({ apiVersion: TARGET_KINDS.kymaApplications[0].groupVersion, kind: 'Application', namespaced: false });
  if (served.apkBackends) kinds.push({ apiVersion: TARGET_KINDS.apkBackends[0].groupVersion, kind: 'Backend', namespaced: true });
  if (served.apisix) for (const k of TARGET_KINDS.apisix) kinds.push({ apiVersion: k.groupVersion, kind: k.kind, namespaced: true });

  const candidates: PruneCandidate[] = [];
  for (const kind of kinds) {
    for (const item of await listLabelled(client, kind, selector, namespaces)) {
      const ref = refOf(item);
      if (keep.has(refKey(ref)) || !pushedTo(item, scope.pushNamespace, namespaces)) continue;
      candidates.push({
        ref,
        label: refLabel(ref),
        ...(item.metadata.uid ? { uid: item.metadata.uid } : {}),
        ...(item.metadata.resourceVersion ? { resourceVersion: item.metadata.resourceVersion } : {}),
      });
    }
  }
  return candidates;
}

/**
 * Whether `item` was pushed to `pushNamespace`, or is one every push namespace shares (SHARED_PUSH_NAMESPACE). An
 * object pushed before the label existed counts when it lies in a namespace this push uses, or is cluster-wide — as
 * prune listed before — so an old push is still pruned there.
 */
function pushedTo(item: LiveObject, pushNamespace: string, namespaces: readonly string[]): boolean {
  const label = item.metadata.labels?.[PUSH_NAMESPACE_LABEL];
  if (label !== undefined) return label === pushNamespace || label === SHARED_PUSH_NAMESPACE;
  return item.metadata.namespace === undefined || namespaces.includes(item.metadata.namespace);
}

/**
 * The objects of a kind carrying the selector's labels: of a namespaced kind, in every namespace at once (the
 * Secrets of an Application the workspace no longer has are in a namespace nothing in the workspace names now),
 * or, where the user may not list across namespaces, in `namespaces`.
 */
async function listLabelled(client: ObjectClient, kind: { apiVersion: string; kind: string; namespaced: boolean }, selector: string, namespaces: readonly string[]): Promise<LiveObject[]> {
  try {
    return await client.list(kind.apiVersion, kind.kind, undefined, selector);
  } catch (error) {
    if (!kind.namespaced || !(error instanceof ClusterError && error.code === 'GATEHOUSE_CLUSTER_FORBIDDEN')) throw error;
  }
  const items: LiveObject[] = [];
  for (const namespace of namespaces) items.push(...(await client.list(kind.apiVersion, kind.kind, namespace, selector)));
  return items;
}

export async function pruneObjects(connection: ClusterConnection, candidates: readonly PruneCandidate[], options: { confirm: boolean }): Promise<PruneResult[]> {
  if (!options.confirm) throw new NotConfirmedError(`Deleting ${counted(candidates.length, 'object')} from the cluster`);
  const client = new ObjectClient(connection);
  // Applications first: they reference the Secrets.
  const ordered = [...candidates].sort((a, b) => Number(a.ref.kind === 'Secret') - Number(b.ref.kind === 'Secret'));
  const results: PruneResult[] = [];
  for (const c of ordered) {
    try {
      const outcome = await client.delete(c.ref, { ...(c.uid ? { uid: c.uid } : {}), ...(c.resourceVersion ? { resourceVersion: c.resourceVersion } : {}) });
      results.push({ ref: c.ref, label: c.label, outcome });
    } catch (error) {
      // As push reports it: a refusal of this one object (RBAC may allow deleting Applications and not Secrets) is
      // this object's failure, and the others are still tried; what deletions went before stays on record.
      if (error instanceof ClusterError && error.code === 'GATEHOUSE_CLUSTER_FORBIDDEN') {
        results.push({ ref: c.ref, label: c.label, outcome: 'failed', message: error.message });
        continue;
      }
      if (!(error instanceof ObjectWriteError)) throw error;
      const message = error.status.code === 409 ? 'changed since it was listed; list again before pruning' : error.status.message;
      results.push({ ref: c.ref, label: c.label, outcome: 'failed', message });
    }
  }
  return results;
}
