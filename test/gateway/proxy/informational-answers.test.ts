// An upstream's informational answers reach the client as RFC 9110 §15.2 asks of a proxy, as far as Node's server
// can send them (102 Processing; 103 Early Hints with its Link fields), never an HTTP/1.0 client; the final answer
// follows in every case. Until 30 Nov the gateway dropped every 1xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { RawConnection, type RawResponse } from '../../support/raw-connection';
import type { TestGateway } from '../../support/gateway';

let gateway: TestGateway;
let close: () => Promise<void>;

/** The final answer after each upstream's 1xx; the raw upstream reads one request per connection, so it closes. */
const FINAL = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok';
const EARLY_HINTS = 'HTTP/1.1 103 Early Hints\r\n'
  + 'Link: </style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script\r\n'
  + 'X-Hint: a\r\n'
  + 'Link: </font.woff2>; rel=preload; as=font; crossorigin\r\n'
  + 'Connection: x-upstream-only\r\n'
  + 'X-Upstream-Only: not for the client\r\n'
  + '\r\n';

const BEHAVIOURS: Record<string, string> = {
  '/i/early-hints': EARLY_HINTS + FINAL,
  '/i/twice': 'HTTP/1.1 103 Early Hints\r\nLink: </one.css>; rel=preload\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </two.css>; rel=preload\r\n\r\n' + FINAL,
  '/i/processing': 'HTTP/1.1 102 Processing\r\n\r\n' + FINAL,
  // Nothing to hint with: no Link field, or one whose value is no link (Node's server will not write it).
  '/i/no-link': 'HTTP/1.1 103 Early Hints\r\nX-Hint: a\r\n\r\n' + FINAL,
  '/i/not-a-link': 'HTTP/1.1 103 Early Hints\r\nLink: style.css\r\n\r\n' + FINAL,
  // Fields a 1xx must not carry (Content-Length) or that Node cannot write repeated (Set-Cookie).
  '/i/framing-and-cookies': 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nContent-Length: 5\r\n'
    + 'Set-Cookie: a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\nSet-Cookie: b=2\r\n\r\n' + FINAL,
  // A 1xx Node's server has no way to send.
  '/i/other': 'HTTP/1.1 104 Upload Resumption Supported\r\nUpload-Draft-Interop-Version: 6\r\n\r\n' + FINAL,
  // Codes no one assigned: still informational by their class (RFC 9110 §15), dropped as above, with fields that
  // would frame a body on a final answer (a 1xx ends with its head).
  '/i/unassigned': 'HTTP/1.1 150 Odd\r\nX-Hint: a\r\n\r\nHTTP/1.1 199 Odder\r\nTransfer-Encoding: chunked\r\n\r\n' + FINAL,
  // Bytes after a 1xx's head are the next answer's head: these are none.
  '/i/body-after': 'HTTP/1.1 150 Odd\r\nContent-Length: 5\r\n\r\nhello' + FINAL,
};

beforeAll(async () => {
  ({ gateway, close } = await startRawUpstreamBehindGateway({ name: 'informational', pathPrefix: '/i' }, (socket: Socket, path) => {
    const answer = BEHAVIOURS[path];
    if (answer !== undefined) socket.end(answer);
  }));
});

afterAll(() => close());

/** Every answer the client gets to one request, 1xx included, up to the final one. */
async function answersTo(path: string, version = '1.1'): Promise<RawResponse[]> {
  const client = await RawConnection.open(gateway.port);
  client.write(`GET ${path} HTTP/${version}\r\nHost: x\r\n\r\n`);
  const answers: RawResponse[] = [];
  for (;;) {
    const answer = await client.response();
    if (answer === undefined) throw new Error(`the connection ended after ${answers.length} answers`);
    answers.push(answer);
    if (answer.status >= 200) break;
  }
  client.close();
  return answers;
}

const finalOk = { status: 200, body: 'ok' };

describe('an upstream\'s informational answers', () => {
  it('relays a 103 with every link of its Link fields and its other fields, without the hop-by-hop ones', async () => {
    const [hints, final] = await answersTo('/i/early-hints');
    expect(hints).toEqual({
      status: 103,
      headers: {
        link: '</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script, </font.woff2>; rel=preload; as=font; crossorigin',
        'x-hint': 'a',
      },
      body: '',
    });
    expect(final).toMatchObject(finalOk);
    await expect.poll(() => gateway.logs.find((e) => e.path === '/i/early-hints')).toMatchObject({ status: 200 });
  });

  it('leaves Content-Length (RFC 9110 §8.6) and Set-Cookie (which Node would join into one broken line) out of a 103', async () => {
    const [hints, final] = await answersTo('/i/framing-and-cookies');
    expect(hints).toEqual({ status: 103, headers: { link: '</a.css>; rel=preload' }, body: '' });
    expect(final).toMatchObject(finalOk);
  });

  it('relays each of several 103s, in order, then the final answer', async () => {
    const answers = await answersTo('/i/twice');
    expect(answers.map((a) => [a.status, a.headers.link])).toEqual([[103, '</one.css>; rel=preload'], [103, '</two.css>; rel=preload'], [200, undefined]]);
  });

  it('relays a 102 Processing', async () => {
    const answers = await answersTo('/i/processing');
    expect(answers.map((a) => a.status)).toEqual([102, 200]);
  });

  it('sends an HTTP/1.0 client no 1xx, only the final answer', async () => {
    const answers = await answersTo('/i/early-hints', '1.0');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject(finalOk);
  });

  it('drops a 103 with nothing to hint (no Link field, or a Link that is no link), a 1xx Node cannot send and unassigned ones', async () => {
    for (const path of ['/i/no-link', '/i/not-a-link', '/i/other', '/i/unassigned']) {
      const answers = await answersTo(path);
      expect(answers, path).toHaveLength(1);
      expect(answers[0], path).toMatchObject(finalOk);
      await expect.poll(() => gateway.logs.find((e) => e.path === path)).toMatchObject({ status: 200 });
      expect(gateway.logs.find((e) => e.path === path)?.error, path).toBeUndefined();
    }
  });

  it('answers 502 for a 1xx followed by body bytes, which are no answer, and sends the client nothing of it', async () => {
    const answers = await answersTo('/i/body-after');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.status).toBe(502);
    expect(answers[0]!.body).toContain('sent an invalid HTTP response');
    expect(answers[0]!.body).not.toContain('hello');
    await expect.poll(() => gateway.logs.find((e) => e.path === '/i/body-after')).toMatchObject({ status: 502, error: 'HTTP_PARSER_ERROR' });
  });
});
