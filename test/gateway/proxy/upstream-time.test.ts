// The log's upstreamMs is the upstream's time: from the request reaching it to its answer's head. undici writes a
// streamed body's first bytes and the request's head together, so for a client slow to start its body the head
// goes out only when the body begins; the time counted from undici taking the request up had charged the client's
// wait to the upstream (2 s of a client's pause logged as a backend answering in 2 s).
// The check is an order of events on the one clock the gateway and this test share (they run in one process):
// the upstream cannot have been asked before the client sent its body, nor answered after the client had the
// answer, so its time fits between the two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  // Each request on a connection of its own: its opening tells the test the gateway has taken the request up.
  upstream = await startRecordingUpstream((_req, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
  gateway = await startTestGateway({ services: [{ name: 'echo', pathPrefix: '/echo', upstream: { url: upstream.url } }] });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('upstreamMs for a request whose body starts late', () => {
  it.each([
    ['Content-Length: 4', 'abcd'],
    ['Transfer-Encoding: chunked', '4\r\nabcd\r\n0\r\n\r\n'],
  ])('%s: counts from the body\'s start, not from the gateway taking the request up', async (framing, body) => {
    const conn = await RawConnection.open(gateway.port);
    try {
      const connected = once(upstream.server, 'connection');
      conn.write(`POST /echo/late HTTP/1.1\r\nHost: gw.test\r\n${framing}\r\n\r\n`);
      // The gateway has taken the request up (its upstream connection is open); the client starts its body later.
      // The pause is not measured: it only makes the old count visibly wrong.
      await connected;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const bodySentAt = performance.now();
      conn.write(body);
      const res = await conn.response();
      const answeredAt = performance.now();
      expect(res?.status).toBe(200);
      await expect.poll(() => gateway.logs.filter((e) => e.path === '/echo/late').length).toBe(framing.startsWith('Content') ? 1 : 2);
      const entry = gateway.logs.findLast((e) => e.path === '/echo/late')!;
      // Rounded to 0.01 ms in the log.
      expect(entry.upstreamMs!).toBeLessThanOrEqual(answeredAt - bodySentAt + 0.01);
    } finally {
      conn.close();
    }
  });
});
