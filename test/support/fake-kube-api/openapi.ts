// Just enough OpenAPI v3 for kubectl: it reads the PATCH operations to learn that the server validates fields
// itself (`fieldValidation`), and otherwise falls back to client-side validation against a full schema.
import { createHash } from 'node:crypto';
import type { ResourceType, TypeRegistry } from './resource-types';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiRoot(registry: TypeRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs = new Set(registry.all().map((t) => `${t.group}|${t.version}`));
  for (const gv of gvs) {
    const [group, version] = gv.split('|') as [string, string];
    const doc = JSON.stringify(openApiGroupVersion(registry, group, version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 64).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

const QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

function operations(type: ResourceType) {
  const gvk = { group: type.group, version: type.version, kind: type.kind };
  const op = (verb: string) => ({
    operationId: `${verb}${type.kind}`,
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': gvk,
    parameters: QUERY_PARAMETERS,
    responses: { '200': { description: 'OK' } },
  });
  return { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
}

export function openApiGroupVersion(registry: TypeRegistry, group: string, version: string) {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of types) {
    const base = `/${gvPath(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
    paths[`${base}/{name}`] = operations(type);
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas: {} } };
}
