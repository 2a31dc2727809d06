// Whether a push would change which fields Gatehouse's field manager owns, when it would change no value. Such an
// apply still writes the object (a new resourceVersion: push reports it "updated"), and it matters: until then the
// fields are another manager's alone, and that manager dropping them deletes them.
import { isDeepStrictEqual } from 'node:util';
import { FIELD_MANAGER } from '../objects/ownership-labels';
import type { FieldChange } from './object-diff';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsV1?: unknown;
}

type WithManagedFields = { metadata?: { managedFields?: unknown[] } };

function entries(object: WithManagedFields): ManagedFieldsEntry[] {
  return (object.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
}

function appliedByGatehouse(object: WithManagedFields): unknown {
  return entries(object).find((e) => e.manager === FIELD_MANAGER && e.operation === 'Apply')?.fieldsV1;
}

function managers(object: WithManagedFields): string {
  const names = [...new Set(entries(object).map((e) => e.manager ?? '?'))];
  return names.length ? names.join(', ') : 'none';
}

/**
 * The change in field ownership from `live` to the dry run's `result`, as a change of `metadata.managedFields`
 * from the managers before to those after (`ops -> ops, gatehouse`); undefined when Gatehouse already owns exactly
 * those fields.
 */
export function fieldOwnershipChange(live: WithManagedFields, result: WithManagedFields): FieldChange | undefined {
  if (isDeepStrictEqual(appliedByGatehouse(live), appliedByGatehouse(result))) return undefined;
  const before = managers(live);
  const after = managers(result);
  return { path: 'metadata.managedFields', change: 'changed', before, after: after === before ? `${after} (the fields ${FIELD_MANAGER} owns change)` : after };
}
