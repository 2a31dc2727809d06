// What a save said: the problems no field shows (with their path), or "saved", or saved-but-the-gateway-
// kept-its-previous-config (`gatewayErrors`). The status region is always present so changes are announced.
import type { FieldError } from '../../../gateway/config/validate';

export type FormStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; message: string; gatewayErrors?: readonly FieldError[] }
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

export function FormMessages({ status }: { status: FormStatus }) {
  const warning = status.kind === 'saved' && status.gatewayErrors && status.gatewayErrors.length > 0 ? status.gatewayErrors : undefined;
  return (
    <div className="form-messages">
      <div role="status" className={status.kind === 'saved' && !warning ? 'notice notice-ok' : 'form-status'}>
        {status.kind === 'saving' ? 'Saving…' : status.kind === 'saved' && !warning ? status.message : ''}
      </div>
      {status.kind === 'error' && (
        <div role="alert" className="notice notice-error">
          <p>{status.message}</p>
          {status.unclaimed.length > 0 && <ErrorList errors={status.unclaimed} />}
        </div>
      )}
      {status.kind === 'saved' && warning && (
        <div role="alert" className="notice notice-warning">
          <p>{status.message} The gateway kept its previous configuration:</p>
          <ErrorList errors={warning} />
        </div>
      )}
    </div>
  );
}
