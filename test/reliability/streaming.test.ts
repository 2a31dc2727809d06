// Responses stream through as they come, with the traffic capture on too, and an upstream that fails after its
// head gets an honest answer: a 502 JSON while nothing has reached the client, a cut connection once bytes are out,
// and a log line with the status the client really saw. One that sends more than its Content-Length gets the
// declared bytes relayed and the rest dropped with its connection. A client that leaves a quiet stream ends the
// upstream request. No timing: each upstream step waits for the test client to have seen the previous one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { RawConnection } from '../support/raw-connection';
import { bodyText, CapturingGateway } from '../support/capturing-gateway';

let upstream: RawUpstream;
let gateway: TestGateway;
/** What the upstream does with the next request, once its head has arrived. */
let onRequest: (socket: Socket) => void = () => undefined;

beforeAll(async () => {
  upstream = await startRawUpstream((socket) => onRequest(socket));
  gateway = await startTestGateway({ services: [{ name: 'events', pathPrefix: '/events', upstream: { url: `http://127.0.0.1:${upstream.port}` } }] });
});

afterAll(async () => {
  await gateway.close();
  upstream.close();
});

/** Resolves with the response as soon as its head arrives; its body is read by the caller. */
function get(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gateway.port, path, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function nextChunk(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => res.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
}

/** The upstream's socket for the next request, once it has written `head` on it. */
function answerNextWith(head: string): Promise<Socket> {
  return new Promise((resolve) => {
    onRequest = (socket) => {
      socket.write(head);
      resolve(socket);
    };
  });
}

const SSE_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe('streaming', () => {
  it('passes the head on before any body, and each event before the upstream sends the next', async () => {
    let upstreamSocket!: Socket;
    const requested = new Promise<void>((resolve) => {
      onRequest = (socket) => {
        upstreamSocket = socket;
        // Only the head: the client must see it with no body byte behind it.
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
        resolve();
      };
    });
    const response = get('/events/stream');
    await requested;
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');

    const event1 = 'data: one\n\n';
    const first = nextChunk(res);
    upstreamSocket.write(`${Buffer.byteLength(event1).toString(16)}\r\n${event1}\r\n`);
    expect(await first).toBe(event1);

    // Sent only now that the client has event 1: were it held back for a second chunk, this would hang.
    const event2 = 'data: two\n\n';
    const second = nextChunk(res);
    upstreamSocket.write(`${Buffer.byteLength(event2).toString(16)}\r\n${event2}\r\n`);
    expect(await second).toBe(event2);

    const ended = once(res, 'end');
    upstreamSocket.end('0\r\n\r\n');
    await ended;
    await expect.poll(() => gateway.inFlight).toBe(0);
    expect(gateway.logs.at(-1)).toMatchObject({ path: '/events/stream', status: 200 });
    expect(gateway.logs.at(-1)!.error).toBeUndefined();
  });
});

describe('an upstream failing after its head', () => {
  it('before anything reached the client (a malformed first chunk right behind the head): 502 JSON naming the upstream, logged as 502', async () => {
    onRequest = (socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n');
    const conn = await RawConnection.open(gateway.port);
    try {
      conn.write('GET /events/broken HTTP/1.1\r\nHost: gw.test\r\n\r\n');
      const res = await conn.response();
      expect(res?.status).toBe(502);
      expect(res!.headers['content-type']).toMatch(/^application\/json/);
      expect((JSON.parse(res!.body) as { message: string }).message).toMatch(/^Upstream http:\/\/127\.0\.0\.1:\d+\/ /);
    } finally {
      conn.close();
    }
    await expect.poll(() => gateway.inFlight).toBe(0);
    const entry = gateway.logs.at(-1)!;
    expect(entry).toMatchObject({ path: '/events/broken', status: 502 });
    expect(entry.error).toBeTruthy();
  });

  it.each([
    ['reset mid-body', (s: Socket) => s.resetAndDestroy(), 'ECONNRESET'],
    // undici's code for a connection the other side closed: 'other side closed' after the head.
    ['closed before its Content-Length was honoured', (s: Socket) => s.end(), 'UND_ERR_SOCKET'],
    ['a malformed chunk', (s: Socket) => s.write('zz\r\n'), 'HTTP_PARSER_ERROR'],
  ])('once bytes are out (%s): the connection is cut, logged with the 200 the client saw and the cause', async (_name, fail, code) => {
    let upstreamSocket!: Socket;
    const requested = new Promise<void>((resolve) => {
      onRequest = (socket) => {
        upstreamSocket = socket;
        const chunked = _name === 'a malformed chunk';
        socket.write(chunked ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst');
        resolve();
      };
    });
    const response = get('/events/cut');
    await requested;
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(await nextChunk(res)).toBe('first');
    res.on('error', () => undefined); // the cut shows as "aborted"
    const closed = new Promise((resolve) => res.once('close', resolve));
    fail(upstreamSocket);
    await closed;
    expect(res.complete).toBe(false);
    await expect.poll(() => gateway.inFlight).toBe(0);
    const entry = gateway.logs.at(-1)!;
    expect(entry).toMatchObject({ path: '/events/cut', status: 200, error: code });
  });
});

describe('server-sent events with the traffic capture on', () => {
  it('each event reaches the client before the upstream writes the next, and the capture shows them all', async () => {
    const capturing = await new CapturingGateway().start({ services: [{ name: 'events', pathPrefix: '/events', upstream: { url: `http://127.0.0.1:${upstream.port}` } }] }, {});
    try {
      const socketReady = answerNextWith(SSE_HEAD);
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: capturing.gateway.port, path: '/events/captured', agent: false }, resolve).on('error', reject).end();
      });
      const upstreamSocket = await socketReady;
      const res = await response;
      expect(res.headers['content-type']).toBe('text/event-stream');
      const events = ['data: one\n\n', 'id: 2\ndata: two\n\n', 'data: three\n\n'];
      for (const event of events) {
        // Written only once the client has the one before: a capture holding chunks back would hang here.
        const received = nextChunk(res);
        upstreamSocket.write(chunk(event));
        expect(await received).toBe(event);
      }
      const ended = once(res, 'end');
      upstreamSocket.end('0\r\n\r\n');
      await ended;
      const done = await capturing.next((c) => c.exchange.state === 'complete' && c.exchange.request.target === '/events/captured');
      expect(bodyText(done.exchange.response!.body)).toBe(events.join(''));
      expect(done.exchange.response!.body.complete).toBe(true);
    } finally {
      await capturing.gateway.close();
    }
  });
});

describe('a client that leaves a quiet stream', () => {
  it('ends the upstream request: the upstream sees its connection close, logged as the client leaving with the 200 it had', async () => {
    const socketReady = answerNextWith(SSE_HEAD);
    const response = get('/events/left');
    const upstreamSocket = await socketReady;
    const res = await response;
    const first = nextChunk(res);
    upstreamSocket.write(chunk('data: one\n\n'));
    await first;
    // Nothing more is written upstream: only the client's leaving can end this request.
    const upstreamClosed = once(upstreamSocket, 'close');
    res.destroy();
    await upstreamClosed;
    await expect.poll(() => gateway.inFlight).toBe(0);
    await expect.poll(() => gateway.logs.findLast((e) => e.path === '/events/left')).toMatchObject({ status: 200, error: 'CLIENT_GONE' });
  });
});

describe('an upstream that sends more than its Content-Length', () => {
  it('relays the declared bytes, well framed, and drops the rest with its connection: a later request never gets it as its answer', async () => {
    onRequest = (socket) => {
      // The excess looks like an answer of its own; the connection stays open.
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled');
      // The raw upstream reads one request per connection: the next one must come on a new connection.
      onRequest = (next) => next.end('HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhonest');
    };
    const conn = await RawConnection.open(gateway.port);
    try {
      conn.write('GET /events/longer HTTP/1.1\r\nHost: gw.test\r\n\r\n');
      const first = await conn.response();
      expect(first).toMatchObject({ status: 200, body: 'hello' });
      expect(first!.headers['content-length']).toBe('5');
      conn.write('GET /events/after HTTP/1.1\r\nHost: gw.test\r\n\r\n');
      expect(await conn.response()).toMatchObject({ status: 200, body: 'honest' });
    } finally {
      conn.close();
    }
  });
});
