// Labels that mark what Gatehouse pushed, for which workspace and to which namespace: prune only ever lists objects
// carrying the first two, and of those only what was pushed to the namespace it prunes.
import { createHash } from 'node:crypto';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'gatehouse';
export const WORKSPACE_LABEL = 'gatehouse.dev/workspace';
/**
 * The namespace the push was aimed at (`--namespace`, or the context's), on an object the push put there: one
 * workspace pushed to a staging and a production namespace is two sets of those, and pruning one leaves the other
 * alone, as `kubectl apply --prune -n` does. An object whose place the push namespace does not decide (a cluster-wide
 * Kyma Application, a Kyma application's Secrets in its own namespace, any object the workspace gives a namespace)
 * is the same object whichever namespace is pushed to: it carries SHARED_PUSH_NAMESPACE. Labelled with the namespace
 * of the last push, as until 3 Dec, it changed label with every push to another namespace, and a plan for each
 * namespace in turn never said "up to date".
 */
export const PUSH_NAMESPACE_LABEL = 'gatehouse.dev/push-namespace';
/** PUSH_NAMESPACE_LABEL's value on an object every push namespace shares (an empty label value is a valid one). */
export const SHARED_PUSH_NAMESPACE = '';
export const FIELD_MANAGER = 'gatehouse';
/** A workspace's label value when it names none (`cluster.label`): every such workspace shares it. */
export const DEFAULT_WORKSPACE_LABEL = 'gatehouse';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A label value for any workspace id: kept when valid, else a readable stem plus a hash (label values max 63). */
export function workspaceLabelValue(workspace: string): string {
  if (workspace.length <= 63 && LABEL_VALUE.test(workspace) && workspace !== '') return workspace;
  const stem = workspace.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 50);
  const hash = createHash('sha256').update(workspace).digest('hex').slice(0, 10);
  return stem ? `${stem}-${hash}` : hash;
}

/** Who pushes an object: the workspace, and the namespace its push is aimed at (a namespace name is a valid label value). */
export interface Ownership {
  workspace: string;
  namespace: string;
}

/** `placedByPush`: the object lies in the push namespace because the push is aimed there (see PUSH_NAMESPACE_LABEL). */
export function ownershipLabels(owner: Ownership, placedByPush: boolean): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [WORKSPACE_LABEL]: workspaceLabelValue(owner.workspace),
    [PUSH_NAMESPACE_LABEL]: placedByPush ? owner.namespace : SHARED_PUSH_NAMESPACE,
  };
}

export function ownershipSelector(workspace: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${WORKSPACE_LABEL}=${workspaceLabelValue(workspace)}`;
}
