import { Transform } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { GatehouseError } from '../errors/gatehouse-error';

/** A request body grew past `gateway.limits.maxBodyBytes` while it streamed. */
export class BodyTooLargeError extends GatehouseError {
  readonly code = 'GATEHOUSE_BODY_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export interface LimitedBody {
  stream: Transform;
  /** True once the body passed the limit: the stream has failed, and with it the upstream request. */
  readonly exceeded: boolean;
}

/**
 * The request's body, failing with BodyTooLargeError as soon as more than `maxBytes` arrived (a chunked body has
 * no Content-Length to check first). The request itself is left unread, not destroyed, so a 413 can still be sent.
 */
export function limitBody(req: IncomingMessage, maxBytes: number): LimitedBody {
  let seen = 0;
  let exceeded = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= maxBytes) return done(null, chunk);
      exceeded = true;
      req.unpipe(stream);
      done(new BodyTooLargeError(maxBytes));
    },
  });
  // pipe() does not pass errors on: a client that goes away must end the upstream request too.
  req.once('error', (error) => stream.destroy(error));
  req.once('close', () => {
    if (!req.complete && !exceeded) stream.destroy(new Error('the client went away before its request was complete'));
  });
  req.pipe(stream);
  return {
    stream,
    get exceeded() {
      return exceeded;
    },
  };
}
