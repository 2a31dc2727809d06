// One body, as the inspector and Try it show it: JSON pretty-printed (or raw), text as text, anything else as
// its size and a hex preview; with how much of it is shown and a copy button.
import { useState, type ReactNode } from 'react';
import type { BodyPreview } from '../../../main/ipc/contract';
import { bodyBytes, bodyText, formatBytes, hexPreview, prettyJson } from '../model/body-preview';

/** `ended`: the exchange is over, so a body that did not complete was cut short, not still arriving. */
function extent(body: BodyPreview, ended: boolean): string {
  if (body.dropped) return `${formatBytes(body.size)}, not kept (the oldest bodies are let go to bound memory)`;
  const shown = bodyBytes(body).length;
  if (!body.complete && ended) {
    return `${body.truncated ? `first ${formatBytes(shown)} of ${formatBytes(body.size)}` : formatBytes(body.size)}, cut short: the connection closed before the body ended`;
  }
  const parts = [body.truncated ? `first ${formatBytes(shown)} of ${formatBytes(body.size)}${body.complete ? '' : ' so far'}` : formatBytes(body.size)];
  if (!body.complete) parts.push(body.truncated ? 'still arriving' : 'so far, still arriving');
  return parts.join(', ');
}

export function BodyView({ body, label, actions, ended = false }: { body: BodyPreview; label: string; actions?: ReactNode; ended?: boolean }) {
  const [raw, setRaw] = useState(false);
  const [copied, setCopied] = useState<string>();
  if (body.size === 0 && body.complete) return <p className="muted body-empty">{label}: empty.</p>;
  const text = body.dropped ? undefined : bodyText(body);
  // Bytes that do not decode are shown (and labelled) as bytes whatever the kind says.
  const kind = body.dropped ? '' : text === undefined ? 'Binary' : body.kind === 'json' ? 'JSON' : body.kind === 'text' ? 'Text' : '';
  const shown = text === undefined ? undefined : body.kind === 'json' && !raw ? prettyJson(text) : text;

  async function copy() {
    if (shown === undefined) return;
    try {
      await navigator.clipboard.writeText(text ?? '');
      setCopied('Copied.');
    } catch {
      setCopied('The clipboard is not available here: select the text and copy it.');
    }
  }

  return (
    <div className="body-block">
      <div className="body-toolbar">
        <span className="muted">
          {kind && <strong>{kind}</strong>} {extent(body, ended)}
        </span>
        <span className="spacer" />
        {body.kind === 'json' && text !== undefined && (
          <button type="button" className="secondary small" aria-pressed={!raw} onClick={() => setRaw(!raw)}>
            {raw ? 'Pretty' : 'Raw'}
          </button>
        )}
        {text !== undefined && (
          <button type="button" className="secondary small" onClick={() => void copy()}>
            Copy body
          </button>
        )}
        {actions}
      </div>
      {copied && <p className="muted small-note" role="status">{copied}</p>}
      {body.dropped ? null : shown !== undefined ? (
        <pre className="body-view" tabIndex={0} aria-label={label}>{shown}</pre>
      ) : (
        <pre className="body-view hex" tabIndex={0} aria-label={`${label}, hex preview`}>{hexPreview(bodyBytes(body))}</pre>
      )}
    </div>
  );
}
