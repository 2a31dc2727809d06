// WSO2 APK Conf (YAML): `endpointConfigurations.production|sandbox` with `endpoint` as a URL or a
// Kubernetes Service `{name, namespace, port, protocol}`, and `endpointSecurity.securityType`
// `{secretName, userNameKey, passwordKey}`; `operations` become routes, and an operation with its own
// `endpointConfigurations` (APK's resource-level endpoint) a service of its own that only its route reaches. The
// API is served where APK serves it: `basePath` then `version`.
import type { EndpointSecurityInput } from '../../../gateway/config/endpoint-security-schema';
import { HTTP_METHODS, type Upstream } from '../../../gateway/config/schema';
import { ImportError, emptyImport, resourceNameFrom, type ImportResult, type ServiceInput } from './import-result';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function upstreamOf(endpoint: unknown, field: string, source: string): Upstream {
  if (typeof endpoint === 'string' && endpoint !== '') return { url: endpoint };
  if (isObject(endpoint) && typeof endpoint.name === 'string') {
    const protocol = endpoint.protocol === 'https' ? 'https' : 'http';
    return {
      serviceInfo: {
        name: endpoint.name,
        namespace: typeof endpoint.namespace === 'string' ? endpoint.namespace : 'default',
        ...(endpoint.port !== undefined ? { port: Number(endpoint.port) } : {}),
        protocol,
      },
    };
  }
  throw new ImportError(source, field, 'expected a URL or {name, namespace, port, protocol}');
}

/**
 * APK's API-key endpoint security (`in`, `apiKeyNameKey`, `apiKeyValueKey`: a header or query parameter from a
 * secret; its BackendAPIKeyAuth feature) is refused: read as Basic, the backend would get the wrong credentials.
 */
const API_KEY_FIELDS = ['in', 'apiKeyNameKey', 'apiKeyValueKey'] as const;

function securityOf(security: unknown, field: string, source: string): EndpointSecurityInput | undefined {
  if (!isObject(security) || security.enabled === false) return undefined;
  const type = isObject(security.securityType) ? security.securityType : undefined;
  const apiKeyField = type && API_KEY_FIELDS.find((key) => key in type);
  if (apiKeyField) throw new ImportError(source, `${field}.securityType.${apiKeyField}`, "APK's API-key endpoint security is not supported: Gatehouse sends a backend Basic credentials, OAuth 2.0 tokens or a client certificate; nothing was imported");
  if (!type || typeof type.secretName !== 'string') throw new ImportError(source, `${field}.securityType.secretName`, 'expected the name of the Secret holding the credentials');
  return {
    type: 'basic',
    secret: type.secretName,
    ...(typeof type.userNameKey === 'string' ? { usernameKey: type.userNameKey } : {}),
    ...(typeof type.passwordKey === 'string' ? { passwordKey: type.passwordKey } : {}),
  };
}

/** APK lists endpoints per environment; Gatehouse serves the first. */
function firstEndpoint(value: unknown): Json | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return isObject(first) ? first : undefined;
}

/** A service from an `endpointConfigurations` (the API's, or an operation's at `field`): production, and sandbox if listed. */
function serviceOf(configurations: unknown, field: string, name: string, pathPrefix: string, source: string): ServiceInput {
  const listed = isObject(configurations) ? configurations : undefined;
  const production = firstEndpoint(listed?.production);
  if (!production) throw new ImportError(source, `${field}.production`, 'expected an endpoint');
  const service: ServiceInput = {
    name,
    pathPrefix,
    upstream: upstreamOf(production.endpoint, `${field}.production.endpoint`, source),
    endpointSecurity: securityOf(production.endpointSecurity, `${field}.production.endpointSecurity`, source),
  };
  const sandbox = firstEndpoint(listed?.sandbox);
  if (sandbox) {
    service.sandbox = {
      upstream: upstreamOf(sandbox.endpoint, `${field}.sandbox.endpoint`, source),
      endpointSecurity: securityOf(sandbox.endpointSecurity, `${field}.sandbox.endpointSecurity`, source),
    };
  }
  return service;
}

/**
 * Where APK serves the API: its `basePath` followed by its `version` (APK's own error names the pair as the "API Base
 * Path", `/employees-info/3.14`; its BasicAuth feature calls /basic-auth/3.14/employee/), and with `defaultVersion:
 * true` at `basePath` alone as well.
 */
function servedPaths(conf: Json, name: string): { versioned: string; unversioned?: string } {
  const basePath = typeof conf.basePath === 'string' && conf.basePath.startsWith('/') ? conf.basePath.replace(/\/+$/, '') || '/' : `/${name}`;
  const version = typeof conf.version === 'string' || typeof conf.version === 'number' ? String(conf.version).trim() : '';
  if (version === '') return { versioned: basePath };
  const versioned = `${basePath === '/' ? '' : basePath}/${version}`;
  return conf.defaultVersion === true ? { versioned, unversioned: basePath } : { versioned };
}

/**
 * The default version's copy of every service and route (APK makes a second route for it), named with a `-default`
 * suffix: a Gatehouse service has one path prefix.
 */
function addDefaultVersion(result: ImportResult, unversioned: string): void {
  const renamed = (name: string) => resourceNameFrom(`${name}-default`);
  const services = result.services.map((service) => ({ ...service, name: renamed(service.name), pathPrefix: unversioned }));
  const routes = result.routes.map((route) => ({ ...route, name: renamed(route.name), service: renamed(route.service) }));
  result.services.push(...services);
  result.routes.push(...routes);
  result.notes.push(`defaultVersion: served at ${unversioned} as well as with its version, as APK serves it (services ${services.map((s) => s.name).join(', ')})`);
}

export function importApkConf(conf: Json, source: string, options: { name?: string } = {}): ImportResult {
  const name = resourceNameFrom(options.name ?? String(conf.name ?? conf.basePath ?? 'apk-api'));
  const result = emptyImport();
  const paths = servedPaths(conf, name);
  const basePath = paths.versioned;
  result.services.push(serviceOf(conf.endpointConfigurations, 'endpointConfigurations', name, basePath, source));
  const operations = Array.isArray(conf.operations) ? conf.operations : [];
  operations.forEach((op: unknown, i) => {
    if (!isObject(op) || typeof op.target !== 'string') throw new ImportError(source, `operations[${i}].target`, 'expected a path');
    const verb = String(op.verb ?? 'GET').toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(verb)) throw new ImportError(source, `operations[${i}].verb`, `expected one of ${HTTP_METHODS.join(', ')}`);
    const wildcard = op.target.endsWith('/*');
    const path = wildcard ? op.target.slice(0, -2) || '/' : op.target;
    const routeName = resourceNameFrom(`${name}-${verb}-${path.replace(/[{}]/g, '')}`);
    // APK sends this operation to its own endpoints, with their own security (or none), not the API's: its
    // BasicAuth feature expects GET /get to carry backend-creds-1's credentials where the API's carry backend-creds'.
    let service = name;
    if (op.endpointConfigurations !== undefined) {
      result.services.push(serviceOf(op.endpointConfigurations, `operations[${i}].endpointConfigurations`, routeName, basePath, source));
      service = routeName;
    }
    result.routes.push({
      name: routeName,
      service,
      path: path.replace(/\{[^}]+\}.*$/, '') || '/',
      match: wildcard || /\{[^}]+\}/.test(path) ? 'prefix' : 'exact',
      methods: [verb as (typeof HTTP_METHODS)[number]],
    });
  });
  if (paths.unversioned !== undefined) addDefaultVersion(result, paths.unversioned);
  return result;
}
