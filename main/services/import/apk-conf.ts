// WSO2 APK Conf (YAML): `endpointConfigurations.production|sandbox` with `endpoint` as a URL or a
// Kubernetes Service `{name, namespace, port, protocol}`, and `endpointSecurity.securityType`
// `{secretName, userNameKey, passwordKey}`; `operations` become routes.
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

function securityOf(security: unknown, field: string, source: string): EndpointSecurityInput | undefined {
  if (!isObject(security) || security.enabled === false) return undefined;
  const type = isObject(security.securityType) ? security.securityType : undefined;
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

export function importApkConf(conf: Json, source: string, options: { name?: string } = {}): ImportResult {
  const configurations = isObject(conf.endpointConfigurations) ? conf.endpointConfigurations : undefined;
  const production = firstEndpoint(configurations?.production);
  if (!production) throw new ImportError(source, 'endpointConfigurations.production', 'expected an endpoint');
  const name = resourceNameFrom(options.name ?? String(conf.name ?? conf.basePath ?? 'apk-api'));
  const basePath = typeof conf.basePath === 'string' && conf.basePath.startsWith('/') ? conf.basePath : `/${name}`;
  const service: ServiceInput = {
    name,
    pathPrefix: basePath,
    upstream: upstreamOf(production.endpoint, 'endpointConfigurations.production.endpoint', source),
    endpointSecurity: securityOf(production.endpointSecurity, 'endpointConfigurations.production.endpointSecurity', source),
  };
  const sandbox = firstEndpoint(configurations?.sandbox);
  if (sandbox) {
    service.sandbox = {
      upstream: upstreamOf(sandbox.endpoint, 'endpointConfigurations.sandbox.endpoint', source),
      endpointSecurity: securityOf(sandbox.endpointSecurity, 'endpointConfigurations.sandbox.endpointSecurity', source),
    };
  }
  const result = emptyImport();
  result.services.push(service);
  const operations = Array.isArray(conf.operations) ? conf.operations : [];
  operations.forEach((op: unknown, i) => {
    if (!isObject(op) || typeof op.target !== 'string') throw new ImportError(source, `operations[${i}].target`, 'expected a path');
    const verb = String(op.verb ?? 'GET').toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(verb)) throw new ImportError(source, `operations[${i}].verb`, `expected one of ${HTTP_METHODS.join(', ')}`);
    const wildcard = op.target.endsWith('/*');
    const path = wildcard ? op.target.slice(0, -2) || '/' : op.target;
    result.routes.push({
      name: resourceNameFrom(`${name}-${verb}-${path.replace(/[{}]/g, '')}`),
      service: name,
      path: path.replace(/\{[^}]+\}.*$/, '') || '/',
      match: wildcard || /\{[^}]+\}/.test(path) ? 'prefix' : 'exact',
      methods: [verb as (typeof HTTP_METHODS)[number]],
    });
  });
  return result;
}
