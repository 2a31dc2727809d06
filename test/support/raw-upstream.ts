import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface RawUpstream {
  server: Server;
  port: number;
  /** Open connections, for leak checks. */
  sockets: Set<Socket>;
  close(): void;
}

/**
 * An upstream that writes whatever bytes a test wants: `onRequest` gets the socket, the request's path and its head
 * (as latin1, up to the blank line) once a request head has arrived (the body is not read).
 */
export async function startRawUpstream(onRequest: (socket: Socket, path: string, head: string) => void): Promise<RawUpstream> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      onRequest(socket, /^[A-Z]+ (\S+)/.exec(head)?.[1]?.split('?')[0] ?? '', head.slice(0, head.indexOf('\r\n\r\n') + 4));
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as { port: number }).port,
    sockets,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
