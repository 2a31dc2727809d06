// Sends a request through the running gateway (`tryit:send`) and shows what came back. "Copy as curl"
// leaves the password out unless asked (`-u user` makes curl prompt for it).
import { useState, type FormEvent } from 'react';
import { validateWith, type FieldError } from '../../../gateway/config/validate';
import { TryItRequest } from '../../../main/ipc/contract';
import { CheckboxField, Field, FieldGroup } from '../components/Field';
import { KeyValueEditor } from '../components/KeyValueEditor';
import { PasswordInput } from '../components/PasswordInput';
import { useFocusFirstError } from '../components/use-focus-first-error';
import { curlCommand } from '../model/curl';
import { FieldErrors } from '../model/field-errors';
import { joinPaths } from '../../../gateway/config/route-paths';
import { useStatusStore } from '../state/status-store';
import { newHeaderRow, TRY_IT_METHODS, useTryItStore, type TryItDraft, type TryItMethod } from '../state/tryit-store';
import { useWorkspaceStore } from '../state/workspace-store';
import { ScreenHeader } from './ScreenHeader';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  413: 'Content Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function toRequest(draft: TryItDraft, password: string): unknown {
  const request: Record<string, unknown> = {
    method: draft.method,
    path: draft.path.trim(),
    headers: draft.headers.filter((h) => h.name !== '' || h.value !== '').map((h) => ({ name: h.name.trim(), value: h.value })),
  };
  if (draft.body !== '' && draft.method !== 'GET' && draft.method !== 'HEAD') request.body = draft.body;
  if (draft.username !== '' || password !== '') request.basicAuth = { username: draft.username, password };
  return request;
}

function prettyBody(body: string, headers: [string, string][]): string {
  const type = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!/json/i.test(type)) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function TryItScreen() {
  const { draft, response, sent, sending, update, send } = useTryItStore();
  const workspace = useWorkspaceStore((s) => s.workspace);
  const gateway = useStatusStore((s) => s.gateway);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState(FieldErrors.none);
  const [sendError, setSendError] = useState<string>();
  const [includePassword, setIncludePassword] = useState(false);
  const [curl, setCurl] = useState<{ text: string; copied: boolean }>();
  const [formRef, focusFirstError] = useFocusFirstError();

  const gatewayUrl = gateway.url ?? (workspace ? `http://${workspace.gateway.host}:${workspace.gateway.port}` : 'http://127.0.0.1:9080');
  const routes = workspace
    ? workspace.routes.flatMap((r) => {
        const service = workspace.services.find((s) => s.name === r.service);
        return service ? [{ name: r.name, path: joinPaths(service.pathPrefix, r.path), method: (r.methods?.find((m): m is TryItMethod => (TRY_IT_METHODS as readonly string[]).includes(m)) ?? 'GET') }] : [];
      })
    : [];

  const check = (): { ok: true; request: TryItRequest } | { ok: false; errors: FieldError[] } => {
    const result = validateWith(TryItRequest, toRequest(draft, password));
    return result.ok ? { ok: true, request: result.value } : { ok: false, errors: result.errors };
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSendError(undefined);
    const checked = check();
    if (!checked.ok) {
      setErrors(new FieldErrors(checked.errors));
      focusFirstError();
      return;
    }
    setErrors(FieldErrors.none);
    const outcome = await send(checked.request);
    if (!outcome.ok) {
      setErrors(new FieldErrors(outcome.errors));
      setSendError(outcome.message);
    }
  }

  async function copyCurl() {
    const checked = check();
    if (!checked.ok) {
      setErrors(new FieldErrors(checked.errors));
      focusFirstError();
      return;
    }
    const text = curlCommand(checked.request, { gatewayUrl, includePassword });
    let copied = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        copied = true;
      }
    } catch {
      copied = false;
    }
    setCurl({ text, copied });
  }

  const headerErrors = (index: number, part: 'name' | 'value') => errors.for(['headers', index, part]);
  const bodyAllowed = draft.method !== 'GET' && draft.method !== 'HEAD';

  return (
    <section className="screen" aria-labelledby="tryit-title">
      <ScreenHeader id="tryit" title="Try it" />
      <p className="screen-intro">
        Requests go through the running gateway at <span className="mono">{gatewayUrl}</span>, as a client would send them.
      </p>
      <div className="try-layout">
        <form ref={formRef} className="editor" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Request">
          <h2>Request</h2>
          {routes.length > 0 && (
            <Field id="tryit-route" label="Start from a route" hint="Fills in the method and path.">
              {(c) => (
                <select
                  {...c}
                  value=""
                  onChange={(e) => {
                    const route = routes.find((r) => r.name === e.target.value);
                    if (route) update({ method: route.method, path: route.path });
                  }}
                >
                  <option value="">Choose a route…</option>
                  {routes.map((r) => (
                    <option key={r.name} value={r.name}>{r.name}: {r.method} {r.path}</option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <div className="request-line">
            <Field id="tryit-method" label="Method" errors={errors.for(['method'])}>
              {(c) => (
                <select {...c} value={draft.method} onChange={(e) => update({ method: e.target.value as TryItMethod })}>
                  {TRY_IT_METHODS.map((m) => (
                    <option key={m} value={m}>{m}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="tryit-path" label="Path" className="grow" errors={errors.for(['path'])}>
              {(c) => <input {...c} className="mono" value={draft.path} onChange={(e) => update({ path: e.target.value })} spellCheck={false} autoCapitalize="off" />}
            </Field>
          </div>
          <FieldGroup id="tryit-headers" legend="Headers" errors={errors.for(['headers']).filter((m) => !/^\[\d+\]\.(name|value)$/.test(m.detail))}>
            <KeyValueEditor idPrefix="tryit-header" rows={draft.headers} onChange={(headers) => update({ headers })} onAdd={() => update({ headers: [...draft.headers, newHeaderRow()] })} nameLabel="Header name" valueLabel="Header value" addLabel="Add header" errorsFor={headerErrors} />
          </FieldGroup>
          <Field id="tryit-body" label="Body" hint={bodyAllowed ? undefined : `${draft.method} requests are sent without a body.`} errors={errors.for(['body'])}>
            {(c) => <textarea {...c} className="mono" rows={4} value={draft.body} disabled={!bodyAllowed} onChange={(e) => update({ body: e.target.value })} spellCheck={false} />}
          </Field>
          <FieldGroup id="tryit-auth" legend="Basic auth" hint="Leave both empty to send no Authorization header." errors={errors.for(['basicAuth']).filter((m) => m.detail === '')}>
            <div className="field-grid">
              <Field id="tryit-username" label="Username" errors={errors.for(['basicAuth', 'username'])}>
                {(c) => <input {...c} value={draft.username} onChange={(e) => update({ username: e.target.value })} autoComplete="off" spellCheck={false} autoCapitalize="off" />}
              </Field>
              <Field id="tryit-password" label="Password" errors={errors.for(['basicAuth', 'password'])}>
                {(c) => <PasswordInput {...c} value={password} onChange={setPassword} autoComplete="off" />}
              </Field>
            </div>
          </FieldGroup>
          {sendError && <div className="notice notice-error" role="alert"><p>Not sent: {sendError}</p></div>}
          <div className="button-row">
            <button type="submit" className="primary" disabled={sending}>
              {sending ? 'Sending…' : 'Send'}
            </button>
            <button type="button" className="secondary" onClick={() => void copyCurl()}>
              Copy as curl
            </button>
            <CheckboxField id="tryit-curl-password" label="Include the password in curl" checked={includePassword} onChange={setIncludePassword} />
          </div>
          {curl && (
            <div className="curl-output">
              <label htmlFor="tryit-curl">{curl.copied ? 'Copied to the clipboard:' : 'The clipboard is not available here: select the command and copy it.'}</label>
              <textarea id="tryit-curl" className="mono" readOnly rows={3} value={curl.text} onFocus={(e) => e.currentTarget.select()} />
            </div>
          )}
        </form>
        <section className="editor response" aria-labelledby="tryit-response-title" aria-live="polite">
          <h2 id="tryit-response-title">Response</h2>
          {!response ? (
            <p className="muted">Send a request to see the gateway’s answer.</p>
          ) : (
            <>
              <p className="response-status">
                <span className={`status-code ${response.status >= 400 ? 'status-code-error' : 'status-code-ok'}`} data-testid="response-status">
                  {response.status} {STATUS_TEXT[response.status] ?? ''}
                </span>
                <span className="muted">
                  {sent ? `${sent.method} ${sent.path} · ` : ''}
                  {response.durationMs} ms
                </span>
              </p>
              <h3>Headers</h3>
              <table className="table compact">
                <caption className="visually-hidden">Response headers</caption>
                <thead>
                  <tr><th scope="col">Name</th><th scope="col">Value</th></tr>
                </thead>
                <tbody>
                  {response.headers.map(([name, value], i) => (
                    <tr key={i}>
                      <td className="mono">{name}</td>
                      <td className="mono wrap">{value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Body</h3>
              {response.body === '' ? <p className="muted">Empty.</p> : <pre className="body-view" tabIndex={0} aria-label="Response body">{prettyBody(response.body, response.headers)}</pre>}
            </>
          )}
        </section>
      </div>
    </section>
  );
}
