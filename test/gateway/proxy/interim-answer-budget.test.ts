// An upstream that sends informational (1xx) answers and never a final one: each 1xx restarted undici's wait for
// the head, so the request, its upstream connection and its client were held for ever (a 102 relayed each time).
// The 1xx heads of one request now share the response-head limit, as Go's client (Kyma's Application Gateway) has
// counted them since 1.24 (gateway/proxy/interim-answer-budget.ts). Real sockets both sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { maxHeaderSize } from 'node:http';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection, type RawResponse } from '../../support/raw-connection';
import { interimHeadBytes } from '../../../gateway/proxy/interim-answer-budget';

const PROCESSING = 'HTTP/1.1 102 Processing\r\n\r\n';
/** More 102s than the budget holds, written at once: what a backend stuck in a loop sends. */
const ENDLESS = PROCESSING.repeat(Math.ceil((2 * maxHeaderSize) / PROCESSING.length));
/** 102s that fill a little over half the budget: two requests' worth would be over it, one request's is not. */
const HALF_BUDGET = PROCESSING.repeat(Math.ceil(maxHeaderSize / 2 / PROCESSING.length) + 1);
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/**
 * An upstream that keeps its connections alive and answers each request head as it comes (GETs, no bodies): on
 * `/b/endless` with 102s and no final answer, on `/b/half` with half a budget of 102s and then 200.
 */
let upstream: Server;
const upstreamConnections = new Set<Socket>();
const upstreamClosed: Socket[] = [];
let gateway: TestGateway;

beforeAll(async () => {
  upstream = createServer((socket) => {
    upstreamConnections.add(socket);
    socket.once('close', () => upstreamClosed.push(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const path = /^[A-Z]+ (\S+)/.exec(pending)?.[1];
        pending = pending.slice(end + 4);
        socket.write(path === '/b/endless' ? ENDLESS : HALF_BUDGET + OK);
      }
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as { port: number }).port;
  gateway = await startTestGateway({
    services: [{ name: 'interim', pathPrefix: '/b', stripPrefix: false, upstream: { url: `http://127.0.0.1:${port}` } }],
  });
});

afterAll(async () => {
  await gateway.close();
  for (const socket of upstreamConnections) socket.destroy();
  upstream.close();
});

/** Every answer the client gets to one request on `client`, 1xx included, up to the final one. */
async function answersTo(client: RawConnection, path: string): Promise<RawResponse[]> {
  client.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const answers: RawResponse[] = [];
  for (;;) {
    const answer = await client.response();
    if (answer === undefined) throw new Error(`the connection ended after ${answers.length} answers`);
    answers.push(answer);
    if (answer.status >= 200) return answers;
  }
}

describe('informational answers without end', () => {
  it('counts a 1xx head as it came over the wire: status line, fields, the empty line', () => {
    const head = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nX-Hint: a\r\n\r\n';
    const fields = ['Link', '</a.css>; rel=preload', 'X-Hint', 'a'].map((text) => Buffer.from(text, 'latin1'));
    expect(interimHeadBytes('Early Hints', fields)).toBe(Buffer.byteLength(head, 'latin1'));
    expect(interimHeadBytes('Processing', [])).toBe(PROCESSING.length);
  });

  it('end in a 502 naming them once the budget is spent, after the 1xx within it were relayed, and the upstream connection is closed', async () => {
    const client = await RawConnection.open(gateway.port);
    const answers = await answersTo(client, '/b/endless');
    client.close();
    const final = answers.pop()!;
    expect(final.status).toBe(502);
    expect(final.body).toContain(`sent informational (1xx) answers over the ${maxHeaderSize / 1024} KiB limit of a response head, and no final answer (TOO_MANY_INTERIM_ANSWERS)`);
    // Every 102 that fitted reached the client, none past the budget.
    expect(answers).toHaveLength(Math.floor(maxHeaderSize / PROCESSING.length));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([102]));
    await expect.poll(() => gateway.logs.find((e) => e.path === '/b/endless')).toMatchObject({ status: 502, error: 'TOO_MANY_INTERIM_ANSWERS' });
    // Its connection cannot carry another request: what the upstream sends next on it is more of the same.
    await expect.poll(() => upstreamClosed.length).toBe(1);
  });

  it('are counted for each request, not each connection: two requests of half a budget each on one connection both get their answer', async () => {
    const client = await RawConnection.open(gateway.port);
    const connectionsBefore = upstreamConnections.size;
    const first = await answersTo(client, '/b/half');
    const second = await answersTo(client, '/b/half');
    client.close();
    for (const answers of [first, second]) {
      expect(answers.at(-1)).toMatchObject({ status: 200, body: 'ok' });
      expect(answers.slice(0, -1).every((a) => a.status === 102)).toBe(true);
      expect(answers).toHaveLength(HALF_BUDGET.length / PROCESSING.length + 1);
    }
    // The second request went over the first one's connection, whose count it did not inherit.
    expect(upstreamConnections.size - connectionsBefore).toBe(1);
  });
});
