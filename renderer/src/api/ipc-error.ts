import type { FieldError } from '../../../gateway/config/validate';

export interface Failure {
  code?: string;
  message: string;
  /** Field errors main returned (`errors[].path`), shown next to the fields they name. */
  errors: FieldError[];
}

/** What `window.gatehouse.invoke` throws (code, message, errors) read back into plain data. */
export function toFailure(error: unknown): Failure {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown };
  const errors = Array.isArray(e?.errors) ? (e.errors as unknown[]).filter((x): x is FieldError => typeof (x as FieldError)?.path === 'string' && typeof (x as FieldError)?.message === 'string') : [];
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' && e.message !== '' ? e.message : String(error),
    errors,
  };
}

/** Request errors from the dispatcher are prefixed `request.`; forms name fields without it. */
export function withoutRequestPrefix(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, path: e.path.startsWith('request.') ? e.path.slice('request.'.length) : e.path }));
}
