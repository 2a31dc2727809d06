// Kyma's request parameters: a secret holds JSON documents of headers and query parameters that the gateway
// adds to each call of an endpoint (API keys and the like). They are checked when the config is compiled, so a
// bad secret is refused with the field named instead of failing every request later.
// Values are secret: messages name the secret, the key and the header or parameter, never a value.
import type { OutgoingHeaders } from '../proxy/forward-headers';
import { parameterHeaderNameProblem, parameterHeaderValueProblem } from '../config/header-rules';
import { parameterQueryNameProblem, parameterQueryValueProblem } from '../config/query-parameter-rules';
import type { RequestParametersSecret } from '../config/endpoint-security-schema';
import type { SecretResolver } from '../secrets/secret-source';
import { secretId } from '../config/secret-names';
import { GatehouseError } from '../errors/gatehouse-error';

export interface RequestParameters {
  /** Lower-case header name → values, in the secret's order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** Parameter name → values, in the secret's order. */
  readonly queryParameters: ReadonlyMap<string, readonly string[]>;
}

export class RequestParametersError extends GatehouseError {
  readonly code = 'GATEHOUSE_REQUEST_PARAMETERS';
  constructor(
    /** E.g. `headers["X-Api-Key"][0]`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestParametersError';
  }
}

export const EMPTY_REQUEST_PARAMETERS: RequestParameters = { headers: new Map(), queryParameters: new Map() };

/**
 * A name that can be quoted in a message: a token (RFC 9110) of at most 64 characters. Anything else may be a
 * secret pasted in with its name (`"X-Api-Key: AK-…"`), and is named by its position instead (`headers[#2]`).
 */
const QUOTABLE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

function field(document: string, name: string, position: number, index?: number): string {
  const which = QUOTABLE_NAME.test(name) ? JSON.stringify(name) : `#${position + 1}`;
  return `${document}[${which}]${index === undefined ? '' : `[${index}]`}`;
}

/** `{"name": ["value", ...]}`, as Kyma stores it; `document` names the key for messages. */
function parseNameToValues(text: string, document: string): [string, string[]][] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input.
    throw new RequestParametersError(document, `${document}: not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RequestParametersError(document, `${document}: expected a JSON object of name → array of strings, e.g. {"X-Api-Key": ["..."]}`);
  }
  return Object.entries(json).map(([name, values], position) => {
    if (!Array.isArray(values) || values.length === 0) {
      throw new RequestParametersError(field(document, name, position), `${field(document, name, position)}: expected a non-empty array of strings`);
    }
    values.forEach((value: unknown, i) => {
      if (typeof value !== 'string') throw new RequestParametersError(field(document, name, position, i), `${field(document, name, position, i)}: expected a string`);
    });
    return [name, values as string[]];
  });
}

export function parseHeaderParameters(text: string, document = 'headers'): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [position, [name, values]] of parseNameToValues(text, document).entries()) {
    const path = field(document, name, position);
    const nameProblem = parameterHeaderNameProblem(name, headers.keys());
    if (nameProblem) throw new RequestParametersError(path, `${path}: ${nameProblem}`);
    values.forEach((value, i) => {
      const at = field(document, name, position, i);
      const valueProblem = parameterHeaderValueProblem(value);
      if (valueProblem) throw new RequestParametersError(at, `${at}: ${valueProblem}`);
    });
    headers.set(name.toLowerCase(), values);
  }
  return headers;
}

export function parseQueryParameters(text: string, document = 'queryParameters'): Map<string, string[]> {
  const query = new Map<string, string[]>();
  for (const [position, [name, values]] of parseNameToValues(text, document).entries()) {
    const path = field(document, name, position);
    const nameProblem = parameterQueryNameProblem(name);
    if (nameProblem) throw new RequestParametersError(path, `${path}: ${nameProblem}`);
    values.forEach((value, i) => {
      const at = field(document, name, position, i);
      const valueProblem = parameterQueryValueProblem(value);
      if (valueProblem) throw new RequestParametersError(at, `${at}: ${valueProblem}`);
    });
    query.set(name, values);
  }
  return query;
}

export interface RequestParametersData {
  headers?: string;
  queryParameters?: string;
}

/** Parses both documents; `labels` name them in messages (e.g. `secret "erp-params" key "headers"`). */
export function parseRequestParameters(data: RequestParametersData, labels: { headers: string; queryParameters: string } = { headers: 'headers', queryParameters: 'queryParameters' }): RequestParameters {
  return {
    headers: data.headers === undefined ? new Map() : parseHeaderParameters(data.headers, labels.headers),
    queryParameters: data.queryParameters === undefined ? new Map() : parseQueryParameters(data.queryParameters, labels.queryParameters),
  };
}

/** Reads and checks an endpoint's request-parameters secret; `usedBy` prefixes messages (e.g. `service "erp"`). */
export async function resolveRequestParameters(ref: RequestParametersSecret, secrets: SecretResolver, usedBy: string): Promise<RequestParameters> {
  const secret = { name: ref.secret, namespace: ref.namespace };
  const data = await secrets.readSecret(secret, usedBy);
  const secretLabel = `secret "${secretId(secret)}"`;
  const headers = data[ref.headersKey];
  const queryParameters = data[ref.queryParametersKey];
  if (headers === undefined && queryParameters === undefined) {
    throw new RequestParametersError('(secret)', `${usedBy}: ${secretLabel} has neither a "${ref.headersKey}" nor a "${ref.queryParametersKey}" key`);
  }
  try {
    return parseRequestParameters({ headers, queryParameters }, { headers: ref.headersKey, queryParameters: ref.queryParametersKey });
  } catch (error) {
    if (!(error instanceof RequestParametersError)) throw error;
    throw new RequestParametersError(error.field, `${usedBy}: ${secretLabel} key ${error.message}`);
  }
}

/** Adds the secret's headers the caller did not send itself: the caller's own values win. Names are lower case. */
export function applyRequestHeaders(headers: OutgoingHeaders, parameters: RequestParameters): void {
  for (const [name, values] of parameters.headers) {
    if (headers[name] !== undefined) continue;
    headers[name] = values.length === 1 ? values[0]! : [...values];
  }
}

function queryNames(query: string): Set<string> {
  return new Set(new URLSearchParams(query).keys());
}

/**
 * The query sent upstream, `?`-prefixed or '': the target URL's own query first, then the secret's parameters
 * that neither the target URL nor the caller already names, then the caller's query. Target and caller queries
 * are passed through unchanged. A name already present keeps its value alone, as Kyma's gateway does: a backend
 * reading the first (or the last) of two `sap-client` values would otherwise depend on which one it picks.
 */
export function mergeQuery(targetQuery: string, parameters: RequestParameters['queryParameters'], callerQuery: string): string {
  const target = targetQuery.replace(/^\?/, '');
  const caller = callerQuery.replace(/^\?/, '');
  const presentNames = new Set([...queryNames(target), ...queryNames(caller)]);
  const injected: string[] = [];
  for (const [name, values] of parameters) {
    if (presentNames.has(name)) continue;
    for (const value of values) injected.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  const parts = [target, ...injected, caller].filter((part) => part !== '');
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
