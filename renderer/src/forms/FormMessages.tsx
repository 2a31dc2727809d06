// What a save said: the problems no field shows (with their path), or "saved", or "Saved, not applied: …" when
// the gateway does not serve what was saved. Shown in the form's sticky action bar, so it is in view wherever the
// user scrolled; the status region is always present so changes are announced.
import type { FieldError } from '../../../gateway/config/validate';
import { useConfirmStore } from '../state/confirm-store';

export type FormStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  /** `warning`: saved, but the gateway does not serve it (an older configuration, or this item left out). */
  | { kind: 'saved'; message: string; warning?: string }
  | { kind: 'error'; message: string; unclaimed: readonly FieldError[] };

function ErrorList({ errors }: { errors: readonly FieldError[] }) {
  return (
    <ul>
      {errors.map((e, i) => (
        <li key={i}>
          <span className="mono">{e.path}</span>: {e.message}
        </li>
      ))}
    </ul>
  );
}

/** What the status line says while a save runs: nothing is written while it waits for the user's answer to a question. */
const SAVING = 'Saving…';
const ASKING = 'Not saved yet: waiting for your answer.';

export function FormMessages({ status }: { status: FormStatus }) {
  const warning = status.kind === 'saved' ? status.warning : undefined;
  // A save asks before it writes (a secret others read, say): until the answer, it is not saving anything.
  const asking = useConfirmStore((s) => s.open !== undefined);
  return (
    <div className="form-messages">
      <div role="status" className={status.kind === 'saved' && !warning ? 'notice notice-ok' : 'form-status'}>
        {status.kind === 'saving' ? (asking ? ASKING : SAVING) : status.kind === 'saved' && !warning ? status.message : ''}
      </div>
      {status.kind === 'error' && (
        <div role="alert" className="notice notice-error">
          <p>{status.message}</p>
          {status.unclaimed.length > 0 && <ErrorList errors={status.unclaimed} />}
        </div>
      )}
      {status.kind === 'saved' && warning && (
        <div role="alert" className="notice notice-warning">
          <p>{warning}</p>
        </div>
      )}
    </div>
  );
}
