// The one base of every failure Gatehouse reports, in the manner of undici's lib/core/errors.js: a class per
// cause, each with a stable `code` callers branch on, a `message` that names what failed, and an optional
// `hint` saying what the user can do about it. Runs in every process (the renderer reads the type), so it
// imports nothing from Node. Messages and hints are shown as they are: they never hold a secret value.

export interface GatehouseErrorOptions {
  /** What the user can do about it, shown after the message. */
  hint?: string;
  cause?: unknown;
}

export abstract class GatehouseError extends Error {
  /** `GATEHOUSE_…`: stable across releases, what tests, the CLI and the renderer branch on. */
  abstract readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options: GatehouseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseError';
    this.hint = options.hint;
  }
}

/** What crosses a process boundary (IPC, the CLI's output) for a failure: plain data, no stack. */
export interface GatehouseFailure {
  code: string;
  message: string;
  hint?: string;
}

export function failureOf(error: GatehouseError): GatehouseFailure {
  return error.hint ? { code: error.code, message: error.message, hint: error.hint } : { code: error.code, message: error.message };
}

/** A message followed by its hint, for a line of text; a message that already ends with its hint keeps it once. */
export function withHint(message: string, hint: string | undefined): string {
  if (!hint || message.includes(hint)) return message;
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} ${hint}`;
}
