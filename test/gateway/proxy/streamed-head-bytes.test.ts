// A head sent before any body byte (a server-sent event stream, a slow backend) carries the upstream's field
// bytes as they came: RFC 9110 §5.5 lets field values hold bytes above 0x7f (obs-text), and a proxy passes them
// on. Until 1 Dec the gateway sent such a head with Node's flushHeaders(), which wrote it as a UTF-8 string, so
// `j\xC3\xBCrgen` arrived as `j\xC3\x83\xC2\xBCrgen`; a head sent with its first body bytes was never affected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection } from '../../support/raw-connection';
import type { TestGateway } from '../../support/gateway';

let gateway: TestGateway;
let close: () => Promise<void>;
const held: Socket[] = [];
const NAME_BYTES = 'j\xC3\xBCrgen'; // "jürgen" in UTF-8, each byte as one latin1 character

beforeAll(async () => {
  ({ gateway, close } = await startRawUpstreamBehindGateway({ name: 'held', pathPrefix: '/h' }, (socket: Socket) => {
    // The head alone, then nothing until the test ends: the gateway must send the head by itself.
    socket.write(Buffer.from(`HTTP/1.1 200 OK\r\nX-Name: ${NAME_BYTES}\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n`, 'latin1'));
    held.push(socket);
  }));
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await close?.();
});

describe('a head sent before the body', () => {
  it('keeps field bytes above 0x7f as the upstream sent them', async () => {
    const client = await RawConnection.open(gateway.port);
    client.write('GET /h/events HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const head = await client.response(undefined, { head: true });
    expect(head?.status).toBe(200);
    expect(head?.headers['x-name']).toBe(NAME_BYTES);
    client.socket.destroy();
  });
});
