// WSO2 APK's REST API endpoint definitions, accepted as its documentation writes them:
// `endpointConfig` (production/sandbox URLs) and `serviceInfo` (a Kubernetes Service), each with
// `endpoint_security.production|sandbox` either `{secretRefName}` or inline `{username, password}`.
import type { EndpointSecurityInput } from '../../../gateway/config/endpoint-security-schema';
import { basicPasswordProblem, basicUserIdProblem } from '../../../gateway/auth/basic-credentials';
import { ImportError, emptyImport, resourceNameFrom, type ImportResult, type ServiceInput } from './import-result';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ApkImportOptions {
  /** Name of the service (the API); by default derived from the endpoint. */
  name?: string;
}

/**
 * Inline credentials that RFC 7617 §2 cannot carry, by the rules the gateway checks an endpoint's Basic credentials
 * with (gateway/security/basic-endpoint.ts), refuse the import: imported, they made a workspace that the headless
 * gateway refused to start with and that the app served without this service, after "imported 1 service". A note
 * would not do: nothing can send them as written (a backend splits a user-id at its first ":" and takes the rest
 * for the password), and the document is what has to change.
 */
function checkInlineCredentials(username: string, password: string, field: string, source: string): void {
  const cannot = 'no Basic client can send it as written, so nothing was imported';
  const userIdProblem = basicUserIdProblem(username);
  if (userIdProblem) throw new ImportError(source, `${field}.username`, `${userIdProblem}; ${cannot}`);
  const passwordProblem = basicPasswordProblem(password);
  if (passwordProblem) throw new ImportError(source, `${field}.password`, `${passwordProblem}; ${cannot}`);
  if (username === '' && password === '') throw new ImportError(source, field, 'username and password are both empty: no credentials to send');
}

function endpointSecurity(security: unknown, environment: 'production' | 'sandbox', serviceName: string, field: string, source: string, result: ImportResult): EndpointSecurityInput | undefined {
  if (security === undefined) return undefined;
  if (!isObject(security)) throw new ImportError(source, field, 'expected an object');
  if (security.enabled === false) return undefined;
  const type = String(security.type ?? 'Basic');
  if (type.toLowerCase() !== 'basic') throw new ImportError(source, `${field}.type`, `only "Basic" endpoint security exists in APK's endpointConfig (got "${type}")`);
  if (typeof security.secretRefName === 'string' && security.secretRefName !== '') {
    return { type: 'basic', secret: security.secretRefName };
  }
  if (typeof security.username === 'string' && typeof security.password === 'string') {
    checkInlineCredentials(security.username, security.password, field, source);
    const secret = `${serviceName}-${environment}-credentials`;
    result.secrets.push({ name: secret, data: { username: security.username, password: security.password } });
    result.notes.push(`${field}: the inline username and password went to the vault as secret "${secret}"`);
    return { type: 'basic', secret };
  }
  throw new ImportError(source, field, 'needs secretRefName, or username and password');
}

function endpointUrl(endpoints: unknown, field: string, source: string): string {
  const url = isObject(endpoints) ? endpoints.url : undefined;
  if (typeof url !== 'string' || url === '') throw new ImportError(source, `${field}.url`, 'expected the endpoint URL');
  return url;
}

export function importApkEndpointConfig(config: unknown, source: string, options: ApkImportOptions = {}): ImportResult {
  if (!isObject(config)) throw new ImportError(source, 'endpointConfig', 'expected an object');
  const type = config.endpoint_type ?? 'http';
  if (type !== 'http' && type !== 'https') throw new ImportError(source, 'endpointConfig.endpoint_type', `"${String(type)}" is not supported: use http`);
  const production = endpointUrl(config.production_endpoints, 'endpointConfig.production_endpoints', source);
  const name = resourceNameFrom(options.name ?? (URL.canParse(production) ? new URL(production).hostname : production));
  const result = emptyImport();
  const security = isObject(config.endpoint_security) ? config.endpoint_security : {};
  const service: ServiceInput = {
    name,
    pathPrefix: `/${name}`,
    upstream: { url: production },
    endpointSecurity: endpointSecurity(security.production, 'production', name, 'endpointConfig.endpoint_security.production', source, result),
  };
  if (config.sandbox_endpoints !== undefined) {
    service.sandbox = {
      upstream: { url: endpointUrl(config.sandbox_endpoints, 'endpointConfig.sandbox_endpoints', source) },
      endpointSecurity: endpointSecurity(security.sandbox, 'sandbox', name, 'endpointConfig.endpoint_security.sandbox', source, result),
    };
  }
  result.services.push(service);
  return result;
}

export function importApkServiceInfo(info: unknown, source: string, options: ApkImportOptions = {}): ImportResult {
  if (!isObject(info)) throw new ImportError(source, 'serviceInfo', 'expected an object');
  if (typeof info.name !== 'string' || info.name === '') throw new ImportError(source, 'serviceInfo.name', 'expected the Kubernetes Service name');
  const namespace = typeof info.namespace === 'string' && info.namespace !== '' ? info.namespace : 'default';
  const name = resourceNameFrom(options.name ?? info.name);
  const result = emptyImport();
  const security = isObject(info.endpoint_security) ? info.endpoint_security : {};
  const port = info.port === undefined ? undefined : Number(info.port);
  result.services.push({
    name,
    pathPrefix: `/${name}`,
    upstream: { serviceInfo: { name: info.name, namespace, ...(port !== undefined ? { port } : {}) } },
    endpointSecurity: endpointSecurity(security.production, 'production', name, 'serviceInfo.endpoint_security.production', source, result),
  });
  if (security.sandbox !== undefined) result.notes.push('serviceInfo.endpoint_security.sandbox: a serviceInfo has one backend; its sandbox security was not imported');
  return result;
}
