// A request pipelined behind others on its connection is handled in its turn, as nginx handles them.
//
// Node hands the server every request its parser reads, also while answers to earlier requests on the same
// connection are still going out; such a request's response is queued (`res.socket` stays null until every answer
// before it has finished). Handled at once, it would go upstream in parallel with the requests before it, which RFC
// 9112 §9.3.2 allows only when all of them are safe (a pipelined DELETE ran before the POST it followed); an
// informational answer relayed for it (103, 102) would be written into the queued response's buffer and reach the
// client after its final head; and Node never emits 'close' on a response still queued when the connection closes,
// so a client that left was never noticed: no log line, and its upstream call held a pooled connection for good.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Who closed a connection that requests were still waiting on: its client (its FIN was read, or it reset the
 * connection), or the gateway, after an answer that ends the connection (one to HTTP/1.0 or to `Connection: close`,
 * a body it cut because the upstream's failed or stalled) or when it stops. Until 3 Dec every close was the client's.
 */
export type ClosedBy = 'client' | 'gateway';

/** Errors of a socket the client reset, read or written into. */
const CLIENT_RESETS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function closedBy(socket: Socket): ClosedBy {
  if (socket.readableEnded) return 'client';
  const code = (socket.errored as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && CLIENT_RESETS.has(code) ? 'client' : 'gateway';
}

/** Per connection, what to do for each request still waiting for its turn if the connection closes: one listener. */
const waitingOn = new WeakMap<Socket, Set<(by: ClosedBy) => void>>();

function onceClosed(socket: Socket, abandoned: (by: ClosedBy) => void): () => void {
  let waiting = waitingOn.get(socket);
  if (waiting === undefined) {
    const set = new Set<(by: ClosedBy) => void>();
    waiting = set;
    waitingOn.set(socket, set);
    socket.once('close', () => {
      waitingOn.delete(socket);
      const by = closedBy(socket);
      for (const callback of set) callback(by);
    });
  }
  waiting.add(abandoned);
  return () => waiting.delete(abandoned);
}

/**
 * Calls `handle` once `res` has its connection: at once for a request that is first in line, else when every answer
 * before it is out. Calls `abandoned` instead when the connection closes first, saying who closed it.
 */
export function inTurn(req: IncomingMessage, res: ServerResponse, handle: () => void, abandoned: (by: ClosedBy) => void): void {
  if (res.socket !== null) return handle();
  const forget = onceClosed(req.socket, (by) => {
    res.removeListener('socket', onTurn);
    abandoned(by);
  });
  const onTurn = () => {
    forget();
    handle();
  };
  res.once('socket', onTurn);
}
