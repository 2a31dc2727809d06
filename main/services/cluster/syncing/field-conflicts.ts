import type { ApiStatus } from '../classify-error';

export interface FieldConflict {
  /** The other field manager, e.g. `kubectl`, `kubectl-client-side-apply`. */
  manager: string;
  /** `.spec.services`. */
  field: string;
}

/** The managers and fields of a server-side apply conflict (409 with FieldManagerConflict causes). */
export function fieldConflicts(status: ApiStatus): FieldConflict[] | undefined {
  if (status.code !== 409) return undefined;
  const conflicts = status.causes
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({ manager: /conflict with "([^"]*)"/.exec(c.message ?? '')?.[1] ?? 'another field manager', field: c.field ?? '' }));
  return conflicts.length ? conflicts : undefined;
}

