// How much of what the gateway wrote to a client has not reached it yet: the measure by which a client that still
// reads, however slowly, is told from one that stopped (timeouts.clientReadMs).
//
// Node's 'drain' cannot tell them apart: the kernel wakes the writer only once half of a socket's send buffer is
// free (several MB on a fast link, autotuned), and a client reading 50 KB/s takes longer than clientReadMs to free
// that much while it reads all along. What the client takes shows first in the kernel: the bytes it has not yet
// acknowledged (tx_queue in /proc/net/tcp, Linux's SIOCOUTQ) fall as it reads. Node publishes no such count, so it is
// read from /proc on Linux; elsewhere only Node's own buffers are seen, and they move only at a drain.
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import type { Socket } from 'node:net';

export interface SendBacklog {
  /** Bytes in Node's and libuv's buffers, not yet handed to the kernel. */
  node: number;
  /** Bytes in the kernel the client has not acknowledged, or undefined where that cannot be read. */
  kernel: number | undefined;
}

/**
 * The socket's backlog now. While nothing new is written to it, a change in either count means the client took
 * something. Reads /proc, so it is for a timer that runs seldom (a stalled answer's check), not for every write.
 */
export function sendBacklog(socket: Socket): SendBacklog {
  return { node: nodeBacklog(socket), kernel: process.platform === 'linux' ? kernelBacklog(socket) : undefined };
}

/** SendBacklog's `node` alone: no system call, cheap enough for every pause. */
export function nodeBacklog(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { writeQueueSize?: unknown } | null })._handle;
  return socket.writableLength + (typeof handle?.writeQueueSize === 'number' ? handle.writeQueueSize : 0);
}

function kernelBacklog(socket: Socket): number | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (localAddress === undefined || localPort === undefined || remoteAddress === undefined || remotePort === undefined) return undefined;
  const v4 = isIPv4(remoteAddress);
  const local = procAddress(localAddress, localPort);
  const remote = procAddress(remoteAddress, remotePort);
  if (local === undefined || remote === undefined) return undefined;
  let table: string;
  try {
    table = readFileSync(v4 ? '/proc/net/tcp' : '/proc/net/tcp6', 'latin1');
  } catch {
    return undefined;
  }
  // "  sl  local_address rem_address   st tx_queue:rx_queue ..." — one line a socket.
  const at = table.indexOf(` ${local} ${remote} `);
  if (at < 0) return undefined;
  const queues = /^ [0-9A-F]{2} ([0-9A-F]{8}):/.exec(table.slice(at + local.length + remote.length + 2, at + local.length + remote.length + 16));
  return queues ? parseInt(queues[1]!, 16) : undefined;
}

/** An address and port as /proc/net/tcp{,6} write them: each 32-bit word of the address in host (little-endian) order. */
function procAddress(address: string, port: number): string | undefined {
  const bytes = addressBytes(address);
  if (bytes === undefined) return undefined;
  let hex = '';
  for (let word = 0; word < bytes.length; word += 4) {
    for (let i = 3; i >= 0; i--) hex += bytes[word + i]!.toString(16).padStart(2, '0');
  }
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

function addressBytes(address: string): number[] | undefined {
  if (isIPv4(address)) return address.split('.').map(Number);
  const zoneless = address.split('%')[0]!;
  // An IPv4 tail (::ffff:127.0.0.1) as two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(zoneless);
  const text = v4 ? zoneless.slice(0, v4.index) + (((+v4[1]! << 8) | +v4[2]!).toString(16) + ':' + ((+v4[3]! << 8) | +v4[4]!).toString(16)) : zoneless;
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const missing = 8 - before.length - after.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const all = [...before, ...Array<string>(missing).fill('0'), ...after].map((g) => parseInt(g, 16));
  if (all.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return undefined;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}
