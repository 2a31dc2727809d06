// URL → discovery document or resource verb, with authentication and authorization in front, as kube-apiserver orders them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, statuses, type StatusBody } from './status';
import type { TypeRegistry, ResourceType } from './resource-types';
import type { Authenticator, Authorizer, UserInfo } from './auth';
import type { ObjectStore, JsonObject } from './storage';
import { ResourceHandlers, type ApiRequest, type ApiResponse } from './api-handlers';
import { coreVersions, groupDocument, groupList, resourceList, SERVER_VERSION } from './discovery';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table';
import { serveWatch } from './watch';
import { openApiGroupVersion, openApiRoot } from './openapi';
import { decodeSelfSubjectAccessReview, isProtobuf } from './protobuf';

export interface RequestRecord {
  method: string;
  path: string;
  user?: string;
  contentType?: string;
  status: number;
}

interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { group, version, namespace: rest[1]!, resource: rest[2]!, ...(rest[3] ? { name: rest[3] } : {}), ...(rest[4] ? { subresource: rest[4] } : {}) };
  }
  return { group, version, resource: rest[0]!, ...(rest[1] ? { name: rest[1] } : {}), ...(rest[2] ? { subresource: rest[2] } : {}) };
}

function verbOf(method: string, path: ResourcePath, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
      if (path.name) return 'get';
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export interface RouterDeps {
  registry: TypeRegistry;
  store: ObjectStore;
  authenticator: Authenticator;
  authorizer: Authorizer;
  handlers: ResourceHandlers;
  records: RequestRecord[];
  watchClosers: Set<() => void>;
  serverAddress: () => string;
  clock: () => Date;
  /** Tests inject failures (e.g. a 500 for one object) by answering before the normal handling. */
  interceptors: ((req: IncomingMessage, path: string, user: UserInfo) => StatusBody | undefined)[];
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createRouter(deps: RouterDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://fake-kube-api');
    const record: RequestRecord = { method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, status: 0, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}) };
    deps.records.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string | string[]>) => {
      record.status = status;
      send(res, status, body, headers);
    };
    try {
      const body = await readBody(req);
      if (url.pathname === '/version' || url.pathname === '/version/') return reply(200, SERVER_VERSION);
      if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        record.status = 200;
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }
      const user = deps.authenticator.authenticate(req);
      if (!user) return reply(401, statuses.unauthorized());
      record.user = user.name;
      for (const intercept of deps.interceptors) {
        const status = intercept(req, url.pathname, user);
        if (status) return reply(status.code, status);
      }
      const parts = url.pathname.split('/').filter((p) => p !== '');
      if (req.method === 'GET') {
        if (url.pathname === '/api' || url.pathname === '/api/') return reply(200, coreVersions(deps.serverAddress()));
        if (url.pathname === '/apis' || url.pathname === '/apis/') return reply(200, groupList(deps.registry));
        if (parts[0] === 'api' && parts.length === 2) {
          const doc = resourceList(deps.registry, '', parts[1]!);
          return doc ? reply(200, doc) : reply(404, statuses.noRoute());
        }
        if (parts[0] === 'apis' && parts.length === 2) {
          return deps.registry.groups().includes(parts[1]!) ? reply(200, { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(deps.registry, parts[1]!) }) : reply(404, statuses.noRoute());
        }
        if (url.pathname === '/openapi/v3') return reply(200, openApiRoot(deps.registry));
        if (parts[0] === 'openapi' && parts[1] === 'v3') {
          const [group, version] = parts[2] === 'api' ? ['', parts[3] ?? ''] : [parts[3] ?? '', parts[4] ?? ''];
          const doc = openApiGroupVersion(deps.registry, group, version);
          return doc ? reply(200, doc) : reply(404, statuses.noRoute());
        }
        if (parts[0] === 'apis' && parts.length === 3) {
          const doc = resourceList(deps.registry, parts[1]!, parts[2]!);
          return doc ? reply(200, doc) : reply(404, statuses.noRoute());
        }
      }
      const path = parseResourcePath(url.pathname);
      const type = path ? deps.registry.find(path.group, path.version, path.resource) : undefined;
      if (!path || !type || path.subresource !== undefined) {
        record.status = 404;
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('404 page not found\n');
      }
      if (!type.namespaced && path.namespace !== undefined) return reply(404, statuses.noRoute());
      const verb = verbOf(req.method ?? 'GET', path, url.searchParams);
      if (!type.verbs.includes(verb as never)) return reply(405, statuses.methodNotAllowed());
      const namespace = type.namespaced ? path.namespace : undefined;
      if (!deps.authorizer.allowedBy(user, { verb, group: type.group, resource: type.plural, ...(namespace ? { namespace } : {}), ...(path.name ? { name: path.name } : {}) })) {
        return reply(403, statuses.forbidden(user.name, verb, { group: type.group, resource: type.plural, ...(path.name ? { name: path.name } : {}) }, namespace));
      }
      let contentType = req.headers['content-type'] ?? 'application/json';
      let payload = body;
      if (isProtobuf(contentType)) {
        if (!type.createOnly) return reply(415, statuses.unsupportedMediaType(contentType));
        payload = Buffer.from(JSON.stringify(decodeSelfSubjectAccessReview(body)));
        contentType = 'application/json';
      }
      const apiReq: ApiRequest = {
        method: req.method ?? 'GET',
        user,
        type,
        namespace,
        name: path.name,
        query: url.searchParams,
        contentType,
        body: payload,
        userAgent: req.headers['user-agent'] ?? '',
      };
      if (verb === 'watch') {
        record.status = 200;
        return serveWatch(res, deps.store, type, namespace, url.searchParams, deps.watchClosers);
      }
      const response = dispatch(deps.handlers, verb, apiReq);
      respond(response, type, req.headers.accept, deps, reply);
    } catch (error) {
      if (error instanceof ApiError) return reply(error.status.code, error.status);
      return reply(500, statuses.internal((error as Error).message));
    }
  };
}

function dispatch(handlers: ResourceHandlers, verb: string, req: ApiRequest): ApiResponse {
  switch (verb) {
    case 'get':
      return handlers.get(req);
    case 'list':
      return handlers.list(req);
    case 'create':
      return handlers.create(req);
    case 'update':
      return handlers.update(req);
    case 'patch':
      return handlers.patch(req);
    case 'delete':
      return handlers.delete(req);
    case 'deletecollection':
      return handlers.deleteCollection(req);
    default:
      throw new ApiError(statuses.methodNotAllowed());
  }
}

function respond(response: ApiResponse, type: ResourceType, accept: string | undefined, deps: RouterDeps, reply: (status: number, body: unknown, headers?: Record<string, string | string[]>) => void): void {
  const headers: Record<string, string | string[]> = {};
  if (response.warnings?.length) headers.warning = response.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  const body = response.body as JsonObject;
  if (wantsTable(accept) && (body.kind === type.kind || body.kind === type.listKind)) {
    const items = body.kind === type.listKind ? (body.items as JsonObject[]) : [body];
    headers['content-type'] = TABLE_CONTENT_TYPE;
    return reply(response.status, toTable(items, type.kind, deps.store.revision, deps.clock()), headers);
  }
  reply(response.status, body, headers);
}
