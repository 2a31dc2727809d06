// One endpoint's outbound security (production: the service's own fields; sandbox: `sandbox.*`): how the
// gateway authenticates to the backend, CSRF, extra request parameters and TLS trust. Credentials typed
// here go to the vault when the service is saved; the workspace keeps the secret's name and key names.
import { useState, type ChangeEvent } from 'react';
import type { EndpointDraft, EnvironmentName, SecurityType, TlsMode } from '../model/endpoint-security-draft';
import { CREDENTIAL_SECRET_PURPOSE, defaultSecretName } from '../model/endpoint-security-draft';
import { CLIENT_AUTH_METHODS } from '../../../gateway/config/endpoint-security-schema';
import { claimMember, type FieldErrors, type FieldPath } from '../model/field-errors';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { CheckboxField, Field, FieldGroup, RadioGroup } from './Field';
import { KeyValueEditor, type KeyValueRow } from './KeyValueEditor';
import { PasswordInput } from './PasswordInput';

const TYPE_LABEL: Record<SecurityType, string> = { none: 'no', basic: 'Basic', 'oauth2-client-credentials': 'OAuth client', 'client-certificate': 'client-certificate' };

const TYPES: { value: SecurityType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'basic', label: 'Basic' },
  { value: 'oauth2-client-credentials', label: 'OAuth client credentials' },
  { value: 'client-certificate', label: 'Client certificate' },
];

let nextRowId = 1;
const newRow = (): KeyValueRow => ({ id: nextRowId++, name: '', value: '' });

/** Reads a picked file as text (PEMs), through FileReader: the renderer has no file system access. */
function readFileText(event: ChangeEvent<HTMLInputElement>, done: (text: string) => void) {
  const file = event.target.files?.[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => done(typeof reader.result === 'string' ? reader.result : '');
  reader.readAsText(file);
  event.target.value = '';
}

type Check = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; text: string } | { kind: 'error'; text: string };

function CheckResult({ id, check }: { id: string; check: Check }) {
  return (
    <div id={id} role="status" className={check.kind === 'ok' ? 'notice notice-ok' : check.kind === 'error' ? 'notice notice-error' : 'form-status'}>
      {check.kind === 'busy' ? 'Checking…' : check.kind === 'ok' || check.kind === 'error' ? check.text : ''}
    </div>
  );
}

interface PemFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: ReturnType<FieldErrors['for']>;
  hint?: string;
}

export function PemField({ id, label, value, onChange, errors, hint }: PemFieldProps) {
  return (
    <Field id={id} label={label} hint={hint ?? 'Paste PEM text, or pick a file.'} errors={errors}>
      {(c) => (
        <>
          <textarea {...c} className="mono pem" rows={4} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} autoComplete="off" placeholder="-----BEGIN …-----" />
          <input type="file" className="file-pick" aria-label={`${label}: pick a file`} accept=".pem,.crt,.cer,.key,text/plain" onChange={(e) => readFileText(e, onChange)} />
        </>
      )}
    </Field>
  );
}

/** The warning shown wherever backend TLS verification is turned off (`scope`: "this endpoint", …). */
export function TlsSkipWarning({ scope }: { scope: string }) {
  return (
    <div role="alert" className="notice notice-warning tls-warning">
      <strong>{`TLS verification is off for ${scope}.`}</strong> The gateway accepts any certificate and host name from the backend and its token endpoint: anyone on the network path can read and change the traffic, credentials included. Use it only for test systems.
    </div>
  );
}

interface EndpointSecurityFieldsProps {
  environment: EnvironmentName;
  draft: EndpointDraft;
  onChange: (draft: EndpointDraft) => void;
  errors: FieldErrors;
  serviceName: string;
  /** The saved service this form edits, when its saved settings are what the form shows (for "Fetch a token now"). */
  savedName: string | undefined;
  /** The endpoint as saved: switching back to its kind of credentials goes back to its secret. */
  saved: EndpointDraft;
  dirty: boolean;
}

export function EndpointSecurityFields({ environment, draft, onChange, errors, serviceName, savedName, saved, dirty }: EndpointSecurityFieldsProps) {
  const set = (patch: Partial<EndpointDraft>) => onChange({ ...draft, ...patch });
  const base: FieldPath = environment === 'sandbox' ? ['sandbox'] : [];
  const at = (...path: (string | number)[]) => errors.for([...base, ...path]);
  const exact = (...path: (string | number)[]) => at(...path).filter((m) => m.detail === '');
  const id = (suffix: string) => `${environment}-${suffix}`;
  const [token, setToken] = useState<Check>({ kind: 'idle' });
  const [certificate, setCertificate] = useState<Check>({ kind: 'idle' });
  const [moved, setMoved] = useState<{ from: string; to: string; type: SecurityType }>();
  const title = environment === 'production' ? 'Production' : 'Sandbox';

  async function fetchToken() {
    if (!savedName) return;
    setToken({ kind: 'busy' });
    try {
      const result = await gatehouse().invoke('security:fetch-token', { service: savedName, environment });
      setToken({ kind: 'ok', text: `Token received (${result.tokenType}), valid for ${result.expiresInSeconds} s.` });
    } catch (error) {
      setToken({ kind: 'error', text: `No token: ${toFailure(error).message}` });
    }
  }

  async function checkCertificate() {
    setCertificate({ kind: 'busy' });
    try {
      const info = await gatehouse().invoke('security:check-certificate', { crt: draft.certificatePem, key: draft.privateKeyPem });
      setCertificate({ kind: 'ok', text: `The key matches. Subject ${info.subject}; issuer ${info.issuer}; valid until ${new Date(info.validTo).toLocaleString()}.` });
    } catch (error) {
      setCertificate({ kind: 'error', text: toFailure(error).message });
    }
  }

  const secretPlaceholder = defaultSecretName(serviceName, environment, 'credentials');
  // Switching Basic ↔ OAuth ↔ certificate moves to a secret of the new kind instead of writing into the old one, and
  // back to the kind the endpoint has saved, to its saved secret: the name shown is never one derived from a kind
  // visited on the way (which the vault may not hold).
  const changeType = (type: SecurityType) => {
    const current = draft.secret.trim() || secretPlaceholder;
    if (type !== 'none' && type === saved.type) {
      setMoved(undefined);
      return set({ type, secret: saved.secret });
    }
    // Whose credentials the current secret holds: the kind shown, or (after None) the saved kind if it is its secret.
    const holder = draft.type !== 'none' ? draft.type : saved.type !== 'none' && current === (saved.secret.trim() || secretPlaceholder) ? saved.type : undefined;
    if (holder && type !== 'none' && type !== holder) {
      const next = defaultSecretName(serviceName, environment, CREDENTIAL_SECRET_PURPOSE[type]);
      if (next !== current) {
        setMoved({ from: current, to: next, type: holder });
        return set({ type, secret: next });
      }
    }
    set({ type });
  };
  const secretField = (
    <Field id={id('secret')} label="Secret name" hint={`Vault secret holding the credentials. Empty: ${secretPlaceholder}.`} errors={[...at('endpointSecurity', 'secret'), ...at('endpointSecurity', 'namespace')]}>
      {(c) => <input {...c} className="mono" value={draft.secret} placeholder={secretPlaceholder} onChange={(e) => set({ secret: e.target.value })} spellCheck={false} autoComplete="off" />}
    </Field>
  );
  // With tls_client_auth the client proves itself with its certificate: no secret is asked for, so none is named.
  const enterNowLabel = draft.type === 'basic'
    ? 'Enter username and password now'
    : draft.type === 'oauth2-client-credentials'
      ? (draft.clientAuth === 'tls_client_auth' ? 'Enter client id, certificate and key now' : 'Enter client id and secret now')
      : 'Enter certificate and key now';

  return (
    <FieldGroup id={id('endpoint')} legend={`${title} endpoint`} className="endpoint-column">
      {environment === 'sandbox' && (
        <Field id={id('upstream-url')} label="Sandbox upstream URL" hint="The sandbox backend, e.g. https://sandbox.example.com." errors={at('upstream')}>
          {(c) => <input {...c} className="mono" type="url" value={draft.upstreamUrl} onChange={(e) => set({ upstreamUrl: e.target.value })} spellCheck={false} placeholder="https://sandbox.example.com" />}
        </Field>
      )}
      <Field id={id('security-type')} label="Authentication to the backend" errors={[...exact('endpointSecurity'), ...at('endpointSecurity', 'type')]}>
        {(c) => (
          <select {...c} value={draft.type} onChange={(e) => changeType(e.target.value as SecurityType)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        )}
      </Field>

      {draft.type === 'oauth2-client-credentials' && (
        <Field id={id('token-url')} label="Token URL" hint="RFC 6749 client credentials grant, e.g. https://auth.example.com/oauth/token." errors={at('endpointSecurity', 'tokenUrl')}>
          {(c) => <input {...c} className="mono" type="url" value={draft.tokenUrl} onChange={(e) => set({ tokenUrl: e.target.value })} spellCheck={false} />}
        </Field>
      )}
      {moved && moved.to === draft.secret && (
        <p className="notice notice-info" role="status">
          A new secret, <span className="mono">{moved.to}</span>, for the {TYPE_LABEL[draft.type]} credentials: <span className="mono">{moved.from}</span> keeps the {TYPE_LABEL[moved.type]} ones. Type its name above to use it instead.
        </p>
      )}
      {draft.type !== 'none' && secretField}
      {draft.type === 'basic' && (
        <div className="field-grid">
          <Field id={id('username-key')} label="Username key" errors={at('endpointSecurity', 'usernameKey')}>
            {(c) => <input {...c} className="mono" value={draft.usernameKey} onChange={(e) => set({ usernameKey: e.target.value })} spellCheck={false} />}
          </Field>
          <Field id={id('password-key')} label="Password key" errors={at('endpointSecurity', 'passwordKey')}>
            {(c) => <input {...c} className="mono" value={draft.passwordKey} onChange={(e) => set({ passwordKey: e.target.value })} spellCheck={false} />}
          </Field>
        </div>
      )}
      {draft.type === 'oauth2-client-credentials' && (
        <>
          <div className="field-grid">
            <Field id={id('client-id-key')} label="Client id key" errors={at('endpointSecurity', 'clientIdKey')}>
              {(c) => <input {...c} className="mono" value={draft.clientIdKey} onChange={(e) => set({ clientIdKey: e.target.value })} spellCheck={false} />}
            </Field>
            {draft.clientAuth === 'tls_client_auth' ? (
              <>
                <Field id={id('oauth-certificate-key')} label="Certificate key" errors={at('endpointSecurity', 'certificateKey')}>
                  {(c) => <input {...c} className="mono" value={draft.certificateKey} onChange={(e) => set({ certificateKey: e.target.value })} spellCheck={false} />}
                </Field>
                <Field id={id('oauth-private-key-key')} label="Private key key" errors={at('endpointSecurity', 'privateKeyKey')}>
                  {(c) => <input {...c} className="mono" value={draft.privateKeyKey} onChange={(e) => set({ privateKeyKey: e.target.value })} spellCheck={false} />}
                </Field>
              </>
            ) : (
              <Field id={id('client-secret-key')} label="Client secret key" errors={at('endpointSecurity', 'clientSecretKey')}>
                {(c) => <input {...c} className="mono" value={draft.clientSecretKey} onChange={(e) => set({ clientSecretKey: e.target.value })} spellCheck={false} />}
              </Field>
            )}
          </div>
          <Field id={id('client-auth')} label="Client authentication" errors={at('endpointSecurity', 'clientAuth')}>
            {(c) => (
              <select {...c} className="select-wide" value={draft.clientAuth} onChange={(e) => set({ clientAuth: CLIENT_AUTH_METHODS.find((m) => m === e.target.value) ?? 'client_secret_basic' })}>
                <option value="client_secret_basic">In the Authorization header (client_secret_basic)</option>
                <option value="client_secret_post">In the form body (client_secret_post)</option>
                <option value="tls_client_auth">With a client certificate to the token endpoint (tls_client_auth)</option>
              </select>
            )}
          </Field>
          <Field id={id('scope')} label="Scope" hint="Optional, space-separated." errors={at('endpointSecurity', 'scope')}>
            {(c) => <input {...c} className="mono" value={draft.scope} onChange={(e) => set({ scope: e.target.value })} spellCheck={false} />}
          </Field>
        </>
      )}
      {draft.type === 'client-certificate' && (
        <div className="field-grid">
          <Field id={id('certificate-key')} label="Certificate key" errors={at('endpointSecurity', 'certificateKey')}>
            {(c) => <input {...c} className="mono" value={draft.certificateKey} onChange={(e) => set({ certificateKey: e.target.value })} spellCheck={false} />}
          </Field>
          <Field id={id('private-key-key')} label="Private key key" errors={at('endpointSecurity', 'privateKeyKey')}>
            {(c) => <input {...c} className="mono" value={draft.privateKeyKey} onChange={(e) => set({ privateKeyKey: e.target.value })} spellCheck={false} />}
          </Field>
          <Field id={id('ca-key')} label="CA key" hint="Optional." errors={at('endpointSecurity', 'caKey')}>
            {(c) => <input {...c} className="mono" value={draft.caKey} onChange={(e) => set({ caKey: e.target.value })} spellCheck={false} />}
          </Field>
        </div>
      )}

      {draft.type !== 'none' && (
        <CheckboxField id={id('enter-now')} label={enterNowLabel} hint="Saved to the vault under the secret name when you save the service; only the name goes into the workspace." checked={draft.enterNow} onChange={(enterNow) => set({ enterNow })} />
      )}
      {draft.enterNow && draft.type === 'basic' && (
        <div className="sub-fields field-grid">
          <Field id={id('entered-username')} label="Username" errors={at('endpointSecurity', 'enteredUsername')}>
            {(c) => <input {...c} value={draft.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id={id('entered-password')} label="Password" errors={at('endpointSecurity', 'enteredPassword')}>
            {(c) => <PasswordInput {...c} value={draft.password} onChange={(password) => set({ password })} autoComplete="off" />}
          </Field>
        </div>
      )}
      {draft.enterNow && draft.type === 'oauth2-client-credentials' && draft.clientAuth === 'tls_client_auth' && (
        <div className="sub-fields">
          <Field id={id('entered-client-id')} label="Client id" errors={at('endpointSecurity', 'enteredClientId')}>
            {(c) => <input {...c} value={draft.clientId} onChange={(e) => set({ clientId: e.target.value })} autoComplete="off" spellCheck={false} />}
          </Field>
          <PemField id={id('entered-certificate')} label="Client certificate (PEM)" value={draft.certificatePem} onChange={(certificatePem) => set({ certificatePem })} errors={at('endpointSecurity', 'enteredCertificate')} />
          <PemField id={id('entered-private-key')} label="Private key (PEM, unencrypted)" value={draft.privateKeyPem} onChange={(privateKeyPem) => set({ privateKeyPem })} errors={at('endpointSecurity', 'enteredPrivateKey')} />
        </div>
      )}
      {draft.enterNow && draft.type === 'oauth2-client-credentials' && draft.clientAuth !== 'tls_client_auth' && (
        <div className="sub-fields field-grid">
          <Field id={id('entered-client-id')} label="Client id" errors={at('endpointSecurity', 'enteredClientId')}>
            {(c) => <input {...c} value={draft.clientId} onChange={(e) => set({ clientId: e.target.value })} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id={id('entered-client-secret')} label="Client secret" errors={at('endpointSecurity', 'enteredClientSecret')}>
            {(c) => <PasswordInput {...c} value={draft.clientSecret} onChange={(clientSecret) => set({ clientSecret })} autoComplete="off" />}
          </Field>
        </div>
      )}
      {draft.enterNow && draft.type === 'client-certificate' && (
        <div className="sub-fields">
          <PemField id={id('entered-certificate')} label="Client certificate (PEM)" value={draft.certificatePem} onChange={(certificatePem) => set({ certificatePem })} errors={at('endpointSecurity', 'enteredCertificate')} />
          <PemField id={id('entered-private-key')} label="Private key (PEM, unencrypted)" value={draft.privateKeyPem} onChange={(privateKeyPem) => set({ privateKeyPem })} errors={at('endpointSecurity', 'enteredPrivateKey')} />
          <PemField id={id('entered-ca')} label="CA certificates (PEM, optional)" value={draft.caPem} onChange={(caPem) => set({ caPem })} errors={at('endpointSecurity', 'enteredCa')} hint="Trusted for the backend's server certificate." />
          <div className="button-row">
            <button type="button" className="secondary" disabled={draft.certificatePem.trim() === '' || draft.privateKeyPem.trim() === '' || certificate.kind === 'busy'} onClick={() => void checkCertificate()}>
              Check certificate and key
            </button>
          </div>
          <CheckResult id={id('certificate-check')} check={certificate} />
        </div>
      )}
      {draft.type === 'oauth2-client-credentials' && (
        <div className="sub-fields">
          <div className="button-row">
            <button type="button" className="secondary" disabled={!savedName || dirty || token.kind === 'busy'} onClick={() => void fetchToken()}>
              Fetch a token now
            </button>
            {(!savedName || dirty) && <span className="hint">Save the service first: the token is fetched with the saved settings.</span>}
          </div>
          <CheckResult id={id('token-check')} check={token} />
        </div>
      )}

      <Field id={id('csrf-url')} label="CSRF token endpoint" hint="Optional. The gateway fetches X-CSRF-Token from this URL." errors={claimMember(at('csrf'), 'tokenEndpointUrl')}>
        {(c) => <input {...c} className="mono" type="url" value={draft.csrfUrl} onChange={(e) => set({ csrfUrl: e.target.value })} spellCheck={false} />}
      </Field>

      <CheckboxField id={id('params-on')} label="Add request parameters (headers, query) from a secret" checked={draft.paramsOn} onChange={(paramsOn) => set({ paramsOn })} errors={exact('requestParametersSecret')} />
      {draft.paramsOn && (
        <div className="sub-fields">
          <Field id={id('params-secret')} label="Parameters secret" hint={`Empty: ${defaultSecretName(serviceName, environment, 'request-parameters')}.`} errors={at('requestParametersSecret').filter((m) => m.detail !== '')}>
            {(c) => <input {...c} className="mono" value={draft.paramsSecret} placeholder={defaultSecretName(serviceName, environment, 'request-parameters')} onChange={(e) => set({ paramsSecret: e.target.value })} spellCheck={false} />}
          </Field>
          <CheckboxField id={id('params-enter-now')} label="Enter the headers and query parameters now" hint="Replaces the secret's headers and queryParameters when you save." checked={draft.paramsEnterNow} onChange={(paramsEnterNow) => set({ paramsEnterNow, headers: draft.headers.length || !paramsEnterNow ? draft.headers : [newRow()] })} />
          {draft.paramsEnterNow && (
            <>
              <p className="inline-label">Headers</p>
              <KeyValueEditor idPrefix={id('param-header')} rows={draft.headers} onChange={(headers) => set({ headers })} onAdd={() => set({ headers: [...draft.headers, newRow()] })} nameLabel="Header" valueLabel="Header value" addLabel="Add header" errorsFor={(i, part) => at('enteredParameterHeaders', i, part)} />
              <p className="inline-label">Query parameters</p>
              <KeyValueEditor idPrefix={id('param-query')} rows={draft.query} onChange={(query) => set({ query })} onAdd={() => set({ query: [...draft.query, newRow()] })} nameLabel="Query parameter" valueLabel="Query value" addLabel="Add query parameter" errorsFor={(i, part) => at('enteredParameterQuery', i, part)} />
            </>
          )}
        </div>
      )}

      <FieldGroup id={id('tls')} legend="Backend TLS" errors={exact('tls')}>
        <RadioGroup<TlsMode>
          name={id('tls-mode')}
          value={draft.tlsMode}
          options={[
            { value: 'system', label: 'System CAs' },
            { value: 'ca', label: 'Custom CA' },
            { value: 'skip', label: 'Skip verification' },
          ]}
          onChange={(tlsMode) => set({ tlsMode })}
        />
        {draft.tlsMode === 'skip' && (
          <TlsSkipWarning scope="this endpoint" />
        )}
        {draft.tlsMode === 'ca' && (
          <>
            <div className="field-grid">
              <Field id={id('tls-ca-secret')} label="CA secret" hint={`Empty: ${defaultSecretName(serviceName, environment, 'ca')}.`} errors={at('tls', 'caSecret').filter((m) => m.detail !== '.key')}>
                {(c) => <input {...c} className="mono" value={draft.tlsCaSecret} placeholder={defaultSecretName(serviceName, environment, 'ca')} onChange={(e) => set({ tlsCaSecret: e.target.value })} spellCheck={false} />}
              </Field>
              <Field id={id('tls-ca-key')} label="CA key" errors={at('tls', 'caSecret', 'key')}>
                {(c) => <input {...c} className="mono" value={draft.tlsCaKey} onChange={(e) => set({ tlsCaKey: e.target.value })} spellCheck={false} />}
              </Field>
            </div>
            <PemField id={id('tls-ca-pem')} label="CA certificates to store (PEM)" value={draft.tlsCaPem} onChange={(tlsCaPem) => set({ tlsCaPem })} errors={at('tls', 'enteredCaPem')} hint="Optional: pasted certificates are saved into the CA secret; empty keeps what the secret holds." />
          </>
        )}
      </FieldGroup>
    </FieldGroup>
  );
}
