// A backend that answers `100 Continue` when nobody asked (the gateway sends no Expect upstream) and then its real
// answer: RFC 9110 §15.2 has a client parse any 1xx before a final answer and a proxy forward it. undici refused
// it and dropped the connection, and the gateway answered 502 (UNREQUESTED_CONTINUE) for a backend that had
// answered; its parser now reads the 100 as a 1xx (gateway/proxy/unasked-informational-answers.ts). Real sockets both sides.
// (An unasked 101, which the same module refuses, is a bad answer: upstream-answer-errors.test.ts and, for the token
// and CSRF endpoints, credential-endpoint-faults.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection } from '../../support/raw-connection';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** What the upstream writes, by path, all at once. */
const ANSWERS: Record<string, string> = {
  '/c/once': CONTINUE + OK,
  '/c/three-times': CONTINUE + CONTINUE + 'HTTP/1.1 100 Continue\r\nX-Note: still here\r\n\r\n' + OK,
  '/c/then-early-hints': CONTINUE + 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' + OK,
  '/c/chunked': CONTINUE + 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
};

let setup: RawUpstreamBehindGateway;
/** The upstream connections each request came on, and the heads the upstream got, by path. */
const connections = new Set<Socket>();
const heads = new Map<string, string>();

/** The upstream connection of `/c/held`, whose final answer the test sends when it has seen the 100 relayed. */
let held: Socket | undefined;

/**
 * Answers a request on `socket` by its path; a GET's connection then stays open for the next request (its head comes
 * in one read on loopback: undici writes a head in one write). A POST's answer closes the connection (its body is
 * not read).
 */
function answer(socket: Socket, path: string, head: string): void {
  connections.add(socket);
  heads.set(path, head);
  if (path === '/c/then-close') return void socket.end(CONTINUE);
  if (head.startsWith('POST ')) return void socket.end(CONTINUE + OK);
  if (path === '/c/held') {
    held = socket;
    return void socket.write(CONTINUE);
  }
  socket.write(ANSWERS[path] ?? OK);
  socket.once('data', (next: Buffer) => {
    const nextHead = next.toString('latin1');
    answer(socket, /^[A-Z]+ (\S+)/.exec(nextHead)?.[1] ?? '', nextHead);
  });
}

beforeAll(async () => {
  setup = await startRawUpstreamBehindGateway({ name: 'continue', pathPrefix: '/c' }, answer);
});
afterAll(() => setup.close());

/** The responses a client gets for one request on a new connection, interim ones first. */
async function responsesTo(request: string): Promise<{ status: number; body: string; headers: Record<string, string> }[]> {
  const client = await RawConnection.open(setup.gateway.port);
  client.write(request);
  const seen = [];
  for (;;) {
    const answer = await client.response();
    if (answer === undefined) break;
    seen.push(answer);
    if (answer.status >= 200) break;
  }
  client.close();
  return seen;
}

describe('an upstream answering 100 Continue unasked', () => {
  it('has its 100 relayed to an HTTP/1.1 client, then its answer, on an upstream connection kept for the next', async () => {
    const before = connections.size;
    const first = await responsesTo('GET /c/once HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(first.map((r) => [r.status, r.body])).toEqual([[100, ''], [200, 'ok']]);
    expect(heads.get('/c/once')).not.toMatch(/\r\nexpect:/i);
    const second = await responsesTo('GET /c/once HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(second.at(-1)).toMatchObject({ status: 200, body: 'ok' });
    expect(connections.size).toBe(before + 1);
    await expect.poll(() => setup.gateway.logs.filter((e) => e.path === '/c/once').map((e) => [e.status, e.error])).toEqual([[200, undefined], [200, undefined]]);
  });

  it('relays each of several 100s and a 103 between them and the answer, without their fields', async () => {
    expect((await responsesTo('GET /c/three-times HTTP/1.1\r\nHost: x\r\n\r\n')).map((r) => [r.status, r.headers, r.body])).toEqual([
      [100, {}, ''], [100, {}, ''], [100, {}, ''], [200, expect.objectContaining({ 'content-length': '2' }), 'ok'],
    ]);
    expect((await responsesTo('GET /c/then-early-hints HTTP/1.1\r\nHost: x\r\n\r\n')).map((r) => [r.status, r.headers.link, r.body])).toEqual([
      [100, undefined, ''], [103, '</style.css>; rel=preload', ''], [200, undefined, 'ok'],
    ]);
    expect((await responsesTo('GET /c/chunked HTTP/1.1\r\nHost: x\r\n\r\n')).map((r) => [r.status, r.body])).toEqual([[100, ''], [200, 'ok']]);
  });

  it('is relayed as soon as it comes, before the final answer exists', async () => {
    const client = await RawConnection.open(setup.gateway.port);
    client.write('GET /c/held HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await client.response()).toMatchObject({ status: 100 });
    held!.end(OK);
    expect(await client.response()).toMatchObject({ status: 200, body: 'ok' });
    client.close();
  });

  it('is not relayed to an HTTP/1.0 client (RFC 9110 §15.2), which gets the answer alone', async () => {
    expect((await responsesTo('GET /c/once HTTP/1.0\r\nHost: x\r\n\r\n')).map((r) => [r.status, r.body])).toEqual([[200, 'ok']]);
  });

  it('is not relayed to a client that sent Expect: 100-continue, which has had the gateway\'s own 100', async () => {
    const client = await RawConnection.open(setup.gateway.port);
    client.write('POST /c/expecting HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
    expect(await client.response()).toMatchObject({ status: 100 });
    client.write('ping');
    expect(await client.response()).toMatchObject({ status: 200, body: 'ok' });
    expect(client.pending).toBe('');
    client.close();
    expect(heads.get('/c/expecting')).toMatch(/^POST /);
    expect(heads.get('/c/expecting')).not.toMatch(/\r\nexpect:/i);
  });

  it('followed by a close and no answer is a 502 saying the upstream closed before answering', async () => {
    const answers = await responsesTo('GET /c/then-close HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answers.map((r) => r.status)).toEqual([100, 502]);
    expect(JSON.parse(answers[1]!.body)).toEqual({ message: `Upstream http://127.0.0.1:${setup.upstream.port}/ closed the connection before answering (UND_ERR_SOCKET)` });
  });
});
