// An upstream that fails while the gateway is still sending it the request body. One that closes or resets the
// connection then (an early 413 or 401 to a large upload, its answer lost unread behind the failed write) was said to
// have closed it "before answering", as if it never answered; one that stops reading the body and never answers was
// said to be slow to answer (UND_ERR_HEADERS_TIMEOUT), though it never had the whole request. nginx says both
// "while sending request to upstream". (A client slow to send its body is not the upstream's doing: undici's
// response timer waits while the body's writes are not held up, and clientBodyTimeoutMs bounds the client.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection } from '../../support/raw-connection';
import type { TestGateway } from '../../support/gateway';

const RESPONSE_MS = 300;
let gateway: TestGateway;
let close: () => Promise<void>;
/** Requests whose head the upstream has read, by path. */
const seen = new Set<string>();

const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  // Reads the head and resets the connection, with the body still coming.
  '/send/reset': (socket) => socket.resetAndDestroy(),
  // Reads the head and then nothing more, and never answers: the gateway's writes of the body back up.
  '/send/stop-reading': (socket) => socket.pause(),
};

beforeAll(async () => {
  ({ gateway, close } = await startRawUpstreamBehindGateway(
    { name: 'send', pathPrefix: '/send' },
    (socket, path) => {
      seen.add(path);
      BEHAVIOURS[path]?.(socket);
    },
    { timeouts: { responseMs: RESPONSE_MS } },
  ));
});

afterAll(() => close());

/**
 * Sends an upload of `total` bytes as fast as the gateway takes it, stopping at the first answer or the connection's
 * end. The body never ends on its own before the answer for the sizes used here.
 */
function upload(client: RawConnection, path: string, total: number): void {
  client.write(`PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !client.socket.destroyed && client.pending === '') {
      sent += chunk.length;
      if (!client.socket.write(chunk)) {
        client.socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function logged(path: string): TestGateway['logs'][number] {
  const entry = gateway.logs.find((e) => e.path === path);
  if (!entry) throw new Error(`no log line for ${path} yet`);
  return entry;
}

describe('an upstream failing while the request body is being sent', () => {
  it('says the upstream closed the connection while the body was being sent, not before answering', async () => {
    const client = await RawConnection.open(gateway.port);
    upload(client, '/send/reset', 1 << 30);
    const answer = await client.response();
    expect(answer?.status).toBe(502);
    const message = (JSON.parse(answer!.body) as { message: string }).message;
    expect(message).toMatch(/^Upstream http:\/\/127\.0\.0\.1:\d+\/\S* (reset|closed) the connection while the request body was being sent \((ECONNRESET|EPIPE|UND_ERR_SOCKET)\)$/);
    expect(answer?.headers.connection).toBe('close');
    client.close();
    await expect.poll(() => logged('/send/reset').error).toMatch(/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/);
  });

  it('says the upstream stopped reading the body when it takes none of it for responseMs (UPSTREAM_STOPPED_READING)', async () => {
    const client = await RawConnection.open(gateway.port);
    // Far more than the sockets' buffers between the gateway and the upstream hold.
    upload(client, '/send/stop-reading', 1 << 30);
    const answer = await client.response();
    expect(answer?.status).toBe(504);
    expect(JSON.parse(answer!.body)).toEqual({ message: expect.stringMatching(/^Upstream http:\/\/127\.0\.0\.1:\d+\/\S* stopped reading the request body and did not answer in time \(UPSTREAM_STOPPED_READING\)$/) });
    client.close();
    await expect.poll(() => logged('/send/stop-reading').error).toBe('UPSTREAM_STOPPED_READING');
    expect(logged('/send/stop-reading').status).toBe(504);
  });
});
