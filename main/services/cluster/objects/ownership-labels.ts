// Labels that mark what Gatehouse pushed, and for which workspace: prune only ever lists objects carrying both.
import { createHash } from 'node:crypto';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'gatehouse';
export const WORKSPACE_LABEL = 'gatehouse.dev/workspace';
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

export function ownershipLabels(workspace: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [WORKSPACE_LABEL]: workspaceLabelValue(workspace) };
}

export function ownershipSelector(workspace: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${WORKSPACE_LABEL}=${workspaceLabelValue(workspace)}`;
}
