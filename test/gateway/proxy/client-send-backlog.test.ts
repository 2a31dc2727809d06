// The kernel's count of bytes a client has not acknowledged, read from /proc on Linux: it must be found for the
// socket's own addresses (IPv4, IPv6, and IPv4 on a dual-stack listener) and fall as the client reads, or a slow
// reader would be taken for one that stopped (forward.ts, timeouts.clientReadMs).
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, Socket, type Server } from 'node:net';
import { once } from 'node:events';
import { sendBacklog } from '../../../gateway/proxy/client-send-backlog';

const open: (Server | Socket)[] = [];

afterEach(() => {
  for (const s of open.splice(0)) {
    if (s instanceof Socket) s.destroy();
    else s.close();
  }
});

/** A server socket writing more than the buffers hold to a client that reads nothing until told. */
async function stalledPair(listenHost: string, connectHost: string): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer();
  open.push(listener);
  listener.listen(0, listenHost);
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect({ port: (listener.address() as { port: number }).port, host: connectHost });
  client.pause();
  open.push(client);
  const [server] = await accepted;
  open.push(server);
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 32 && server.write(chunk); i++);
  return { server, client };
}

async function fallsAsTheClientReads(server: Socket, client: Socket): Promise<void> {
  // Filled up: the kernel holds bytes the client has not taken.
  await expect.poll(() => sendBacklog(server).kernel).toBeGreaterThan(0);
  const before = sendBacklog(server).kernel!;
  client.resume();
  await expect.poll(() => sendBacklog(server).kernel).not.toBe(before);
}

describe.runIf(process.platform === 'linux')('sendBacklog on Linux', () => {
  it('reads the kernel backlog of an IPv4 connection, which changes as the client reads', async () => {
    const { server, client } = await stalledPair('127.0.0.1', '127.0.0.1');
    expect(sendBacklog(server).node).toBeGreaterThan(0);
    await fallsAsTheClientReads(server, client);
  });

  it('finds an IPv4 client of a dual-stack listener (::ffff:127.0.0.1, in /proc/net/tcp6)', async () => {
    let pair;
    try {
      pair = await stalledPair('::', '127.0.0.1');
    } catch {
      return; // no IPv6 on this machine
    }
    expect(pair.server.remoteAddress).toBe('::ffff:127.0.0.1');
    await fallsAsTheClientReads(pair.server, pair.client);
  });

  it('finds an IPv6 connection (::1)', async () => {
    let pair;
    try {
      pair = await stalledPair('::1', '::1');
    } catch {
      return; // no IPv6 loopback on this machine
    }
    await fallsAsTheClientReads(pair.server, pair.client);
  });
});

describe('sendBacklog anywhere', () => {
  it('counts what Node holds for a socket that has not connected, with no kernel count', () => {
    const socket = connect({ port: 1, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    open.push(socket);
    socket.write('queued');
    expect(sendBacklog(socket)).toEqual({ node: 6, kernel: undefined });
  });
});
