// The verbs of one resource endpoint: get, list (+watch), create, update, patch (apply and merge), delete.
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ApiError, statuses } from './status';
import { apiVersionOf, type ResourceType, type TypeRegistry } from './resource-types';
import type { Authorizer, UserInfo } from './auth';
import { ObjectStore, type JsonObject } from './storage';
import { checkIdentity, isoNow, metadataOf, normalize, ordered, stampCreated, stampUpdated, type FieldValidation } from './object-rules';
import { recordUpdate, serverSideApply, type ManagedFieldsEntry } from './ssa-merge';
import { parseFieldSelector, parseLabelSelector } from './label-selector';

export interface ApiRequest {
  method: string;
  user: UserInfo;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  userAgent: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  warnings?: string[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function ref(type: ResourceType, name?: string) {
  return { group: type.group, resource: type.plural, ...(name !== undefined ? { name } : {}) };
}

function parseBody(req: ApiRequest, yamlAllowed: boolean): JsonObject {
  const text = req.body.toString('utf8');
  let value: unknown;
  try {
    value = yamlAllowed ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ApiError(statuses.badRequest(`error decoding ${yamlAllowed ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`));
  }
  if (!isObject(value)) throw new ApiError(statuses.badRequest('the body of the request must be a JSON object'));
  return value;
}

function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw new ApiError(statuses.badRequest(`Invalid dryRun value "${v}": supported values: "All"`));
  return values.length > 0;
}

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new ApiError(statuses.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`));
}

/** Managers of non-apply writes: ?fieldManager=, else the User-Agent's product token, as the API server derives it. */
function updateManager(req: ApiRequest): string {
  const explicit = req.query.get('fieldManager');
  if (explicit) return explicit;
  return req.userAgent.split('/')[0]?.trim() || 'unknown';
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

/** Compares what the client could see change: managed-field timestamps of unchanged sets do not count. */
function sameObject(a: JsonObject, b: JsonObject): boolean {
  const strip = (o: JsonObject) => {
    const copy = structuredClone(o);
    const entries = metadataOf(copy).managedFields as ManagedFieldsEntry[] | undefined;
    entries?.forEach((e) => ((e as Partial<ManagedFieldsEntry>).time = ''));
    return copy;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}

export class ResourceHandlers {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: TypeRegistry,
    private readonly authorizer: Authorizer,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private namespaceExists(namespace: string): boolean {
    const nsType = this.registry.find('', 'v1', 'namespaces')!;
    return this.store.get(nsType, undefined, namespace) !== undefined;
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced) return;
    if (namespace === undefined) throw new ApiError(statuses.noRoute());
    if (!this.namespaceExists(namespace)) throw new ApiError(statuses.notFound({ group: '', resource: 'namespaces', name: namespace }));
  }

  get(req: ApiRequest): ApiResponse {
    const found = this.store.get(req.type, req.namespace, req.name!);
    if (!found) throw new ApiError(statuses.notFound(ref(req.type, req.name)));
    return { status: 200, body: ordered(found) };
  }

  list(req: ApiRequest): ApiResponse {
    const labels = parseLabelSelector(req.query.get('labelSelector'));
    const fields = parseFieldSelector(req.query.get('fieldSelector'));
    const items = this.store
      .list(req.type, req.type.namespaced ? req.namespace : undefined)
      .filter((o) => {
        const m = metadataOf(o);
        return labels((m.labels as Record<string, string>) ?? {}) && fields(String(m.name), m.namespace as string | undefined);
      })
      .map((o) => {
        // Typed lists of built-in kinds leave type meta out of their items; custom resource lists keep it.
        if (req.type.schema) return ordered(o);
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest;
      });
    return {
      status: 200,
      body: { kind: req.type.listKind, apiVersion: apiVersionOf(req.type), metadata: { resourceVersion: this.store.revision }, items },
    };
  }

  create(req: ApiRequest): ApiResponse {
    if (req.type.createOnly) return this.review(req);
    const dryRun = dryRunOf(req.query);
    const object = parseBody(req, req.contentType.includes('yaml'));
    checkIdentity(req.type, object, req.namespace, undefined, false);
    this.requireNamespace(req.type, req.namespace);
    const metadata = metadataOf(object);
    if ((metadata.name === undefined || metadata.name === '') && typeof metadata.generateName === 'string') {
      metadata.name = `${metadata.generateName}${Math.random().toString(36).slice(2, 7)}`;
    }
    const { object: valid, warnings } = normalize(req.type, object, undefined, fieldValidationOf(req.query));
    const name = String(metadataOf(valid).name);
    if (this.store.get(req.type, req.namespace, name)) throw new ApiError(statuses.alreadyExists(ref(req.type, name)));
    stampCreated(req.type, valid, this.clock());
    const stored = recordUpdate({ live: undefined, next: valid, manager: updateManager(req), apiVersion: apiVersionOf(req.type), now: isoNow(this.clock()) });
    return { status: 201, body: ordered(this.commit(req, name, stored, dryRun)), warnings };
  }

  update(req: ApiRequest): ApiResponse {
    const dryRun = dryRunOf(req.query);
    const object = parseBody(req, req.contentType.includes('yaml'));
    checkIdentity(req.type, object, req.namespace, req.name, false);
    const previous = this.store.get(req.type, req.namespace, req.name!);
    if (!previous) throw new ApiError(statuses.notFound(ref(req.type, req.name)));
    const rv = metadataOf(object).resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== metadataOf(previous).resourceVersion) throw new ApiError(statuses.modified(ref(req.type, req.name)));
    return this.writeUpdate(req, object, previous, dryRun);
  }

  private writeUpdate(req: ApiRequest, object: JsonObject, previous: JsonObject, dryRun: boolean): ApiResponse {
    const { object: valid, warnings } = normalize(req.type, object, previous, fieldValidationOf(req.query));
    stampUpdated(req.type, valid, previous);
    const next = recordUpdate({ live: previous, next: valid, manager: updateManager(req), apiVersion: apiVersionOf(req.type), now: isoNow(this.clock()) });
    if (sameObject(next, previous)) return { status: 200, body: ordered(previous), warnings };
    return { status: 200, body: ordered(this.commit(req, req.name!, next, dryRun)), warnings };
  }

  patch(req: ApiRequest): ApiResponse {
    const contentType = req.contentType.split(';')[0]!.trim().toLowerCase();
    if (contentType === 'application/apply-patch+yaml') return this.apply(req);
    const dryRun = dryRunOf(req.query);
    const isMerge = contentType === 'application/merge-patch+json' || (contentType === 'application/strategic-merge-patch+json' && !req.type.schema);
    if (!isMerge) throw new ApiError(statuses.unsupportedMediaType(contentType));
    const previous = this.store.get(req.type, req.namespace, req.name!);
    if (!previous) throw new ApiError(statuses.notFound(ref(req.type, req.name)));
    const patched = mergePatch(previous, parseBody(req, false)) as JsonObject;
    checkIdentity(req.type, patched, req.namespace, req.name, true);
    const rv = metadataOf(patched).resourceVersion;
    if (rv !== undefined && rv !== metadataOf(previous).resourceVersion) throw new ApiError(statuses.modified(ref(req.type, req.name)));
    return this.writeUpdate(req, patched, previous, dryRun);
  }

  private apply(req: ApiRequest): ApiResponse {
    const dryRun = dryRunOf(req.query);
    const manager = req.query.get('fieldManager');
    if (!manager) throw new ApiError(statuses.badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests'));
    const forceParam = req.query.get('force');
    const force = forceParam === 'true';
    const applied = parseBody(req, true);
    checkIdentity(req.type, applied, req.namespace, req.name, true);
    if (metadataOf(applied).managedFields !== undefined) throw new ApiError(statuses.badRequest('metadata.managedFields must be nil'));
    if (req.type.kind === 'Secret') {
      // Apply configurations carry stringData as data, the field the server stores.
      const problem = normalizeSecretApply(applied);
      if (problem) throw new ApiError(statuses.badRequest(problem));
    }
    const previous = this.store.get(req.type, req.namespace, req.name!);
    if (!previous) {
      this.requireNamespace(req.type, req.namespace);
      if (!this.authorizer.allowedBy(req.user, { verb: 'create', group: req.type.group, resource: req.type.plural, namespace: req.namespace, name: req.name })) {
        throw new ApiError(statuses.forbidden(req.user.name, 'create', ref(req.type, req.name), req.type.namespaced ? req.namespace : undefined));
      }
    }
    const rv = metadataOf(applied).resourceVersion;
    if (rv !== undefined && (previous === undefined || rv !== metadataOf(previous).resourceVersion)) throw new ApiError(statuses.modified(ref(req.type, req.name)));
    delete metadataOf(applied).resourceVersion;

    const now = isoNow(this.clock());
    const outcome = serverSideApply({ live: previous, applied, manager, apiVersion: apiVersionOf(req.type), force, now });
    if (!outcome.ok) throw new ApiError(statuses.applyConflict(outcome.conflicts));
    const { object: valid, warnings } = normalize(req.type, outcome.object, previous, fieldValidationOf(req.query));
    if (!previous) {
      stampCreated(req.type, valid, this.clock());
      return { status: 201, body: ordered(this.commit(req, req.name!, valid, dryRun)), warnings };
    }
    stampUpdated(req.type, valid, previous);
    if (sameObject(valid, previous)) return { status: 200, body: ordered(previous), warnings };
    const mine = (metadataOf(valid).managedFields as ManagedFieldsEntry[] | undefined)?.find((e) => e.manager === manager && e.operation === 'Apply');
    if (mine) mine.time = now;
    return { status: 200, body: ordered(this.commit(req, req.name!, valid, dryRun)), warnings };
  }

  delete(req: ApiRequest): ApiResponse {
    const dryRun = dryRunOf(req.query);
    const found = this.store.get(req.type, req.namespace, req.name!);
    if (!found) throw new ApiError(statuses.notFound(ref(req.type, req.name)));
    if (req.body.length > 0) {
      const options = parseBody(req, false);
      const pre = isObject(options.preconditions) ? options.preconditions : {};
      const m = metadataOf(found);
      if ((pre.uid !== undefined && pre.uid !== m.uid) || (pre.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion)) {
        throw new ApiError(statuses.modified(ref(req.type, req.name)));
      }
    }
    if (!dryRun) {
      this.store.delete(req.type, req.namespace, req.name!);
      if (req.type.kind === 'Namespace') this.deleteNamespaceContents(req.name!);
    }
    return { status: 200, body: statuses.success(ref(req.type, req.name), String(metadataOf(found).uid)) };
  }

  deleteCollection(req: ApiRequest): ApiResponse {
    const listed = this.list(req).body as { items: JsonObject[] };
    const dryRun = dryRunOf(req.query);
    if (!dryRun) for (const item of listed.items) this.store.delete(req.type, req.namespace, String(metadataOf(item).name));
    return { status: 200, body: { kind: req.type.listKind, apiVersion: apiVersionOf(req.type), metadata: {}, items: listed.items } };
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const type of this.registry.all().filter((t) => t.namespaced)) {
      for (const item of this.store.list(type, namespace)) this.store.delete(type, namespace, String(metadataOf(item).name));
    }
  }

  private commit(req: ApiRequest, name: string, object: JsonObject, dryRun: boolean): JsonObject {
    const metadata = metadataOf(object);
    if (dryRun) return object;
    metadata.resourceVersion = this.store.nextRevision();
    this.store.put(req.type, req.type.namespaced ? req.namespace : undefined, name, object);
    return object;
  }

  /** SelfSubjectAccessReview: the caller's own permission for one verb on one resource. */
  private review(req: ApiRequest): ApiResponse {
    const body = parseBody(req, false);
    checkIdentity(req.type, body, undefined, undefined, false);
    const spec = isObject(body.spec) ? body.spec : {};
    const attrs = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    let status: JsonObject;
    if (attrs) {
      const reason = this.authorizer.allowedBy(req.user, {
        verb: String(attrs.verb ?? ''),
        group: String(attrs.group ?? ''),
        resource: String(attrs.resource ?? ''),
        ...(typeof attrs.namespace === 'string' && attrs.namespace !== '' ? { namespace: attrs.namespace } : {}),
        ...(typeof attrs.name === 'string' ? { name: attrs.name } : {}),
      });
      status = reason ? { allowed: true, reason: `RBAC: allowed by ${reason} to User "${req.user.name}"` } : { allowed: false };
    } else if (isObject(spec.nonResourceAttributes)) {
      status = { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery"' };
    } else {
      throw new ApiError(statuses.invalid(req.type.kind, req.type.group, '', [{ reason: 'FieldValueRequired', field: 'spec.resourceAttributes', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified' }]));
    }
    return { status: 201, body: { kind: req.type.kind, apiVersion: apiVersionOf(req.type), metadata: { creationTimestamp: null }, spec, status } };
  }
}

function normalizeSecretApply(secret: JsonObject): string | undefined {
  const stringData = secret.stringData;
  if (isObject(stringData)) {
    const data = isObject(secret.data) ? secret.data : {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
  const data = secret.data;
  if (isObject(data)) {
    for (const v of Object.values(data)) {
      if (typeof v !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)) {
        return 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0';
      }
    }
  }
  return undefined;
}

