// The client went away before its answer was complete: the log says so by this code, not by an upstream's failure.
import { GatehouseError } from '../errors/gatehouse-error';

/** The log's `error` for a request whose client closed its connection before the answer was out. */
export const CLIENT_GONE = 'CLIENT_GONE';

/**
 * The log's `error` for a request whose client's body did not all arrive: it left mid-upload, or stalled until
 * clientBodyTimeoutMs and Node answered 408. The upstream's failure that follows is not the cause.
 */
export const CLIENT_BODY_INCOMPLETE = 'CLIENT_BODY_INCOMPLETE';

/**
 * The log's `error` for a request whose client left its answer unread for timeouts.clientReadMs (the gateway's writes
 * to it waiting): the gateway closed its connection, which freed the upstream's.
 */
export const CLIENT_STOPPED_READING = 'CLIENT_STOPPED_READING';

/** nginx's status for a request whose client closed the connection before an answer was sent (never sent itself). */
export const CLIENT_CLOSED_REQUEST = 499;

/** How the relay stops an upstream call whose client went away: its abort reason, told apart from a real failure. */
export class ClientGoneError extends GatehouseError {
  readonly code = CLIENT_GONE;
  constructor() {
    super('client went away');
    this.name = 'ClientGoneError';
  }
}

/**
 * The log's `error` for a request the gateway cut itself when stopping: still open once the drain's time was up
 * (`--drain-seconds`). Neither the client's doing nor the upstream's.
 */
export const GATEWAY_STOPPED = 'GATEWAY_STOPPED';

/**
 * The log's `error` for a request Node's parser read behind an answer that closed the connection (a refusal of a
 * request's framing, an answer to a client's `Connection: close`): no answer could reach its client, and it may be a
 * request smuggled in the refused one's body, so it is never handled. Also for a request still waiting for its turn
 * (pipelined) when the gateway closed the connection after an answer before it (a cut body, an answer that ends at
 * the connection's close): the gateway's close, not the client's leaving.
 */
export const CONNECTION_CLOSING = 'CONNECTION_CLOSING';

/** nginx's 444, "closed without a response": logged for a request cut before its status was sent, never sent itself. */
export const CLOSED_WITHOUT_RESPONSE = 444;
