// An upstream that decides, request by request, whether to answer or to lose the connection (close or reset it
// without a word): the race a backend's idle timeout brings, made deterministic.
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/** What the upstream does with a request (its request line); `i` counts the requests on that connection from 0. */
export type ConnectionPolicy = (i: number, socket: Socket, line: string) => void;

/** A 200 with the body `answered` (none for HEAD). */
export const answer: ConnectionPolicy = (_i, socket, line) =>
  void socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n${line.startsWith('HEAD ') ? '' : 'answered'}`);
/** Answers a connection's first request and closes the connection when the next one arrives. */
export const closeAfterFirst: ConnectionPolicy = (i, socket, line) => (i === 0 ? answer(i, socket, line) : socket.destroy());
/** The same, with a reset (RST) instead of a close. */
export const resetAfterFirst: ConnectionPolicy = (i, socket, line) => (i === 0 ? answer(i, socket, line) : socket.resetAndDestroy());
/** Closes every connection as its first request arrives. */
export const closeEvery: ConnectionPolicy = (_i, socket) => void socket.destroy();

export interface ConnectionLosingUpstream {
  server: Server;
  port: number;
  url: string;
  /** Each request the upstream read (its line, and its body by Content-Length), with the connection it came on (from 0). */
  requests: { connection: number; line: string; body: string }[];
  close(): void;
}

export async function startConnectionLosingUpstream(policy: ConnectionPolicy): Promise<ConnectionLosingUpstream> {
  const requests: ConnectionLosingUpstream['requests'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    const connection = connections++;
    let onThis = 0;
    let buffered = '';
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      // A request is acted on once its head and its Content-Length's worth of body have arrived (no chunked bodies).
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1 && !socket.destroyed; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const line = head.slice(0, head.indexOf('\r\n'));
        requests.push({ connection, line, body: buffered.slice(end + 4, end + 4 + length) });
        buffered = buffered.slice(end + 4 + length);
        policy(onThis++, socket, line);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
