// Pipelined requests (several written on one connection before any answer): each is handled in its turn, after the
// answers before it are out, as nginx does. RFC 9112 §9.3.2 lets a server work on pipelined requests in parallel
// only when all of them are safe; Node hands over every request its parser reads at once, and never tells a queued
// response that its client left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { RawConnection } from '../support/raw-connection';

let upstream: RecordingUpstream;
let gateway: TestGateway;
let onePool: TestGateway;
/** What the upstream saw, in order: `start <method> <url>` when a request arrived, `end …` when its answer was sent. */
const events: string[] = [];
/** Answers the upstream holds until the test releases them, by URL. */
const held = new Map<string, () => void>();

function hold(url: string, res: ServerResponse, answer: () => void): void {
  held.set(url, () => (res.destroyed ? undefined : answer()));
}

beforeAll(async () => {
  upstream = await startRecordingUpstream((req: IncomingMessage, res: ServerResponse, recorded) => {
    const name = `${recorded.method} ${recorded.url}`;
    events.push(`start ${name}`);
    res.once('finish', () => events.push(`end ${name}`));
    // With a Content-Length: Node puts the head of a fixed-length answer in front of whatever is queued before it.
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(name) }).end(name);
    if (recorded.url.startsWith('/held')) return hold(recorded.url, res, answer);
    if (recorded.url === '/hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      return answer();
    }
    if (recorded.url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const tick = setInterval(() => res.write('data: tick\n\n'), 5);
      req.socket.once('close', () => clearInterval(tick));
      return;
    }
    answer();
  });
  gateway = await startTestGateway({ services: [{ name: 'up', pathPrefix: '/up', upstream: { url: upstream.url } }] });
  // One connection to the upstream: a second call waits in the pool's queue.
  onePool = await startTestGateway({ gateway: { maxUpstreamConnections: 1 }, services: [{ name: 'one', pathPrefix: '/one', upstream: { url: upstream.url } }] });
});

afterAll(async () => {
  for (const release of held.values()) release();
  await gateway.close();
  await onePool.close();
  await upstream.close();
});

const CRLF = '\r\n';
const request = (head: string[], body = '') => head.join(CRLF) + CRLF + CRLF + body;

/** Waits for `condition` a turn at a time; the test's timeout catches one that never comes. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function released(url: string): Promise<void> {
  await until(() => held.has(url));
  held.get(url)!();
  held.delete(url);
}

describe('pipelined requests', () => {
  it('go upstream one after another, each once the answer before it is out', async () => {
    events.length = 0;
    const conn = await RawConnection.open(gateway.port);
    conn.write(
      request(['POST /up/held-post HTTP/1.1', 'Host: gw.test', 'Content-Length: 1'], 'a') +
      request(['DELETE /up/second HTTP/1.1', 'Host: gw.test']) +
      request(['POST /up/third HTTP/1.1', 'Host: gw.test', 'Content-Length: 1'], 'b'),
    );
    await until(() => held.has('/held-post'));
    // Node has handed over all three (one read); only the first is being handled.
    expect(gateway.inFlight).toBe(1);
    expect(events).toEqual(['start POST /held-post']);
    await released('/held-post');
    const bodies = [(await conn.response())!.body, (await conn.response())!.body, (await conn.response())!.body];
    expect(bodies).toEqual(['POST /held-post', 'DELETE /second', 'POST /third']);
    expect(events).toEqual(['start POST /held-post', 'end POST /held-post', 'start DELETE /second', 'end DELETE /second', 'start POST /third', 'end POST /third']);
    conn.close();
  });

  it('get an informational answer (103) after the answers before them and before their own', async () => {
    const conn = await RawConnection.open(gateway.port);
    events.length = 0;
    conn.write(request(['GET /up/held-first HTTP/1.1', 'Host: gw.test']) + request(['GET /up/hints HTTP/1.1', 'Host: gw.test']));
    await until(() => held.has('/held-first'));
    // The first answer is released once nothing else the gateway began is still going: at once when the second
    // waits for its turn; else (handled alongside) after the second's 103 and answer were written behind it.
    await until(() => gateway.inFlight === 1 || events.includes('end GET /hints'));
    await released('/held-first');
    const answers = [(await conn.response())!, (await conn.response())!, (await conn.response())!];
    expect(answers.map((a) => [a.status, a.body])).toEqual([[200, 'GET /held-first'], [103, ''], [200, 'GET /hints']]);
    expect(answers[1]!.headers.link).toBe('</style.css>; rel=preload; as=style');
    conn.close();
  });

  it('whose client leaves: each is logged as the client leaving, and one not yet begun never goes upstream', async () => {
    events.length = 0;
    const conn = await RawConnection.open(gateway.port);
    conn.write(request(['GET /up/held-gone HTTP/1.1', 'Host: gw.test']) + request(['GET /up/endless HTTP/1.1', 'Host: gw.test']));
    await until(() => held.has('/held-gone'));
    conn.close();
    await until(() => gateway.logs.some((e) => e.path === '/up/endless'));
    await until(() => gateway.logs.some((e) => e.path === '/up/held-gone'));
    expect(gateway.logs.filter((e) => e.path === '/up/held-gone' || e.path === '/up/endless').map((e) => [e.path, e.status, e.error])).toEqual(
      expect.arrayContaining([['/up/held-gone', 499, 'CLIENT_GONE'], ['/up/endless', 499, 'CLIENT_GONE']]),
    );
    expect(events).toEqual(['start GET /held-gone']);
    await until(() => gateway.inFlight === 0);
    held.delete('/held-gone');
  });
});

describe('a request read behind an answer that closed the connection', () => {
  it.each([
    ['a refused framing (a coding before chunked)', request(['POST /up/refused HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: foo, chunked'], `5${CRLF}hello${CRLF}0${CRLF}${CRLF}`), 501, '/up/behind-refusal'],
    ['a refused 100-continue whose body came anyway', request(['POST /nowhere HTTP/1.1', 'Host: gw.test', 'Expect: 100-continue', 'Content-Length: 5'], 'hello'), 404, '/up/behind-expect'],
  ])('behind %s is never handled: not forwarded, logged 444 CONNECTION_CLOSING', async (_name, first, status, behind) => {
    // Node's parser reads on past the answer that closes the connection; the DELETE behind it went upstream, and
    // after a refused framing the bytes behind it may be a request smuggled in its body.
    const conn = await RawConnection.open(gateway.port);
    conn.write(first + request([`DELETE ${behind} HTTP/1.1`, 'Host: gw.test']));
    const answer = await conn.response();
    expect(answer).toMatchObject({ status, headers: { connection: 'close' } });
    await conn.closed;
    expect(await conn.response()).toBeUndefined();
    await until(() => gateway.logs.some((e) => e.path === behind));
    expect(gateway.logs.find((e) => e.path === behind)).toMatchObject({ method: 'DELETE', status: 444, error: 'CONNECTION_CLOSING', service: null });
    expect(upstream.requests.map((r) => r.url)).not.toContain(behind.slice('/up'.length));
  });
});

describe('a request waiting in the pool for an upstream connection', () => {
  it('whose client leaves is never sent: its 499 is final', async () => {
    const first = await RawConnection.open(onePool.port);
    first.write(request(['GET /one/held-only HTTP/1.1', 'Host: gw.test']));
    await until(() => held.has('/held-only'));
    const leaving = await RawConnection.open(onePool.port);
    leaving.write(request(['DELETE /one/queued HTTP/1.1', 'Host: gw.test']));
    await until(() => onePool.inFlight === 2); // handled: waiting for the pool's one connection
    leaving.close();
    await until(() => onePool.logs.some((e) => e.path === '/one/queued'));
    expect(onePool.logs.find((e) => e.path === '/one/queued')).toMatchObject({ method: 'DELETE', status: 499, error: 'CLIENT_GONE', upstreamMs: null });
    await released('/held-only');
    expect((await first.response())!.body).toBe('GET /held-only');
    // The pool's queue is first in, first out: a DELETE still in it would go out before this one.
    first.write(request(['GET /one/after HTTP/1.1', 'Host: gw.test']));
    expect((await first.response())!.body).toBe('GET /after');
    expect(upstream.requests.map((r) => r.url)).not.toContain('/queued');
    first.close();
  });
});
