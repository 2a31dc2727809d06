// Labels that mark what Gatehouse pushed, for which workspace and to which namespace: prune only ever lists objects
// carrying the first two, and of those only what was pushed to the namespace it prunes.
import { createHash } from 'node:crypto';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'gatehouse';
export const WORKSPACE_LABEL = 'gatehouse.dev/workspace';
/**
 * The namespace the push was aimed at (`--namespace`, or the context's), which an object may not lie in (a Kyma
 * application's Secrets, a cluster-wide Application): one workspace pushed to a staging and a production namespace
 * is two sets of objects, and pruning one leaves the other alone, as `kubectl apply --prune -n` does.
 */
export const PUSH_NAMESPACE_LABEL = 'gatehouse.dev/push-namespace';
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

export function ownershipLabels(owner: Ownership): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [WORKSPACE_LABEL]: workspaceLabelValue(owner.workspace), [PUSH_NAMESPACE_LABEL]: owner.namespace };
}

export function ownershipSelector(workspace: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${WORKSPACE_LABEL}=${workspaceLabelValue(workspace)}`;
}
