// Requests Node's parser refuses (llhttp: framing, header syntax, sizes) and clients too slow to send one never reach
// the request handler: they are answered here, as JSON like every other refusal.
import { STATUS_CODES, maxHeaderSize, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** The request line and header fields together: Node's maxHeaderSize (16 KiB unless --max-http-header-size says). */
const HEAD_LIMIT = `${Math.round(maxHeaderSize / 1024)} KiB`;
/** Node's fixed limit on a chunk's extensions, from their `;` (kMaxChunkExtensionsSize in node_http_parser.cc). */
const CHUNK_EXTENSIONS_LIMIT = '16 KiB';

/** What the client gets when Node's parser refuses a request (or gives up waiting for it) before the handler sees it. */
const CLIENT_ERROR_ANSWERS: Record<string, readonly [number, string]> = {
  // RFC 9110 §15.5.20 / §15.5.14: the answer names the limit that was passed.
  HPE_HEADER_OVERFLOW: [431, `Request header fields too large: together with the request line they may take at most ${HEAD_LIMIT}`],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, `Chunk extensions too large: a chunk's may take at most ${CHUNK_EXTENSIONS_LIMIT}`],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
};
/** RFC 9110 §15.5.15, as nginx answers: a target too long is not a header field too large. */
const TARGET_TOO_LONG = [414, `Request target too long: together with the header fields it may take at most ${HEAD_LIMIT}`] as const;

/** llhttp's reason for a refusal: a fixed phrase of its own (no byte of the request), kept only if it reads as one. */
function parserReason(error: Error): string | undefined {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' && /^[\x20-\x7e]{1,120}$/.test(reason) ? reason : undefined;
}

/**
 * The 400 for a malformed request, naming what the parser found, so the client is told which field is at fault
 * rather than "Bad request" (one code covers many faults: HPE_INVALID_TRANSFER_ENCODING is Content-Length with
 * Transfer-Encoding as well as a final coding other than chunked).
 */
function malformedMessage(error: NodeJS.ErrnoException): string {
  const reason = parserReason(error);
  // RFC 9112 §6.3: a request whose final transfer coding is not chunked, once, has no reliable length. llhttp's own
  // words for it ("Request has invalid `Transfer-Encoding`") do not say what would be valid.
  if (error.code === 'HPE_INVALID_TRANSFER_ENCODING' && !reason?.includes('Content-Length')) {
    return 'Malformed request: the final transfer coding of a request must be chunked, applied once';
  }
  return reason ? `Malformed request: ${reason}` : 'Malformed request';
}

/** Where a read ended inside a request line: a method, one space, and a target (no space, no line end yet). */
const REQUEST_LINE_SO_FAR = /^[A-Z][A-Z-]* [^ ]*$/;

/**
 * Whether Node's HPE_HEADER_OVERFLOW came from the request target: Node counts the target against maxHeaderSize with
 * the header fields and names both overflows alike. Its error holds the read it was parsing (`rawPacket`) and where
 * in it the parser stopped (`bytesParsed`): at the target's end, when " HTTP/" follows (a header's name ends at ":"
 * and its value at the line end); or at the read's end inside a line that began in that read (after a line feed, or
 * as the connection's first bytes) and is a method and a target so far. A read that holds neither the target's start
 * nor its end (a target longer than two reads) cannot be told from a header value, and stays 431.
 */
export function overflowInTarget(error: Error, connectionBytesRead: number): boolean {
  const { rawPacket: raw, bytesParsed: stop } = error as { rawPacket?: unknown; bytesParsed?: unknown };
  if (!Buffer.isBuffer(raw) || typeof stop !== 'number' || stop <= 0 || stop > raw.length) return false;
  if (raw.toString('latin1', stop, stop + 6) === ' HTTP/') return true;
  if (stop !== raw.length) return false;
  const lineFeed = raw.lastIndexOf(0x0a, stop - 1);
  if (lineFeed < 0 && connectionBytesRead !== raw.length) return false;
  return REQUEST_LINE_SO_FAR.test(raw.toString('latin1', lineFeed + 1, stop));
}

/** How long a refused client may keep a half-closed connection open to read the answer. */
const REFUSAL_LINGER_MS = 1000;

/** A JSON answer written straight to the socket (there is no response object), then the connection closes. */
export function refuseOnSocket(socket: Duplex, status: number, message: string, closeWhenSent: boolean): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  if (closeWhenSent) socket.once('finish', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The response Node is writing on `socket`, if any: `_httpMessage` is what Node's own clientError default consults
 * (http.Server sets it per socket, and moves it to the next pipelined response when one finishes).
 */
function respondingOn(socket: Duplex): ServerResponse | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

/** Runs `then` once every response queued on `socket` has been written. */
function afterResponses(socket: Duplex, then: () => void): void {
  const current = respondingOn(socket);
  if (!current || current.writableFinished) return then();
  current.once('finish', () => afterResponses(socket, then));
}

/** Told of a refusal no request's log line will record: the status sent, and the parser's code for the log. */
export type UnloggedRefusal = (socket: Duplex, status: number, code: string) => void;

/**
 * Answers parser errors on `server`. Returns the statuses written straight to a socket while one of
 * its requests was being handled, so that request's log line records what the client saw; a refusal of a request
 * that never reached the handler is told to `refused`, so that it gets a log line of its own.
 */
export function answerParserErrors(server: Server, refused: UnloggedRefusal): WeakMap<Duplex, number> {
  const refusedOnSocket = new WeakMap<Duplex, number>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = respondingOn(socket);
    if (error.code === 'HPE_CLOSED_CONNECTION') {
      // Bytes after a request that closes the connection (`Connection: close`, HTTP/1.0 without keep-alive): not read
      // as a request (RFC 9112 §9.6), so neither answered nor logged, as nginx does. The answers before them go out and
      // Node closes the connection after the last; until 3 Dec a 400 no client got was logged before them.
      if (pending === undefined && !socket.writableEnded) socket.destroy();
      return;
    }
    const [status, message] =
      error.code === 'HPE_HEADER_OVERFLOW' && overflowInTarget(error, (socket as Socket).bytesRead)
        ? TARGET_TOO_LONG
        : (CLIENT_ERROR_ANSWERS[error.code ?? ''] ?? [400, malformedMessage(error)]);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
    } else if (pending?.req.complete) {
      // The refused request was pipelined behind complete ones: they are answered first, in order.
      afterResponses(socket, () => refuseOnSocket(socket, status, message, false));
      refused(socket, status, error.code ?? 'HTTP_PARSER_ERROR');
    } else if (pending?.headersSent) {
      // Its own response has begun: a broken connection is the only signal left.
      socket.destroy();
    } else {
      // A request being forwarded (its body is late or malformed) ends with the answer, and its upstream request with it.
      if (pending) refusedOnSocket.set(socket, status);
      else refused(socket, status, error.code ?? 'HTTP_PARSER_ERROR');
      refuseOnSocket(socket, status, message, pending !== undefined);
    }
  });
  return refusedOnSocket;
}
