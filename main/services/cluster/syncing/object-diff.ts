// A readable diff between the live object and what the dry run says it would become. Secret values never
// appear: their changes are reported by key only.
import { isDeepStrictEqual } from 'node:util';

export interface FieldChange {
  /** `spec.services[0].displayName`, `data.password`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Printable values; absent for Secret data. */
  before?: string;
  after?: string;
  /** Secret data: the value is not shown, only that it is added, removed or changed. */
  hidden?: true;
}

type Json = unknown;

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** What a user can change: server-maintained metadata and status are left out. */
export function comparable(object: Record<string, Json> | undefined): Record<string, Json> | undefined {
  if (!object) return undefined;
  const copy = structuredClone(object);
  const metadata = (copy.metadata ?? {}) as Record<string, Json>;
  for (const key of SERVER_METADATA) delete metadata[key];
  delete copy.status;
  // Identity is in the item's label, not in its changes.
  delete copy.apiVersion;
  delete copy.kind;
  delete metadata.name;
  delete metadata.namespace;
  return copy;
}

/** A leaf value as JSON, whole: the walk reaches scalars (and empty maps or lists), never a blob to cut short. */
function show(value: Json): string {
  return JSON.stringify(value);
}

/** `spec.services[0].name`; a key that is not a plain name is quoted (`metadata.labels["app.kubernetes.io/name"]`). */
function childPath(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(before: Json, after: Json, path: string, hidden: (path: string) => boolean, out: FieldChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  // A map that appears or disappears is listed field by field, so Secret keys show without their values.
  if ((isObject(before) || before === undefined) && (isObject(after) || after === undefined)) {
    const b = before ?? {};
    const a = after ?? {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      walk(b[key], a[key], childPath(path, key), hidden, out);
    }
    return;
  }
  // Lists too, item by item (an Application's services, a route's methods): a diff names fields, never a blob.
  if ((Array.isArray(before) || before === undefined) && (Array.isArray(after) || after === undefined)) {
    const b = (before ?? []) as Json[];
    const a = (after ?? []) as Json[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(b[i], a[i], `${path}[${i}]`, hidden, out);
    return;
  }
  const secret = hidden(path);
  if (before === undefined) out.push({ path, change: 'added', ...(secret ? { hidden: true } : { after: show(after) }) });
  else if (after === undefined) out.push({ path, change: 'removed', ...(secret ? { hidden: true } : { before: show(before) }) });
  else out.push({ path, change: 'changed', ...(secret ? { hidden: true } : { before: show(before), after: show(after) }) });
}

export function diffObjects(live: Record<string, Json> | undefined, next: Record<string, Json>): FieldChange[] {
  const isSecret = next.kind === 'Secret';
  const hidden = (path: string) => isSecret && /^(data|stringData)(\.|\[|$)/.test(path);
  const out: FieldChange[] = [];
  walk(comparable(live) ?? {}, comparable(next), '', hidden, out);
  return out;
}

export function formatChanges(changes: readonly FieldChange[]): string[] {
  return changes.map((c) => {
    switch (c.change) {
      case 'added':
        return `+ ${c.path}${c.after !== undefined ? `: ${c.after}` : ' (value hidden)'}`;
      case 'removed':
        return `- ${c.path}${c.before !== undefined ? `: ${c.before}` : ''}`;
      case 'changed':
        return `~ ${c.path}${c.before !== undefined ? `: ${c.before} -> ${c.after}` : ' (value changed, hidden)'}`;
    }
  });
}
