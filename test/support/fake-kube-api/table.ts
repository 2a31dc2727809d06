// The meta.k8s.io/v1 Table kubectl asks for when it prints without -o.
import type { JsonObject } from './storage';

function age(created: unknown, now: Date): string {
  if (typeof created !== 'string') return '<unknown>';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(created)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(items: JsonObject[], kind: string, resourceVersion: string, now: Date): JsonObject {
  const extra = kind === 'Secret';
  const columnDefinitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
    ...(extra
      ? [
          { name: 'Type', type: 'string', format: '', description: 'Used to facilitate programmatic handling of secret data.', priority: 0 },
          { name: 'Data', type: 'string', format: '', description: 'The number of keys in the secret.', priority: 0 },
        ]
      : []),
    { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
  ];
  const rows = items.map((item) => {
    const metadata = (item.metadata ?? {}) as JsonObject;
    const cells: unknown[] = [metadata.name];
    if (extra) cells.push(item.type ?? 'Opaque', Object.keys((item.data as JsonObject | undefined) ?? {}).length);
    cells.push(age(metadata.creationTimestamp, now));
    return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
