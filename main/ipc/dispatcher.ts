// Every renderer request passes here: unknown channels and payloads that fail their schema are refused
// before any handler runs, and failures go back as codes and messages, never as stack traces.
import type { z } from 'zod';
import { channels, isChannel, type Channel, type IpcEnvelope, type IpcFailure, type ResponseOf } from './contract';
import { toFieldErrors } from '../../gateway/config/validate';

export type ValidatedRequest<C extends Channel> = z.output<(typeof channels)[C]['request']>;

export type IpcHandlers = { [C in Channel]: (request: ValidatedRequest<C>) => Promise<ResponseOf<C>> };

/** An error a handler may throw to show the user its message (which must hold no secret). */
export class UserFacingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: IpcFailure['errors'],
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

function toFailure(error: unknown): IpcFailure {
  if (error instanceof UserFacingError) return { code: error.code, message: error.message, errors: error.errors };
  const code = (error as { code?: unknown })?.code;
  // Errors of our own services carry a GATEHOUSE_ code and a message written to be shown.
  if (typeof code === 'string' && code.startsWith('GATEHOUSE_') && error instanceof Error) return { code, message: error.message };
  return { code: 'GATEHOUSE_INTERNAL', message: 'Internal error in the main process (details are in its log)' };
}

export type IpcDispatch = (channel: unknown, payload: unknown) => Promise<IpcEnvelope<unknown>>;

export function createIpcDispatcher(handlers: IpcHandlers, reportInternal: (error: unknown) => void = () => undefined): IpcDispatch {
  return async (channel, payload) => {
    if (!isChannel(channel)) return { ok: false, error: { code: 'GATEHOUSE_UNKNOWN_CHANNEL', message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}` } };
    const parsed = channels[channel].request.safeParse(payload);
    if (!parsed.success) {
      const errors = toFieldErrors(parsed.error).map((e) => ({ ...e, path: e.path === '(root)' ? 'request' : `request.${e.path}` }));
      return { ok: false, error: { code: 'GATEHOUSE_INVALID_REQUEST', message: `invalid request on ${channel}`, errors } };
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      const failure = toFailure(error);
      if (failure.code === 'GATEHOUSE_INTERNAL') reportInternal(error);
      return { ok: false, error: failure };
    }
  };
}
