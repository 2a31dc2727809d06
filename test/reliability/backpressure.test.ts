// Backpressure both ways. While the reading side does not read, the writing side's write() returns false and its
// 'drain' stays pending: the gateway stops reading rather than buffering the body. Judged by events, not by time or
// the process's memory:
// - what the gateway holds for the slow side is the unsent bytes queued on its socket to that side; every write the
//   gateway makes to it is observed (the real write runs; nothing is mocked), and the queue never passes 1 MiB while
//   256 MiB go through;
// - the writer is held back: stalled, and still stalled after a whole request through the gateway on another
//   connection (turns of the event loop the gateway and both ends share) completed without a 'drain'.
// Then the reader reads, and every byte arrives. The same with the traffic capture on, which sees both bodies go by.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter, once } from 'node:events';
import { connect, Socket } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream';
import { startGateway, type Gateway } from '../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../../gateway/secrets/secret-source';
import { TrafficCapture } from '../../gateway/capture/traffic-capture';
import type { RequestLogEntry } from '../../gateway/log/request-log';
import { RawConnection } from '../support/raw-connection';

/** Far more than the sockets between the two ends hold (loopback buffers grow to a few MiB each here). */
const TOTAL = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x62);
/** Node's socket buffer (16 KiB) and one read's chunk are what a gateway that waits for 'drain' queues at most. */
const MOST_QUEUED = 1024 * 1024;

/**
 * Writes TOTAL bytes to `socket` as fast as it takes them, waiting for 'drain' whenever write() returns false, and
 * says so on each change: stalled (write() returned false), drained, finished.
 */
class Pump extends EventEmitter {
  written = 0;
  stalled = false;
  drains = 0;
  finished = false;

  constructor(readonly socket: Socket) {
    super();
  }

  start(): this {
    const pump = () => {
      while (this.written < TOTAL) {
        this.written += CHUNK.length;
        if (!this.socket.write(CHUNK)) {
          this.stalled = true;
          this.emit('change');
          this.socket.once('drain', () => {
            this.stalled = false;
            this.drains += 1;
            this.emit('change');
            pump();
          });
          return;
        }
      }
      this.finished = true;
      this.emit('change');
    };
    pump();
    return this;
  }

  /**
   * Resolves once the writer is held back (`true`: stalled, and still stalled with no 'drain' in between after
   * `roundTrip` went through the gateway), or has written everything (`false`).
   */
  async heldBack(roundTrip: () => Promise<void>): Promise<boolean> {
    for (;;) {
      while (!this.stalled && !this.finished) await once(this, 'change');
      if (this.finished) return false;
      const drains = this.drains;
      await roundTrip();
      if (this.stalled && this.drains === drains) return true;
    }
  }
}

let raw: RawUpstream;
/** An upstream that reads an upload's body only when the test does. */
let inbox: Server;
let inboxPort: number;
let gateway: Gateway;
/** The port of the gateway under test, once it listens. */
let gatewayPort = -1;
const logs: RequestLogEntry[] = [];
let download: Pump | undefined;
/** The upload's upstream request, its body not read until the test reads it. */
let upload: { req: IncomingMessage; res: ServerResponse } | undefined;
const uploadArrived = new EventEmitter();

/** The most bytes queued on the gateway's sockets to its clients and to the inbox upstream, after any write. */
const mostQueued = { toClient: 0, toUpstream: 0 };
const socketWrite = Socket.prototype.write;

beforeAll(async () => {
  raw = await startRawUpstream((socket, path) => {
    if (path === '/download') {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${TOTAL}\r\n\r\n`);
      download = new Pump(socket).start();
      return;
    }
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong');
  });
  inbox = createServer((req, res) => {
    if (req.url !== '/upload') return void res.end('pong');
    upload = { req, res };
    uploadArrived.emit('arrived');
  });
  inbox.listen(0, '127.0.0.1');
  await once(inbox, 'listening');
  inboxPort = (inbox.address() as AddressInfo).port;
  // The gateway runs in this process: its writes to either side are seen here (the gateway under test at the time).
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    const accepted = socketWrite.apply(this, args);
    if (this.localPort === gatewayPort) mostQueued.toClient = Math.max(mostQueued.toClient, this.writableLength);
    else if (this.remotePort === inboxPort) mostQueued.toUpstream = Math.max(mostQueued.toUpstream, this.writableLength);
    return accepted;
  } as Socket['write'];
});

afterAll(async () => {
  Socket.prototype.write = socketWrite;
  raw.close();
  inbox.closeAllConnections();
  inbox.close();
});

/** One whole request through the gateway on a connection of its own. */
async function roundTrip(path: string): Promise<void> {
  const conn = await RawConnection.open(gateway.port);
  try {
    conn.write(`GET ${path} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n`);
    expect((await conn.response())?.status).toBe(200);
  } finally {
    conn.close();
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

describe.each([
  ['with the log only', false],
  ['with the traffic capture on', true],
])('backpressure %s', (_name, capturing) => {
  beforeAll(async () => {
    gateway = await startGateway({
      workspace: {
        services: [
          { name: 'files', pathPrefix: '/files', upstream: { url: `http://127.0.0.1:${raw.port}` } },
          { name: 'inbox', pathPrefix: '/inbox', upstream: { url: `http://127.0.0.1:${inboxPort}` } },
        ],
      },
      secrets: new SecretResolver([new MemorySecretSource('none', {})]),
      log: (entry) => logs.push(entry),
      port: 0,
      ...(capturing ? { capture: new TrafficCapture(() => undefined, { enabled: true }) } : {}),
    });
    gatewayPort = gateway.port;
    download = undefined;
    upload = undefined;
    mostQueued.toClient = 0;
    mostQueued.toUpstream = 0;
  });

  afterAll(() => gateway.close());

  it('a client that does not read holds the upstream\'s writes back, and then gets every byte', async () => {
    const client = connect({ host: '127.0.0.1', port: gateway.port });
    await once(client, 'connect');
    client.pause(); // reads nothing until the upstream is held back
    client.write('GET /files/download HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n');
    await expect.poll(() => download).toBeDefined();

    expect(await download!.heldBack(() => roundTrip('/files/ping')), 'the upstream wrote everything to a client that read nothing').toBe(true);
    const heldAt = download!.written;
    expect(heldAt).toBeLessThan(TOTAL);
    expect(mostQueued.toClient, 'queued by the gateway for the client').toBeLessThan(MOST_QUEUED);
    console.info(`download: upstream held back after ${mib(heldAt)} of ${mib(TOTAL)} (loopback buffers included); gateway queued at most ${mib(mostQueued.toClient)}`);

    let received = 0;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    client.resume();
    await once(client, 'end');
    expect(download!.finished).toBe(true);
    // The head, then every body byte.
    expect(received - TOTAL).toBeGreaterThan(0);
    expect(received - TOTAL).toBeLessThan(1024);
    expect(mostQueued.toClient, 'queued by the gateway for the client').toBeLessThan(MOST_QUEUED);
    client.destroy();
    await expect.poll(() => gateway.inFlight).toBe(0);
    const entry = logs.findLast((e) => e.path === '/files/download');
    expect(entry?.status).toBe(200);
    expect(entry?.error).toBeUndefined();
  });

  it('an upstream that does not read holds the client\'s upload back, and then gets every byte', async () => {
    const client = connect({ host: '127.0.0.1', port: gateway.port });
    await once(client, 'connect');
    client.write(`POST /inbox/upload HTTP/1.1\r\nHost: gw.test\r\nContent-Length: ${TOTAL}\r\nConnection: close\r\n\r\n`);
    // Pumping at once: the request's head goes upstream with the first body bytes (undici writes them together).
    const pump = new Pump(client).start();
    if (upload === undefined) await once(uploadArrived, 'arrived');

    expect(await pump.heldBack(() => roundTrip('/inbox/ping')), 'the client wrote everything to an upstream that read nothing').toBe(true);
    const heldAt = pump.written;
    expect(heldAt).toBeLessThan(TOTAL);
    expect(mostQueued.toUpstream, 'queued by the gateway for the upstream').toBeLessThan(MOST_QUEUED);
    console.info(`upload: client held back after ${mib(heldAt)} of ${mib(TOTAL)} (loopback buffers included); gateway queued at most ${mib(mostQueued.toUpstream)}`);

    let received = 0;
    const { req, res } = upload!;
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    await once(req, 'end');
    res.end(String(received));
    expect(received).toBe(TOTAL);
    expect(pump.finished).toBe(true);
    expect(mostQueued.toUpstream, 'queued by the gateway for the upstream').toBeLessThan(MOST_QUEUED);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      client.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      client.once('end', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.endsWith(`\r\n\r\n${TOTAL}`)).toBe(true);
    client.destroy();
  });
});
