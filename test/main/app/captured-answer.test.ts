// Which captured exchange gives Try it its masked body: the complete one of this request (method, target as the
// capture writes it, started after the watch began, same status and size), whether it comes before or after the
// answer is read; and what Try it says when there is none.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BodyPreview, CapturedExchange } from '../../../gateway/capture/exchange';
import { watchCapturedAnswer, type ExchangeFeed } from '../../../main/app/captured-answer';

class Feed extends EventEmitter {
  constructor(readonly capturing = true) {
    super();
  }

  send(exchange: CapturedExchange): void {
    this.emit('exchange', exchange, {}, 1);
  }
}

function textBody(text: string, contentType?: string): BodyPreview {
  const bytes = Buffer.from(text, 'utf8');
  return { size: bytes.length, base64: bytes.toString('base64'), truncated: false, complete: true, kind: bytes.length === 0 ? 'empty' : 'json', ...(contentType ? { contentType } : {}) };
}

const feed = (capturing = true) => new Feed(capturing) as Feed & ExchangeFeed;

function exchange(target: string, body: string, changes: Partial<CapturedExchange> = {}): CapturedExchange {
  return {
    id: 1, startedAt: Date.now(), state: 'complete', client: '127.0.0.1',
    request: { method: 'GET', target, httpVersion: 'HTTP/1.1', headers: [], body: textBody('') },
    response: { status: 200, headers: [], body: textBody(body, 'application/json') },
    route: null, service: 'erp', consumer: null, timing: {}, ...changes,
  };
}

const MASKED = '{"authorization":"••••••••"}';
const size = Buffer.byteLength(MASKED);

describe('Try it takes its body from its own exchange as captured', () => {
  it('one that came before the answer was read', async () => {
    const f = feed();
    const watch = watchCapturedAnswer(f, { method: 'GET', path: '/erp/x' });
    f.send(exchange('/erp/x', MASKED));
    expect(await watch.body(200, size)).toEqual({ body: textBody(MASKED, 'application/json') });
    expect(f.listenerCount('exchange')).toBe(0);
  });

  it('one that comes after, past others: another target, method, status, an open snapshot, an earlier request', async () => {
    const f = feed();
    const earlier = exchange('/erp/x', MASKED, { startedAt: Date.now() - 60_000 });
    const watch = watchCapturedAnswer(f, { method: 'GET', path: '/erp/x?access_token=abcd' });
    const answer = watch.body(200, size);
    f.send(earlier);
    f.send(exchange('/erp/y', MASKED));
    f.send(exchange('/erp/x?access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2', MASKED, { state: 'open' }));
    f.send(exchange('/erp/x?access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2', MASKED, { request: { method: 'POST', target: '/erp/x', httpVersion: 'HTTP/1.1', headers: [], body: textBody('') } }));
    f.send(exchange('/erp/x?access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2', '{"other":1}'));
    f.send(exchange('/erp/x?access_token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2', MASKED));
    expect(await answer).toEqual({ body: textBody(MASKED, 'application/json') });
  });

  it('says why the body is not masked when capture is paused, or no capture came', async () => {
    const paused = feed(false);
    expect(await watchCapturedAnswer(paused, { method: 'GET', path: '/erp/x' }).body(200, size)).toEqual({ unmasked: expect.stringContaining('Traffic capture is paused') });
    expect(paused.listenerCount('exchange')).toBe(0);
    const f = feed();
    expect(await watchCapturedAnswer(f, { method: 'GET', path: '/erp/x' }, 1).body(200, size)).toEqual({ unmasked: expect.stringContaining('the gateway sent no capture of this exchange') });
    expect(f.listenerCount('exchange')).toBe(0);
  });
});
