// Sends a request through the running gateway (`tryit:send`) and shows what came back. "Copy as curl"
// leaves credentials out unless asked (`-u user` makes curl prompt for the password; credential headers and query
// values become shell variables to set). Ctrl/Cmd+Enter sends.
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { validateWith, type FieldError } from '../../../gateway/config/validate';
import { servedServices } from '../../../gateway/config/kyma-services';
import { TryItRequest } from '../../../main/ipc/contract';
import { BodyView } from '../components/BodyView';
import { CheckboxField, Field, FieldGroup } from '../components/Field';
import { KeyValueEditor } from '../components/KeyValueEditor';
import { PasswordInput } from '../components/PasswordInput';
import { useFocusFirstError } from '../components/use-focus-first-error';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { curlCommand } from '../model/curl';
import { formatBytes } from '../model/body-preview';
import { FieldErrors } from '../model/field-errors';
import { joinPaths } from '../../../gateway/config/route-paths';
import { STATUS_TEXT } from '../model/status-text';
import { formatClock, formatMs } from '../model/time-format';
import { useStatusStore } from '../state/status-store';
import { joinTarget, newHeaderRow, splitTarget, TRY_IT_METHODS, useTryItStore, type TryItDraft, type TryItMethod } from '../state/tryit-store';
import { useWorkspaceStore } from '../state/workspace-store';
import type { Workspace } from '../../../gateway/config/schema';
import { ScreenHeader } from './ScreenHeader';
import { ServedConfigBanner } from '../components/ServedConfig';

function toRequest(draft: TryItDraft): unknown {
  const request: Record<string, unknown> = {
    method: draft.method,
    path: joinTarget(draft.path.trim(), draft.query),
    headers: draft.headers.filter((h) => h.name !== '' || h.value !== '').map((h) => ({ name: h.name.trim(), value: h.value })),
  };
  if (draft.body !== '' && draft.method !== 'GET' && draft.method !== 'HEAD') request.body = draft.body;
  if (draft.username !== '' || draft.password !== '') request.basicAuth = { username: draft.username, password: draft.password };
  return request;
}

interface Target {
  key: string;
  label: string;
  method: TryItMethod;
  path: string;
}

/** Every place the gateway answers: routes, services without routes (served whole), Kyma application services. */
export function tryItTargets(workspace: Workspace): { routes: Target[]; services: Target[]; kyma: Target[] } {
  const firstMethod = (methods: readonly string[] | undefined): TryItMethod => (methods?.find((m): m is TryItMethod => (TRY_IT_METHODS as readonly string[]).includes(m)) ?? 'GET');
  const routes = workspace.routes.flatMap((r) => {
    const service = workspace.services.find((s) => s.name === r.service);
    return service ? [{ key: `route:${r.name}`, label: `${r.name}: ${firstMethod(r.methods)} ${joinPaths(service.pathPrefix, r.path)}`, method: firstMethod(r.methods), path: joinPaths(service.pathPrefix, r.path) }] : [];
  });
  const routed = new Set(workspace.routes.map((r) => r.service));
  const services = workspace.services.filter((s) => !routed.has(s.name)).map((s) => ({ key: `service:${s.name}`, label: `${s.name}: ${s.pathPrefix}`, method: 'GET' as const, path: s.pathPrefix }));
  const own = new Set(workspace.services.map((s) => s.name));
  const kyma = servedServices(workspace).filter((s) => !own.has(s.name)).map((s) => ({ key: `kyma:${s.name}`, label: `${s.name}: ${s.pathPrefix}/`, method: 'GET' as const, path: `${s.pathPrefix}/` }));
  return { routes, services, kyma };
}

export function TryItScreen() {
  const { draft, response, sent, sending, history, notice, update, send, restore, clearHistory } = useTryItStore();
  const workspace = useWorkspaceStore((s) => s.workspace);
  const gateway = useStatusStore((s) => s.gateway);
  const [errors, setErrors] = useState(FieldErrors.none);
  const [sendError, setSendError] = useState<{ sent: boolean; message: string }>();
  const [includeCredentials, setIncludeCredentials] = useState(false);
  const [curl, setCurl] = useState<{ text: string; copied: boolean; withCredentials: boolean }>();
  const [saveMessage, setSaveMessage] = useState<{ text: string; error?: boolean }>();
  const [formRef, focusFirstError] = useFocusFirstError();

  const gatewayUrl = gateway.url ?? (workspace ? `http://${workspace.gateway.host}:${workspace.gateway.port}` : 'http://127.0.0.1:9080');
  const targets = workspace ? tryItTargets(workspace) : { routes: [], services: [], kyma: [] };
  const allTargets = [...targets.routes, ...targets.services, ...targets.kyma];

  const check = (): { ok: true; request: TryItRequest } | { ok: false; errors: FieldError[] } => {
    const result = validateWith(TryItRequest, toRequest(draft));
    return result.ok ? { ok: true, request: result.value } : { ok: false, errors: result.errors };
  };

  async function submit() {
    if (sending) return;
    setSendError(undefined);
    setSaveMessage(undefined);
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
      setSendError({ sent: outcome.sent, message: outcome.message });
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void submit();
  }

  function onFormKey(e: KeyboardEvent<HTMLFormElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  }

  async function copyCurl(withCredentials = includeCredentials) {
    const checked = check();
    if (!checked.ok) {
      setErrors(new FieldErrors(checked.errors));
      focusFirstError();
      return;
    }
    const text = curlCommand(checked.request, { gatewayUrl, includeCredentials: withCredentials });
    let copied = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        copied = true;
      }
    } catch {
      copied = false;
    }
    setCurl({ text, copied, withCredentials });
  }

  // Unticking takes the credentials out of the shown command and the clipboard at once.
  function onIncludeCredentials(on: boolean) {
    setIncludeCredentials(on);
    if (curl) void copyCurl(on);
  }

  async function saveBody() {
    try {
      const result = await gatehouse().invoke('tryit:save-body', undefined);
      setSaveMessage(result.saved ? { text: `Saved ${formatBytes(result.bytes)} to ${result.path}.` } : { text: 'Not saved: cancelled.' });
    } catch (error) {
      setSaveMessage({ text: `Not saved: ${toFailure(error).message}`, error: true });
    }
  }

  const headerErrors = (index: number, part: 'name' | 'value') => errors.for(['headers', index, part]);
  const bodyAllowed = draft.method !== 'GET' && draft.method !== 'HEAD';
  const passwordMissing = draft.username !== '' && draft.password === '';

  return (
    <section className="screen" aria-labelledby="tryit-title">
      <ScreenHeader id="tryit" title="Try it" />
      <ServedConfigBanner />
      <p className="screen-intro">
        Requests go through the running gateway at <span className="mono">{gatewayUrl}</span>, as a client would send them. <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> sends.
      </p>
      {notice && <div className="notice notice-warning" role="status"><p>{notice}</p></div>}
      <div className="try-layout">
        <form ref={formRef} className="editor" onSubmit={onSubmit} onKeyDown={onFormKey} noValidate aria-label="Request">
          <h2>Request</h2>
          {allTargets.length > 0 && (
            <Field id="tryit-route" label="Start from a route or service" hint="Fills in the method and path.">
              {(c) => (
                <select
                  {...c}
                  value=""
                  onChange={(e) => {
                    const target = allTargets.find((t) => t.key === e.target.value);
                    if (target) update({ method: target.method, path: target.path, query: [] });
                  }}
                >
                  <option value="">Choose…</option>
                  {targets.routes.length > 0 && <optgroup label="Routes">{targets.routes.map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}</optgroup>}
                  {targets.services.length > 0 && <optgroup label="Services without routes">{targets.services.map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}</optgroup>}
                  {targets.kyma.length > 0 && <optgroup label="Kyma application services">{targets.kyma.map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}</optgroup>}
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
              {(c) => (
                <input
                  {...c}
                  className="mono"
                  value={draft.path}
                  onChange={(e) => update({ path: e.target.value })}
                  // A pasted or typed query moves into the parameter rows.
                  onBlur={() => {
                    if (!draft.path.includes('?')) return;
                    const { path, query } = splitTarget(draft.path);
                    update({ path, query: [...draft.query, ...query] });
                  }}
                  spellCheck={false}
                  autoCapitalize="off"
                />
              )}
            </Field>
          </div>
          <FieldGroup id="tryit-query" legend="Query parameters">
            <KeyValueEditor idPrefix="tryit-query" rows={draft.query} onChange={(query) => update({ query })} onAdd={() => update({ query: [...draft.query, newHeaderRow()] })} nameLabel="Parameter name" valueLabel="Parameter value" addLabel="Add query parameter" />
          </FieldGroup>
          <FieldGroup id="tryit-headers" legend="Headers" errors={errors.for(['headers']).filter((m) => !/^\[\d+\]\.(name|value)$/.test(m.detail))}>
            <KeyValueEditor idPrefix="tryit-header" rows={draft.headers} onChange={(headers) => update({ headers })} onAdd={() => update({ headers: [...draft.headers, newHeaderRow()] })} nameLabel="Header name" valueLabel="Header value" addLabel="Add header" errorsFor={headerErrors} />
          </FieldGroup>
          <Field id="tryit-body" label="Body" hint={bodyAllowed ? undefined : `${draft.method} requests are sent without a body.`} errors={errors.for(['body'])}>
            {(c) => <textarea {...c} className="mono" rows={4} value={draft.body} disabled={!bodyAllowed} onChange={(e) => update({ body: e.target.value })} spellCheck={false} />}
          </Field>
          <FieldGroup id="tryit-auth" legend="Basic auth" hint="Leave both empty to send no Authorization header. Kept while the app runs, never in the history." errors={errors.for(['basicAuth']).filter((m) => m.detail === '')}>
            <div className="field-grid">
              <Field id="tryit-username" label="Username" errors={errors.for(['basicAuth', 'username'])}>
                {(c) => <input {...c} value={draft.username} onChange={(e) => update({ username: e.target.value })} autoComplete="off" spellCheck={false} autoCapitalize="off" />}
              </Field>
              <Field id="tryit-password" label="Password" hint={passwordMissing ? `Empty: the request goes as "${draft.username}:" with no password.` : undefined} errors={errors.for(['basicAuth', 'password'])}>
                {(c) => <PasswordInput {...c} value={draft.password} onChange={(password) => update({ password })} autoComplete="off" />}
              </Field>
            </div>
          </FieldGroup>
          {sendError && <div className="notice notice-error" role="alert"><p>{sendError.sent ? 'No answer' : 'Not sent'}: {sendError.message}</p></div>}
          <div className="button-row">
            <button type="submit" className="primary" disabled={sending} aria-keyshortcuts="Control+Enter Meta+Enter">
              {sending ? 'Sending…' : 'Send'}
            </button>
            <button type="button" className="secondary" onClick={() => void copyCurl()}>
              Copy as curl
            </button>
            <CheckboxField id="tryit-curl-password" label="Include credentials in curl" checked={includeCredentials} onChange={onIncludeCredentials} />
          </div>
          {curl && (
            <div className="curl-output">
              <label htmlFor="tryit-curl">{curl.copied ? 'Copied to the clipboard:' : 'The clipboard is not available here: select the command and copy it.'}</label>
              <textarea id="tryit-curl" className="mono" readOnly rows={3} value={curl.text} onFocus={(e) => e.currentTarget.select()} />
            </div>
          )}
        </form>
        <div className="try-side">
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
                  <span className="muted" data-testid="response-meta">
                    {sent ? `${sent.method} ${sent.path} · ` : ''}
                    {formatMs(response.durationMs)} · {formatBytes(response.body.size)}
                  </span>
                </p>
                {response.status === 401 && sent?.emptyPassword && (
                  <div className="notice notice-warning" role="status"><p>The request was sent with a username and an empty password. Enter the password and send again.</p></div>
                )}
                {response.status === 401 && sent && !sent.emptyPassword && (
                  <p className="muted">401: the gateway refused the credentials (or found none). Check the username and password, or the consumer on the Consumers screen.</p>
                )}
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
                {response.cutShort && <div className="notice notice-warning" role="status"><p>Incomplete: {response.cutShort}.</p></div>}
                {response.unmasked && <div className="notice notice-warning" role="status"><p>Not masked: {response.unmasked}.</p></div>}
                <BodyView
                  body={response.body}
                  label="Response body"
                  ended={response.cutShort !== undefined}
                  actions={response.body.size > 0 && <button type="button" className="secondary small" onClick={() => void saveBody()}>Save body…</button>}
                />
                {saveMessage && <p className={saveMessage.error ? 'status-error' : 'muted'} role="status">{saveMessage.text}</p>}
              </>
            )}
          </section>
          <section className="editor history" aria-labelledby="tryit-history-title">
            <div className="details-header">
              <h2 id="tryit-history-title">History</h2>
              {history.length > 0 && <button type="button" className="secondary small" onClick={clearHistory}>Clear history</button>}
            </div>
            {history.length === 0 ? (
              <p className="muted">Requests you send appear here (in memory; passwords and credential headers are not kept).</p>
            ) : (
              <ul className="history-list">
                {history.map((h) => (
                  <li key={h.id}>
                    <button type="button" className="history-item" onClick={() => restore(h)} aria-label={`Restore ${h.method} ${joinTarget(h.path, h.query)}, sent ${formatClock(h.sentAt)}`}>
                      <span className="mono">{h.method}</span> <span className="mono path-cell">{joinTarget(h.path, h.query)}</span>
                      <span className={h.status === undefined ? 'muted' : h.status >= 400 ? 'status-error' : 'status-ok'}>{h.status ?? (h.unanswered ? 'no answer' : 'not sent')}</span>
                      <span className="muted">{formatClock(h.sentAt)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </section>
  );
}
