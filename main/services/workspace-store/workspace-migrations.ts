// Upgrades workspace documents written by older builds. Version 0 is any file without a `version`
// field. Each migration takes a plain JSON document of version `from` to version `from + 1`; the
// result is validated against the current schema afterwards, so migrations stay small and dumb.
import { WORKSPACE_SCHEMA_VERSION } from '../../../gateway/config/schema';
import { WorkspaceVersionError } from './workspace-errors';

export type JsonObject = { [key: string]: unknown };

export interface WorkspaceMigration {
  readonly from: number;
  readonly summary: string;
  /** Gets a private copy it may change in place; returns the upgraded document (without `version`). */
  migrate(document: JsonObject): JsonObject;
}

export const WORKSPACE_MIGRATIONS: readonly WorkspaceMigration[] = [
  {
    from: 0,
    summary: 'routes[].uri renamed to routes[].path',
    migrate(document) {
      if (!Array.isArray(document.routes)) return document;
      for (const route of document.routes) {
        // A route carrying both is left alone for validation to report `uri` as an unknown field.
        if (isObject(route) && 'uri' in route && !('path' in route)) {
          route.path = route.uri;
          delete route.uri;
        }
      }
      return document;
    },
  },
];

export interface MigrationResult {
  document: unknown;
  /** The version the document was written with. */
  fromVersion: number;
  /** Summaries of the migrations applied, oldest first; empty when it was already current. */
  applied: string[];
}

export function documentVersion(document: JsonObject, source: string, target = WORKSPACE_SCHEMA_VERSION): number {
  if (!('version' in document)) return 0;
  const found = document.version;
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 0) {
    throw new WorkspaceVersionError(found, target, source, `"version" must be a whole number (this build writes ${target})`);
  }
  if (found > target) {
    throw new WorkspaceVersionError(found, target, source, `written by a newer Gatehouse (workspace version ${found}; this build reads up to ${target}): update Gatehouse to open it`);
  }
  return found;
}

/** Brings a parsed document up to `target`; anything that is not an object is left to validation. */
export function migrateWorkspaceDocument(
  document: unknown,
  source: string,
  migrations: readonly WorkspaceMigration[] = WORKSPACE_MIGRATIONS,
  target = WORKSPACE_SCHEMA_VERSION,
): MigrationResult {
  if (!isObject(document)) return { document, fromVersion: target, applied: [] };
  const fromVersion = documentVersion(document, source, target);
  if (fromVersion === target) return { document, fromVersion, applied: [] };
  let current: JsonObject = structuredClone(document);
  const applied: string[] = [];
  for (let version = fromVersion; version < target; version++) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new WorkspaceVersionError(version, target, source, `no migration from workspace version ${version}`);
    const { version: _old, ...rest } = current;
    current = step.migrate(rest);
    applied.push(step.summary);
  }
  return { document: { ...current, version: target }, fromVersion, applied };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
