// Every renderer request passes here: unknown channels and payloads that fail their schema are refused
// before any handler runs, and failures go back as codes and messages, never as stack traces.
import type * as z from 'zod';
import { channels, isChannel, type Channel, type IpcEnvelope, type IpcFailure, type ResponseOf } from './contract';
import { toFieldErrors } from '../../gateway/config/validate';
import { GatehouseError, failureOf } from '../../gateway/errors/gatehouse-error';

export type ValidatedRequest<C extends Channel> = z.output<(typeof channels)[C]['request']>;

export type IpcHandlers = { [C in Channel]: (request: ValidatedRequest<C>) => Promise<ResponseOf<C>> };

/** A failure a handler names on the spot (its code, and the fields it concerns), rather than a service's own class. */
export class UserFacingError extends GatehouseError {
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: IpcFailure['errors'],
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

// Every GatehouseError is written to be shown (code, message, hint; never a secret), whichever process or
// layer threw it. Anything else is a bug: the renderer gets a generic message, the log gets the details.
function toFailure(error: unknown): IpcFailure {
  if (error instanceof GatehouseError) {
    const failure: IpcFailure = failureOf(error);
    if (error instanceof UserFacingError && error.errors) failure.errors = error.errors;
    return failure;
  }
  return { code: 'GATEHOUSE_INTERNAL', message: 'Internal error in the main process (details are in its log)' };
}

export type IpcDispatch = (channel: unknown, payload: unknown) => Promise<IpcEnvelope<unknown>>;

/**
 * What main's log (its stderr) gets of a bug: the error's class, its code and where it was thrown, not its message,
 * which could quote a request's data or a secret.
 */
export function describeInternalError(channel: string, error: unknown): string {
  if (!(error instanceof Error)) return `gatehouse main: ${channel} failed: a thrown ${typeof error}`;
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`gatehouse main: ${channel} failed: ${error.name}${typeof code === 'string' ? ` (${code})` : ''}`, ...frames].join('\n');
}

/** Main's default report of a bug: to its stderr, as describeInternalError writes it. */
export const reportInternalToStderr = (channel: string, error: unknown) => void process.stderr.write(`${describeInternalError(channel, error)}\n`);

export function createIpcDispatcher(handlers: IpcHandlers, reportInternal: (channel: string, error: unknown) => void = reportInternalToStderr): IpcDispatch {
  return async (channel, payload) => {
    if (!isChannel(channel)) return { ok: false, error: { code: 'GATEHOUSE_UNKNOWN_CHANNEL', message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}` } };
    const parsed = channels[channel].request.safeParse(payload);
    if (!parsed.success) {
      const errors = toFieldErrors(parsed.error, payload).map((e) => ({ ...e, path: e.path === '(root)' ? 'request' : `request.${e.path}` }));
      return { ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST', message: `invalid request on ${channel}`, errors } };
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      const failure = toFailure(error);
      if (failure.code === 'GATEHOUSE_INTERNAL') reportInternal(channel, error);
      return { ok: false, error: failure };
    }
  };
}
