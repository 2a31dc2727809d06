// What the endpoint-security section edits, per endpoint (production = the service's own fields, sandbox =
// `service.sandbox`): the authentication method with its secret reference, CSRF, request parameters and TLS.
// Values typed "now" (a password, a client secret, PEMs, header values) are part of the draft only until the
// save sends them to the vault with `secrets:set`; the workspace gets the secret's name and key names.
import type { Service } from '../../../gateway/config/schema';
import type { ClientAuthMethod } from '../../../gateway/config/endpoint-security-schema';
import type { KeyValueRow } from './key-value-rows';
import { parameterHeaderNameProblem, parameterHeaderValueProblem } from '../../../gateway/config/header-rules';
import { basicPasswordProblem, basicUserIdProblem } from '../../../gateway/config/basic-credential-rules';
import { loneSurrogateProblem } from '../../../gateway/config/lone-surrogates';

export type SecurityType = 'none' | 'basic' | 'oauth2-client-credentials' | 'client-certificate';
export type TlsMode = 'system' | 'ca' | 'skip';
export type EnvironmentName = 'production' | 'sandbox';

export interface EndpointDraft {
  /** Sandbox only: its upstream URL. */
  upstreamUrl: string;
  type: SecurityType;
  /** Secret of the authentication method; empty: `<service>-<environment>-credentials`. */
  secret: string;
  /** Carried over, not edited. */
  namespace: string;
  usernameKey: string;
  passwordKey: string;
  tokenUrl: string;
  clientIdKey: string;
  clientSecretKey: string;
  /** With `tls_client_auth`, `certificateKey` and `privateKeyKey` name the OAuth secret's certificate and key. */
  clientAuth: ClientAuthMethod;
  scope: string;
  /** Carried over, not edited (set by a Kyma-style setup): keys of the token request's headers / query parameters. */
  tokenRequestHeadersKey: string;
  tokenRequestQueryParametersKey: string;
  certificateKey: string;
  privateKeyKey: string;
  caKey: string;
  /** Enter the credentials now: they are saved to the vault under `secret`. */
  enterNow: boolean;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
  csrfUrl: string;
  paramsOn: boolean;
  paramsSecret: string;
  paramsNamespace: string;
  paramsEnterNow: boolean;
  headers: KeyValueRow[];
  query: KeyValueRow[];
  tlsMode: TlsMode;
  tlsCaSecret: string;
  tlsCaNamespace: string;
  tlsCaKey: string;
  tlsCaPem: string;
}

export interface SecurityDraft {
  production: EndpointDraft;
  sandboxOn: boolean;
  sandbox: EndpointDraft;
  defaultEnvironment: EnvironmentName;
}

type EndpointSource = Pick<Service, 'endpointSecurity' | 'csrf' | 'requestParametersSecret' | 'tls'>;

/** The default secret of each kind of credential, so switching kinds never writes into the other kind's secret. */
export const CREDENTIAL_SECRET_PURPOSE = { basic: 'credentials', 'oauth2-client-credentials': 'oauth-client', 'client-certificate': 'client-certificate' } as const;

export function defaultSecretName(service: string, environment: EnvironmentName, purpose: 'credentials' | 'oauth-client' | 'client-certificate' | 'request-parameters' | 'ca'): string {
  const base = (service.trim() || 'service').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return `${base.slice(0, 63 - environment.length - purpose.length - 2).replace(/[^a-z0-9]+$/, '') || 'service'}-${environment}-${purpose}`;
}

export function endpointDraft(source: EndpointSource | undefined, upstreamUrl = ''): EndpointDraft {
  const s = source?.endpointSecurity;
  const params = source?.requestParametersSecret;
  const tls = source?.tls;
  return {
    upstreamUrl,
    type: s?.type ?? 'none',
    secret: s?.secret ?? '',
    namespace: s?.namespace ?? '',
    usernameKey: s?.type === 'basic' ? s.usernameKey : 'username',
    passwordKey: s?.type === 'basic' ? s.passwordKey : 'password',
    tokenUrl: s?.type === 'oauth2-client-credentials' ? s.tokenUrl : '',
    clientIdKey: s?.type === 'oauth2-client-credentials' ? s.clientIdKey : 'clientId',
    clientSecretKey: s?.type === 'oauth2-client-credentials' ? s.clientSecretKey : 'clientSecret',
    clientAuth: s?.type === 'oauth2-client-credentials' ? s.clientAuth : 'client_secret_basic',
    scope: s?.type === 'oauth2-client-credentials' ? (s.scope ?? '') : '',
    tokenRequestHeadersKey: s?.type === 'oauth2-client-credentials' ? (s.tokenRequestHeadersKey ?? '') : '',
    tokenRequestQueryParametersKey: s?.type === 'oauth2-client-credentials' ? (s.tokenRequestQueryParametersKey ?? '') : '',
    certificateKey: (s?.type === 'client-certificate' || s?.type === 'oauth2-client-credentials' ? s.certificateKey : undefined) ?? 'crt',
    privateKeyKey: (s?.type === 'client-certificate' || s?.type === 'oauth2-client-credentials' ? s.privateKeyKey : undefined) ?? 'key',
    caKey: s?.type === 'client-certificate' ? (s.caKey ?? '') : '',
    enterNow: false,
    username: '',
    password: '',
    clientId: '',
    clientSecret: '',
    certificatePem: '',
    privateKeyPem: '',
    caPem: '',
    csrfUrl: source?.csrf?.tokenEndpointUrl ?? '',
    paramsOn: params !== undefined,
    paramsSecret: params?.secret ?? '',
    paramsNamespace: params?.namespace ?? '',
    paramsEnterNow: false,
    headers: [],
    query: [],
    tlsMode: tls?.skipVerify ? 'skip' : tls?.caSecret ? 'ca' : 'system',
    tlsCaSecret: tls?.caSecret?.secret ?? '',
    tlsCaNamespace: tls?.caSecret?.namespace ?? '',
    tlsCaKey: tls?.caSecret?.key ?? 'ca.crt',
    tlsCaPem: '',
  };
}

export function securityDraft(service?: Service): SecurityDraft {
  const sandboxUpstream = service?.sandbox?.upstream;
  return {
    production: endpointDraft(service),
    sandboxOn: service?.sandbox !== undefined,
    sandbox: endpointDraft(service?.sandbox, sandboxUpstream && 'url' in sandboxUpstream ? sandboxUpstream.url : ''),
    defaultEnvironment: service?.defaultEnvironment ?? 'production',
  };
}

const withNamespace = (ref: Record<string, unknown>, namespace: string) => (namespace ? { ...ref, namespace } : ref);

/** The secret names the draft uses, empty ones replaced by their defaults. */
export function resolvedNames(draft: EndpointDraft, service: string, environment: EnvironmentName) {
  return {
    secret: draft.secret.trim() || defaultSecretName(service, environment, 'credentials'),
    params: draft.paramsSecret.trim() || defaultSecretName(service, environment, 'request-parameters'),
    ca: draft.tlsCaSecret.trim() || defaultSecretName(service, environment, 'ca'),
  };
}

/** `endpointSecurity`, `csrf`, `requestParametersSecret` and `tls` of one endpoint, as the schema reads them (absent ones omitted). */
export function endpointOptionsFromDraft(draft: EndpointDraft, service: string, environment: EnvironmentName): Record<string, unknown> {
  const names = resolvedNames(draft, service, environment);
  const out: Record<string, unknown> = {};
  const secret = withNamespace({ secret: names.secret }, draft.namespace);
  if (draft.type === 'basic') out.endpointSecurity = { type: 'basic', ...secret, usernameKey: draft.usernameKey.trim(), passwordKey: draft.passwordKey.trim() };
  else if (draft.type === 'oauth2-client-credentials') {
    const oauth: Record<string, unknown> = { type: draft.type, tokenUrl: draft.tokenUrl.trim(), ...secret, clientIdKey: draft.clientIdKey.trim(), clientSecretKey: draft.clientSecretKey.trim(), clientAuth: draft.clientAuth };
    if (draft.scope.trim() !== '') oauth.scope = draft.scope.trim();
    if (draft.tokenRequestHeadersKey !== '') oauth.tokenRequestHeadersKey = draft.tokenRequestHeadersKey;
    if (draft.tokenRequestQueryParametersKey !== '') oauth.tokenRequestQueryParametersKey = draft.tokenRequestQueryParametersKey;
    if (draft.clientAuth === 'tls_client_auth') Object.assign(oauth, { certificateKey: draft.certificateKey.trim(), privateKeyKey: draft.privateKeyKey.trim() });
    out.endpointSecurity = oauth;
  } else if (draft.type === 'client-certificate') {
    const cert: Record<string, unknown> = { type: draft.type, ...secret, certificateKey: draft.certificateKey.trim(), privateKeyKey: draft.privateKeyKey.trim() };
    const caKey = draft.caKey.trim() || (draft.enterNow && draft.caPem.trim() !== '' ? 'ca.crt' : '');
    if (caKey) cert.caKey = caKey;
    out.endpointSecurity = cert;
  }
  if (draft.csrfUrl.trim() !== '') out.csrf = { tokenEndpointUrl: draft.csrfUrl.trim() };
  if (draft.paramsOn) out.requestParametersSecret = withNamespace({ secret: names.params, headersKey: 'headers', queryParametersKey: 'queryParameters' }, draft.paramsNamespace);
  if (draft.tlsMode === 'skip') out.tls = { skipVerify: true };
  else if (draft.tlsMode === 'ca') out.tls = { skipVerify: false, caSecret: withNamespace({ secret: names.ca, key: draft.tlsCaKey.trim() || 'ca.crt' }, draft.tlsCaNamespace) };
  return out;
}

const OPTION_KEYS = ['endpointSecurity', 'csrf', 'requestParametersSecret', 'tls'] as const;

/** Writes the security draft into a service object (from `serviceFromDraft`), keeping what it does not edit. */
export function applySecurityDraft(service: Record<string, unknown>, draft: SecurityDraft, existing: Service | undefined): Record<string, unknown> {
  const name = String(service.name ?? '');
  const next: Record<string, unknown> = { ...service };
  for (const key of OPTION_KEYS) delete next[key];
  Object.assign(next, endpointOptionsFromDraft(draft.production, name, 'production'));
  if (draft.sandboxOn) {
    const sandbox: Record<string, unknown> = { ...(existing?.sandbox ?? {}) };
    for (const key of OPTION_KEYS) delete sandbox[key];
    const keepServiceInfo = existing?.sandbox && 'serviceInfo' in existing.sandbox.upstream && draft.sandbox.upstreamUrl.trim() === '';
    if (!keepServiceInfo) sandbox.upstream = { url: draft.sandbox.upstreamUrl.trim() };
    next.sandbox = { ...sandbox, ...endpointOptionsFromDraft(draft.sandbox, name, 'sandbox') };
  } else delete next.sandbox;
  next.defaultEnvironment = draft.sandboxOn ? draft.defaultEnvironment : 'production';
  return next;
}

/** `{"name": ["value", ...]}` from rows (same name twice: both values); blank rows are skipped (a value without a name is refused first). */
export function parametersJson(rows: readonly KeyValueRow[]): string {
  const out: Record<string, string[]> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '') continue;
    (out[name] ??= []).push(row.value);
  }
  return JSON.stringify(out);
}

export interface SecretWrite {
  environment: EnvironmentName;
  /** Field the write belongs to, relative to the endpoint (for error messages). */
  field: readonly string[];
  name: string;
  namespace?: string;
  data: Record<string, string>;
}

export interface InlineProblem {
  environment: EnvironmentName;
  field: readonly (string | number)[];
  message: string;
}

/**
 * The headers typed in for the request-parameters secret, checked with the gateway's own rule
 * (gateway/config/header-rules.ts) on the row at fault: a name or value the gateway would refuse is said there,
 * before anything is written, not after a round trip on the "Add request parameters" checkbox.
 */
function parameterHeaderProblems(rows: readonly KeyValueRow[], environment: EnvironmentName): InlineProblem[] {
  const problems: InlineProblem[] = [];
  rows.forEach((row, i) => {
    const name = row.name.trim();
    if (name === '') return;
    // Rows of the same name are one header with several values (parametersJson); another case is another row.
    const earlier = rows.slice(0, i).map((r) => r.name.trim()).filter((n) => n !== '' && n !== name).map((n) => n.toLowerCase());
    const nameProblem = parameterHeaderNameProblem(name, earlier);
    if (nameProblem) problems.push({ environment, field: ['enteredParameterHeaders', i, 'name'], message: nameProblem });
    const valueProblem = parameterHeaderValueProblem(row.value);
    if (valueProblem) problems.push({ environment, field: ['enteredParameterHeaders', i, 'value'], message: valueProblem });
  });
  return problems;
}

/** A row with a value but no name would be dropped unsaid: said on its name instead. */
function unnamedRowProblems(rows: readonly KeyValueRow[], field: 'enteredParameterHeaders' | 'enteredParameterQuery', what: string, environment: EnvironmentName): InlineProblem[] {
  return rows.flatMap((row, i) => (row.name.trim() === '' && row.value !== '' ? [{ environment, field: [field, i, 'name'], message: `enter the ${what}'s name, or remove the row` }] : []));
}

/** The vault writes the typed-in values need, and what is missing from them. */
export function secretWrites(draft: EndpointDraft, service: string, environment: EnvironmentName): { writes: SecretWrite[]; problems: InlineProblem[] } {
  const names = resolvedNames(draft, service, environment);
  const writes: SecretWrite[] = [];
  const problems: InlineProblem[] = [];
  const ns = draft.namespace || undefined;
  const need = (field: string[], value: string, what: string, rule?: (value: string) => string | undefined) => {
    if (value.trim() === '') problems.push({ environment, field, message: `enter the ${what}, or untick “enter now” to use the stored secret` });
    else {
      const problem = rule?.(value);
      if (problem) problems.push({ environment, field, message: problem });
    }
  };
  if (draft.enterNow && draft.type === 'basic') {
    // The gateway's own RFC 7617 rule: credentials it would refuse to send are refused here, before any write.
    need(['endpointSecurity', 'enteredUsername'], draft.username, 'username', basicUserIdProblem);
    need(['endpointSecurity', 'enteredPassword'], draft.password, 'password', basicPasswordProblem);
    writes.push({ environment, field: ['endpointSecurity', 'secret'], name: names.secret, namespace: ns, data: { [draft.usernameKey.trim() || 'username']: draft.username, [draft.passwordKey.trim() || 'password']: draft.password } });
  } else if (draft.enterNow && draft.type === 'oauth2-client-credentials' && draft.clientAuth === 'tls_client_auth') {
    // The client's certificate instead of a secret (RFC 8705 tls_client_auth).
    need(['endpointSecurity', 'enteredClientId'], draft.clientId, 'client id', loneSurrogateProblem);
    need(['endpointSecurity', 'enteredCertificate'], draft.certificatePem, 'PEM certificate');
    need(['endpointSecurity', 'enteredPrivateKey'], draft.privateKeyPem, 'PEM private key');
    const data = { [draft.clientIdKey.trim() || 'clientId']: draft.clientId, [draft.certificateKey.trim() || 'crt']: draft.certificatePem, [draft.privateKeyKey.trim() || 'key']: draft.privateKeyPem };
    writes.push({ environment, field: ['endpointSecurity', 'secret'], name: names.secret, namespace: ns, data });
  } else if (draft.enterNow && draft.type === 'oauth2-client-credentials') {
    need(['endpointSecurity', 'enteredClientId'], draft.clientId, 'client id', loneSurrogateProblem);
    need(['endpointSecurity', 'enteredClientSecret'], draft.clientSecret, 'client secret', loneSurrogateProblem);
    writes.push({ environment, field: ['endpointSecurity', 'secret'], name: names.secret, namespace: ns, data: { [draft.clientIdKey.trim() || 'clientId']: draft.clientId, [draft.clientSecretKey.trim() || 'clientSecret']: draft.clientSecret } });
  } else if (draft.enterNow && draft.type === 'client-certificate') {
    need(['endpointSecurity', 'enteredCertificate'], draft.certificatePem, 'PEM certificate');
    need(['endpointSecurity', 'enteredPrivateKey'], draft.privateKeyPem, 'PEM private key');
    const data: Record<string, string> = { [draft.certificateKey.trim() || 'crt']: draft.certificatePem, [draft.privateKeyKey.trim() || 'key']: draft.privateKeyPem };
    if (draft.caPem.trim() !== '') data[draft.caKey.trim() || 'ca.crt'] = draft.caPem;
    writes.push({ environment, field: ['endpointSecurity', 'secret'], name: names.secret, namespace: ns, data });
  }
  if (draft.paramsOn && draft.paramsEnterNow) {
    problems.push(...parameterHeaderProblems(draft.headers, environment), ...unnamedRowProblems(draft.headers, 'enteredParameterHeaders', 'header', environment), ...unnamedRowProblems(draft.query, 'enteredParameterQuery', 'query parameter', environment));
    writes.push({ environment, field: ['requestParametersSecret'], name: names.params, namespace: draft.paramsNamespace || undefined, data: { headers: parametersJson(draft.headers), queryParameters: parametersJson(draft.query) } });
  }
  if (draft.tlsMode === 'ca' && draft.tlsCaPem.trim() !== '') {
    writes.push({ environment, field: ['tls', 'caSecret'], name: names.ca, namespace: draft.tlsCaNamespace || undefined, data: { [draft.tlsCaKey.trim() || 'ca.crt']: draft.tlsCaPem } });
  }
  return { writes: problems.length > 0 ? [] : writes, problems };
}

