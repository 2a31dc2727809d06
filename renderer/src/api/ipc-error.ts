import type { FieldError } from '../../../gateway/config/validate';
import { withHint } from '../../../gateway/errors/gatehouse-error';

export interface Failure {
  code?: string;
  /** What to show: main's message, then its hint (what the user can do) when it sent one. */
  message: string;
  /** The hint alone (main/ipc/dispatcher.ts sends it with every GatehouseError that has one). */
  hint?: string;
  /** Field errors main returned (`errors[].path`), shown next to the fields they name. */
  errors: FieldError[];
}

/** What `window.gatehouse.invoke` throws (code, message, hint, errors) read back into plain data. */
export function toFailure(error: unknown): Failure {
  const e = error as { code?: unknown; message?: unknown; hint?: unknown; errors?: unknown };
  const errors = Array.isArray(e?.errors) ? (e.errors as unknown[]).filter((x): x is FieldError => typeof (x as FieldError)?.path === 'string' && typeof (x as FieldError)?.message === 'string') : [];
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  const hint = typeof e?.hint === 'string' && e.hint !== '' ? e.hint : undefined;
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: withHint(message, hint),
    ...(hint ? { hint } : {}),
    errors,
  };
}

/** Request errors from the dispatcher are prefixed `request.`; forms name fields without it. */
export function withoutRequestPrefix(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, path: e.path.startsWith('request.') ? e.path.slice('request.'.length) : e.path }));
}
