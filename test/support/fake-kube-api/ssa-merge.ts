// Server-side apply and field ownership (metadata.managedFields, FieldsV1) for the kinds this server holds.
// Lists are atomic here: the CRDs served declare no x-kubernetes-list-type, so the API server treats them so too.
import { isDeepStrictEqual } from 'node:util';

type JsonObject = Record<string, unknown>;
type Path = readonly string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface FieldConflict {
  manager: string;
  apiVersion: string;
  /** `.spec.services`, as the API server prints it. */
  field: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields the server owns: never part of anyone's field set. */
const SERVER_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.deletionTimestamp',
  'metadata.managedFields',
  'metadata.selfLink',
]);

const key = (p: Path) => JSON.stringify(p);

/** Every leaf field of an object: scalars, lists (atomic) and empty maps. */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (isObject(value) && (Object.keys(value).length > 0 || prefix.length === 0)) {
    return Object.entries(value).flatMap(([k, v]) => {
      const path = [...prefix, k];
      return SERVER_FIELDS.has(path.join('.')) ? [] : leafPaths(v, path);
    });
  }
  // A metadata block holding only server fields is not a field anyone sets.
  if (prefix.length === 1 && prefix[0] === 'metadata') return [];
  return [prefix];
}

export function getAt(value: unknown, path: Path): { found: boolean; value?: unknown } {
  let current: unknown = value;
  for (const k of path) {
    if (!isObject(current) || !Object.hasOwn(current, k)) return { found: false };
    current = current[k];
  }
  return { found: true, value: current };
}

function setAt(target: JsonObject, path: Path, value: unknown): void {
  let current = target;
  path.forEach((k, i) => {
    if (i === path.length - 1) current[k] = structuredClone(value);
    else {
      if (!isObject(current[k])) current[k] = {};
      current = current[k] as JsonObject;
    }
  });
}

function deleteAt(target: JsonObject, path: Path, keepEmpty: (p: Path) => boolean): void {
  const parents: JsonObject[] = [];
  let current: unknown = target;
  for (const k of path.slice(0, -1)) {
    if (!isObject(current)) return;
    parents.push(current);
    current = current[k];
  }
  if (!isObject(current)) return;
  delete current[path[path.length - 1]!];
  // Maps emptied by the removal go too, unless someone owns them or they are top-level sections.
  for (let depth = path.length - 1; depth >= 2; depth--) {
    const parentPath = path.slice(0, depth);
    const holder = getAt(target, parentPath.slice(0, -1)).value;
    const map = getAt(target, parentPath).value;
    if (!isObject(holder) || !isObject(map) || Object.keys(map).length > 0 || keepEmpty(parentPath)) break;
    delete holder[parentPath[parentPath.length - 1]!];
  }
}

const isPrefix = (a: Path, b: Path) => a.length <= b.length && a.every((k, i) => b[i] === k);
const overlaps = (a: Path, b: Path) => isPrefix(a, b) || isPrefix(b, a);

export function toFieldsV1(paths: readonly Path[]): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const k of path) {
      const f = `f:${k}`;
      if (!isObject(node[f])) node[f] = {};
      node = node[f] as JsonObject;
    }
  }
  return root;
}

export function fromFieldsV1(fields: unknown, prefix: string[] = []): string[][] {
  if (!isObject(fields)) return [];
  const children = Object.entries(fields).filter(([k]) => k.startsWith('f:'));
  // `.` marks the map itself; `k:`/`v:`/`i:` are list members, which are atomic here.
  if (children.length === 0) return prefix.length > 0 ? [prefix] : [];
  return children.flatMap(([k, v]) => fromFieldsV1(v, [...prefix, k.slice(2)]));
}

interface OwnedSet {
  entry: ManagedFieldsEntry;
  paths: Map<string, Path>;
}

function ownedSets(object: JsonObject | undefined): OwnedSet[] {
  const entries = (isObject(object?.metadata) ? ((object.metadata as JsonObject).managedFields as ManagedFieldsEntry[] | undefined) : undefined) ?? [];
  return entries.map((entry) => ({ entry, paths: new Map(fromFieldsV1(entry.fieldsV1).map((p) => [key(p), p])) }));
}

function writeManagedFields(object: JsonObject, sets: OwnedSet[]): void {
  const metadata = (object.metadata ??= {}) as JsonObject;
  const entries = sets
    .map(({ entry, paths }) => {
      const live = [...paths.values()].filter((p) => getAt(object, p).found);
      return live.length ? { ...entry, fieldsV1: toFieldsV1(live) } : undefined;
    })
    .filter((e): e is ManagedFieldsEntry => e !== undefined);
  if (entries.length) metadata.managedFields = entries;
  else delete metadata.managedFields;
}

function fieldName(path: Path): string {
  return `.${path.join('.')}`;
}

export interface ApplyInput {
  live: JsonObject | undefined;
  applied: JsonObject;
  manager: string;
  apiVersion: string;
  force: boolean;
  now: string;
}

export type ApplyOutcome = { ok: true; object: JsonObject } | { ok: false; conflicts: FieldConflict[] };

/** application/apply-patch+yaml: merge the applier's fields, take over or refuse others' differing fields, drop what it stopped applying. */
export function serverSideApply({ live, applied, manager, apiVersion, force, now }: ApplyInput): ApplyOutcome {
  const appliedPaths = leafPaths(applied);
  const sets = ownedSets(live);
  const mine = sets.find((s) => s.entry.manager === manager && s.entry.operation === 'Apply');
  const others = sets.filter((s) => s.entry.manager !== manager);

  const conflicts: FieldConflict[] = [];
  const taken: { set: OwnedSet; k: string }[] = [];
  for (const path of appliedPaths) {
    const current = getAt(live, path);
    if (current.found && isDeepStrictEqual(current.value, getAt(applied, path).value)) continue;
    for (const set of others) {
      for (const [k, owned] of set.paths) {
        if (!overlaps(owned, path)) continue;
        taken.push({ set, k });
        if (!conflicts.some((c) => c.manager === set.entry.manager && c.field === fieldName(path))) {
          conflicts.push({ manager: set.entry.manager, apiVersion: set.entry.apiVersion, field: fieldName(path) });
        }
      }
    }
  }
  if (conflicts.length && !force) return { ok: false, conflicts };
  for (const { set, k } of taken) set.paths.delete(k);

  const result = structuredClone(live ?? {}) as JsonObject;
  for (const k of ['apiVersion', 'kind']) if (applied[k] !== undefined) result[k] = applied[k];
  const identity = isObject(applied.metadata) ? applied.metadata : {};
  const resultMetadata = (isObject(result.metadata) ? result.metadata : (result.metadata = {})) as JsonObject;
  for (const k of ['name', 'namespace']) if (identity[k] !== undefined) resultMetadata[k] = identity[k];
  for (const path of appliedPaths) setAt(result, path, getAt(applied, path).value);

  const appliedKeys = new Set(appliedPaths.map(key));
  const ownedByOthers = (path: Path) => others.some((s) => [...s.paths.values()].some((p) => overlaps(p, path)));
  for (const [k, path] of mine?.paths ?? []) {
    if (appliedKeys.has(k) || ownedByOthers(path)) continue;
    deleteAt(result, path, (p) => ownedByOthers(p) || appliedPaths.some((a) => isPrefix(p, a)));
  }

  const myEntry: ManagedFieldsEntry = mine?.entry
    ? { ...mine.entry, apiVersion }
    : { manager, operation: 'Apply', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {} };
  const mySet: OwnedSet = { entry: myEntry, paths: new Map(appliedPaths.map((p) => [key(p), p])) };
  const ordered = sets.map((s) => (s === mine ? mySet : s));
  if (!mine) ordered.push(mySet);
  writeManagedFields(result, ordered);
  return { ok: true, object: result };
}

export interface UpdateInput {
  live: JsonObject | undefined;
  next: JsonObject;
  manager: string;
  apiVersion: string;
  now: string;
}

/** A create, update or merge patch: the writer takes ownership of every field it changed. */
export function recordUpdate({ live, next, manager, apiVersion, now }: UpdateInput): JsonObject {
  const result = structuredClone(next);
  const sets = ownedSets(live);
  const changed = leafPaths(next).filter((p) => {
    const before = getAt(live, p);
    return !before.found || !isDeepStrictEqual(before.value, getAt(next, p).value);
  });
  for (const set of sets) {
    if (set.entry.manager === manager && set.entry.operation === 'Update') continue;
    for (const [k, owned] of set.paths) if (changed.some((c) => overlaps(c, owned))) set.paths.delete(k);
  }
  let mine = sets.find((s) => s.entry.manager === manager && s.entry.operation === 'Update');
  if (!mine && changed.length) {
    mine = { entry: { manager, operation: 'Update', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {} }, paths: new Map() };
    sets.push(mine);
  }
  if (mine && changed.length) {
    mine.entry = { ...mine.entry, time: now, apiVersion };
    for (const p of changed) mine.paths.set(key(p), p);
  }
  writeManagedFields(result, sets);
  return result;
}
