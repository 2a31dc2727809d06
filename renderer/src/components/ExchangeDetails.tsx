// One exchange, both hops: what the client sent and got, what the gateway sent the backend on its behalf
// (credentials by kind and identity, never by value), and where the time went.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { CapturedExchange, CredentialUse, ExchangeHeader, UpstreamAttempt } from '../../../main/ipc/contract';
import { BodyView } from './BodyView';
import { formatClock, formatDateTime, formatMs } from '../model/time-format';
import { STATUS_TEXT } from '../model/status-text';

const SOURCE_LABEL: Record<NonNullable<ExchangeHeader['source']>, string> = {
  client: 'from the client',
  endpoint: "the endpoint's credentials",
  parameters: 'request parameters (secret)',
  csrf: 'CSRF session',
  cluster: 'cluster user',
};

function HeaderTable({ title, headers }: { title: string; headers: ExchangeHeader[] }) {
  return (
    <section aria-label={title} className="header-table">
      <h4>{title}</h4>
      {headers.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Value</th></tr>
          </thead>
          <tbody>
            {headers.map((h, i) => (
              <tr key={`${h.name}-${i}`}>
                <td className="mono">{h.name}</td>
                <td className="mono wrap">
                  {h.value}
                  {h.masked && h.source && h.source !== 'client' && <span className="header-source"> ({SOURCE_LABEL[h.source]})</span>}
                  {h.utf8 && <span className="header-source"> (UTF-8)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {headers.some((h) => h.utf8) && (
        <p className="muted small-note">Values marked (UTF-8) came as UTF-8 bytes and are shown read as UTF-8; they went on the wire as those bytes.</p>
      )}
    </section>
  );
}

/** `https://idp.example/oauth/token`: the endpoint a credential came from. */
export function describeCredential(use: CredentialUse): string {
  switch (use.kind) {
    case 'basic':
      return `Basic ${use.username}:••••••••`;
    case 'oauth2':
      return `Bearer ••••••••  (token from ${use.tokenEndpoint}, ${use.obtained === 'fetched' ? `fetched for this request in ${formatMs(use.waitedMs)}` : 'cached'}, expires ${formatClock(use.expiresAt).slice(0, 8)})`;
    case 'client-certificate':
      return `Client certificate ${use.subject}, valid until ${formatDateTime(Date.parse(use.validTo)).slice(0, 16)}`;
    case 'csrf':
      return use.obtained === 'fetched' ? `CSRF token fetched from ${use.tokenEndpoint} in ${formatMs(use.waitedMs)}` : `CSRF token reused (with its session cookie) from ${use.tokenEndpoint}`;
    case 'request-parameters':
      return `Request parameters from a secret: ${[use.headers.length > 0 ? `headers ${use.headers.join(', ')}` : '', use.query.length > 0 ? `query ${use.query.join(', ')}` : ''].filter(Boolean).join('; ')}`;
    case 'cluster-user':
      return "The cluster user's credentials (through the API server's service proxy)";
  }
}

/** The client's address and port as a URL writes them (an IPv6 address in brackets). */
function clientAddress({ client, clientPort }: CapturedExchange): string {
  if (clientPort === undefined) return client;
  return `${client.includes(':') ? `[${client}]` : client}:${clientPort}`;
}

function attemptSummary(attempt: UpstreamAttempt, index: number, count: number): string {
  if (attempt.notReached !== undefined) return `${count > 1 ? `Attempt ${index + 1}: not` : 'Not'} reached: ${attempt.notReached}. Nothing was sent to the backend.`;
  const status = attempt.status === undefined ? 'no answer' : `${attempt.status} ${STATUS_TEXT[attempt.status] ?? ''}`.trim();
  const label = count > 1 ? `Attempt ${index + 1}: ` : '';
  if (attempt.outcome === 'retried') return `${label}${status} in ${formatMs(attempt.msToHeaders)}: a cached credential was rejected, dropped and the request sent once more`;
  if (attempt.outcome === 'resent') return `${label}no answer: the connection to the backend was closed or reset first, and the request, idempotent, was sent once more`;
  if (attempt.outcome === 'failed') return `${label}${status}: the call failed`;
  return `${label}${status} in ${formatMs(attempt.msToHeaders)}`;
}

/** What an attempt's headers were: received by the backend, or, when its connection failed, only meant for it. */
function attemptHeadersTitle(attempt: UpstreamAttempt, index: number, count: number): string {
  const title = attempt.notReached === undefined ? 'Headers the backend received' : 'Headers the gateway would have sent (not sent)';
  return count > 1 ? `${title} (attempt ${index + 1})` : title;
}

function TimingStrip({ exchange }: { exchange: CapturedExchange }) {
  const t = exchange.timing;
  const parts: [string, number | undefined][] = [
    ['In the gateway', t.gatewayMs],
    ['Token fetch', t.tokenMs],
    ['CSRF token', t.csrfMs],
    ['Upstream to headers', t.upstreamMs],
    [exchange.state === 'open' ? 'So far' : 'Total', t.totalMs],
  ];
  return (
    <dl className="timing-strip" aria-label="Timing">
      {parts
        .filter(([, v]) => v !== undefined)
        .map(([label, v]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatMs(v)}</dd>
          </div>
        ))}
    </dl>
  );
}

export interface ExchangeDetailsProps {
  exchange: CapturedExchange;
  onClose: () => void;
  onCopyCurl: (hop: 'client' | 'backend') => Promise<string>;
  onOpenInTryIt: () => void;
}

export function ExchangeDetails({ exchange, onClose, onCopyCurl, onOpenInTryIt }: ExchangeDetailsProps) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<{ hop: string; text: string }>();
  const { request, response, upstream } = exchange;

  // At a small window the details open below the list: bring them into view.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
    setCopied(undefined);
  }, [exchange.id]);

  const copy = async (hop: 'client' | 'backend') => setCopied({ hop, text: await onCopyCurl(hop) });

  const summary: [string, ReactNode][] = [
    ['Time', formatDateTime(exchange.startedAt)],
    ['Route', exchange.route ?? (exchange.service ? '— (the service as a whole: it has no routes)' : '— (no route)')],
    ['Service', exchange.service ?? '—'],
    ['Consumer', exchange.consumer ?? '— (none)'],
    ['Client', clientAddress(exchange)],
  ];
  // The failure in words, as the client was told it; the log's code beside it.
  if (exchange.errorMessage) summary.push(['Error', <>{exchange.errorMessage} {exchange.error && <span className="muted error-code">(code <span className="mono">{exchange.error}</span>)</span>}</>]);
  else if (exchange.error) summary.push(['Error', exchange.error]);
  const called = upstream !== undefined && upstream.attempts.length > 0;
  // Whether any of the request went to the backend: not when every attempt failed to connect.
  const reached = called && upstream.attempts.some((a) => a.notReached === undefined);

  return (
    <aside ref={ref} className="editor traffic-details" aria-labelledby="traffic-details-title">
      <div className="details-header">
        <h2 id="traffic-details-title">
          {/* Clamped to two lines: a long target (a 3,000-character query) must not push the actions below the
              window. The whole of it is the title and the request line under "Client → gateway". */}
          {request.method} <span className="mono details-target" title={safeDecode(request.target)}>{safeDecode(request.target)}</span>
          {response && <span className={`status-pill ${response.status >= 400 ? 'status-code-error' : 'status-code-ok'}`}>{response.status}</span>}
          {exchange.state === 'open' && <span className="status-pill status-open">streaming</span>}
        </h2>
        <div className="details-actions">
          <button type="button" className="secondary small" onClick={() => void copy('client')}>Copy as curl (client)</button>
          {called && <button type="button" className="secondary small" onClick={() => void copy('backend')}>Copy as curl (backend)</button>}
          <button type="button" className="secondary small" onClick={onOpenInTryIt}>Open in Try it</button>
          <button type="button" className="secondary small" onClick={onClose} aria-keyshortcuts="Escape">Close details</button>
        </div>
      </div>
      {copied && (
        <div className="curl-output">
          <label htmlFor="traffic-curl">{copied.hop === 'client' ? 'As the client sent it' : reached ? 'As the backend received it' : 'As the gateway would have sent it (the backend was not reached)'} (credentials replaced by placeholders):</label>
          <textarea id="traffic-curl" className="mono" readOnly rows={3} value={copied.text} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      <dl className="details-list summary-grid">
        {summary.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={label === 'Client' || label === 'Time' ? 'mono' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <TimingStrip exchange={exchange} />
      <div className="hops">
        <section className="hop" aria-labelledby={`hop-client-${exchange.id}`}>
          <h3 id={`hop-client-${exchange.id}`}>Client → gateway</h3>
          <p className="mono request-line-text wrap">{request.method} {safeDecode(request.target)} {request.httpVersion}</p>
          <HeaderTable title="Request headers" headers={request.headers} />
          <BodyView body={request.body} label="Request body" ended={exchange.state === 'complete'} />
          <h4 className="response-heading">Response</h4>
          {response ? (
            <>
              <p className="mono request-line-text">{response.status} {STATUS_TEXT[response.status] ?? ''}</p>
              <HeaderTable title="Response headers" headers={response.headers} />
              <BodyView body={response.body} label="Response body" ended={exchange.state === 'complete'} />
            </>
          ) : (
            <p className="muted">No response yet.</p>
          )}
        </section>
        <section className="hop" aria-labelledby={`hop-backend-${exchange.id}`}>
          <h3 id={`hop-backend-${exchange.id}`}>Gateway → backend</h3>
          {!upstream ? (
            <p className="muted">The gateway answered itself{response ? ` (${response.status})` : ''}: no backend was called.</p>
          ) : !called ? (
            <>
              <p className="not-called">Backend not called{upstream.notCalled ? `: ${upstream.notCalled}` : ''}.</p>
              <dl className="details-list">
                <div><dt>Would have called</dt><dd className="mono">{safeDecode(upstream.url)}</dd></div>
                <div><dt>Environment</dt><dd>{upstream.environment}</dd></div>
              </dl>
            </>
          ) : (
            <>
              <dl className="details-list">
                <div><dt>URL</dt><dd className="mono">{safeDecode(upstream.url)}</dd></div>
                <div><dt>Environment</dt><dd>{upstream.environment}</dd></div>
              </dl>
              <h4>{reached ? 'Credentials sent' : 'Credentials it would have sent'}</h4>
              {upstream.credentials.length === 0 ? (
                <p className="muted">None added by the gateway{request.headers.some((h) => h.name === 'authorization') ? `; the client's Authorization header ${reached ? 'was' : 'would have been'} passed on` : ''}.</p>
              ) : (
                <ul className="credential-list">
                  {upstream.credentials.map((c, i) => (
                    <li key={i} className="mono">
                      {upstream.attempts.length > 1 && 'attempt' in c ? <span className="credential-attempt">Attempt {c.attempt}: </span> : null}
                      {describeCredential(c)}
                    </li>
                  ))}
                </ul>
              )}
              <h4>{upstream.attempts.length > 1 ? 'Attempts' : reached ? 'Answer' : 'Outcome'}</h4>
              <ol className="attempt-list">
                {upstream.attempts.map((a, i) => (
                  <li key={i} className={a.outcome === 'retried' || a.outcome === 'resent' ? 'attempt-retried' : undefined}>{attemptSummary(a, i, upstream.attempts.length)}</li>
                ))}
                {upstream.notCalled && <li>Not called again: {upstream.notCalled}.</li>}
              </ol>
              {upstream.attempts.map((a, i) => (
                <HeaderTable key={i} title={attemptHeadersTitle(a, i, upstream.attempts.length)} headers={a.headers} />
              ))}
              <p className="muted small-note">{reached ? 'The request body went to the backend as the client sent it.' : 'Nothing of the request, body included, reached the backend.'}</p>
            </>
          )}
        </section>
      </div>
      <p className="muted small-note">Credentials are shown by kind and identity only; masked values never reach this window. Bodies are kept in memory (the first 256 KiB of each) while the app runs.</p>
    </aside>
  );
}

export function safeDecode(text: string): string {
  try {
    return decodeURI(text).replace(/%E2%80%A2/gi, '•');
  } catch {
    return text;
  }
}
