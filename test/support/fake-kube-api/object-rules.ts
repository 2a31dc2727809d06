// What the API server does to an incoming object before storing it: identity checks, pruning, defaulting,
// validation and the server-owned metadata (uid, resourceVersion, generation, creationTimestamp).
import { isDeepStrictEqual } from 'node:util';
import { ApiError, statuses, type StatusCause } from './status';
import { apiVersionOf, type ResourceType } from './resource-types';
import { applyDefaults, foldStringData, prune, secretDecodingProblem, unknownSecretFields, validateMetadata, validateName, validateSchema, validateSecret } from './validation';
import { ObjectStore, type JsonObject } from './storage';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function metadataOf(object: JsonObject): JsonObject {
  if (!isObject(object.metadata)) object.metadata = {};
  return object.metadata as JsonObject;
}

export function kindLabel(type: ResourceType): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}

/** apiVersion/kind must name this endpoint's type; namespace and name must agree with the URL. */
export function checkIdentity(type: ResourceType, object: JsonObject, urlNamespace: string | undefined, urlName: string | undefined, requireTypeMeta: boolean): void {
  const expected = apiVersionOf(type);
  if (object.apiVersion === undefined || object.kind === undefined) {
    if (requireTypeMeta) throw new ApiError(statuses.badRequest(object.apiVersion === undefined ? 'apiVersion must be set' : 'kind must be set'));
  } else if (object.apiVersion !== expected || object.kind !== type.kind) {
    throw new ApiError(statuses.badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`));
  }
  object.apiVersion = expected;
  object.kind = type.kind;
  const metadata = metadataOf(object);
  if (type.namespaced) {
    if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== urlNamespace) {
      throw new ApiError(statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
    }
    metadata.namespace = urlNamespace;
  } else delete metadata.namespace;
  if (urlName !== undefined) {
    if (metadata.name === undefined || metadata.name === '') metadata.name = urlName;
    else if (metadata.name !== urlName) throw new ApiError(statuses.badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${urlName})`));
  }
}

export interface Normalized {
  object: JsonObject;
  warnings: string[];
}

/** Decode-time pruning (400 on Strict), defaults, then validation (422). */
export function normalize(type: ResourceType, object: JsonObject, previous: JsonObject | undefined, fieldValidation: FieldValidation): Normalized {
  const unknown: string[] = [];
  if (type.schema) {
    for (const key of Object.keys(object)) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const prop = type.schema.properties?.[key];
      if (prop) prune(object[key], prop, key, unknown);
      else {
        unknown.push(key);
        delete object[key];
      }
    }
    applyDefaults(object, { ...type.schema, properties: Object.fromEntries(Object.entries(type.schema.properties ?? {}).filter(([k]) => k !== 'metadata')) });
  } else if (type.kind === 'Secret') {
    for (const key of unknownSecretFields(object)) {
      unknown.push(key);
      delete object[key];
    }
    const problem = secretDecodingProblem(object);
    if (problem) throw new ApiError(statuses.badRequest(problem));
    foldStringData(object);
  } else if (type.kind === 'Namespace') {
    for (const key of Object.keys(object)) {
      if (['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(key)) continue;
      unknown.push(key);
      delete object[key];
    }
  }
  if (unknown.length && fieldValidation === 'Strict') {
    const list = unknown.map((u) => `unknown field "${u}"`);
    throw new ApiError(statuses.badRequest(`strict decoding error: ${list.join(', ')}`));
  }
  const warnings = fieldValidation === 'Warn' ? unknown.map((u) => `unknown field "${u}"`) : [];

  const causes: StatusCause[] = [];
  const metadata = metadataOf(object);
  validateName(metadata.name, type.kind === 'Namespace' ? 'label' : 'subdomain', causes);
  validateMetadata(metadata, causes);
  if (type.schema) {
    const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = object;
    const schema = { ...type.schema, properties: Object.fromEntries(Object.entries(type.schema.properties ?? {}).filter(([k]) => !['metadata', 'apiVersion', 'kind'].includes(k))) };
    validateSchema(rest, schema, '', causes);
  }
  if (type.kind === 'Secret') validateSecret(object, previous, causes);
  if (causes.length) throw new ApiError(statuses.invalid(type.kind, type.group, String(metadata.name ?? ''), causes));
  return { object, warnings };
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Server-owned metadata for a new object. */
export function stampCreated(type: ResourceType, object: JsonObject, now: Date): void {
  const metadata = metadataOf(object);
  for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp', 'selfLink']) delete metadata[key];
  metadata.uid = ObjectStore.newUid();
  metadata.creationTimestamp = timestamp(now);
  if (type.hasGeneration) metadata.generation = 1;
}

/** Server-owned metadata carried over from the stored object; generation moves when anything but metadata changed. */
export function stampUpdated(type: ResourceType, object: JsonObject, previous: JsonObject): void {
  const metadata = metadataOf(object);
  const before = metadataOf(previous);
  for (const key of ['uid', 'creationTimestamp', 'resourceVersion']) {
    if (before[key] === undefined) delete metadata[key];
    else metadata[key] = before[key];
  }
  if (type.hasGeneration) {
    const { metadata: _a, ...restNow } = object;
    const { metadata: _b, ...restBefore } = previous;
    const generation = typeof before.generation === 'number' ? before.generation : 1;
    metadata.generation = isDeepStrictEqual(restNow, restBefore) ? generation : generation + 1;
  }
}

export function isoNow(now: Date): string {
  return timestamp(now);
}

/** Objects as the server prints them: type meta first, then metadata, then the rest. */
export function ordered(object: JsonObject): JsonObject {
  const { apiVersion, kind, metadata, ...rest } = object;
  return { apiVersion, kind, metadata, ...rest };
}
