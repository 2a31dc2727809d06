// Which captured exchange gives Try it its masked body: the complete one that came on the request's own connection
// (its client port), whether it comes before or after the answer is read; and what Try it says when there is none.
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
const PORT = 50123;

describe('Try it takes its body from its own exchange as captured', () => {
  it('one that came before the answer was read', async () => {
    const f = feed();
    const watch = watchCapturedAnswer(f);
    watch.connected(PORT);
    f.send(exchange('/erp/x', MASKED, { clientPort: PORT }));
    expect(await watch.body()).toEqual({ body: textBody(MASKED, 'application/json') });
    expect(f.listenerCount('exchange')).toBe(0);
  });

  it('one that comes after, past others: another connection\'s exchange alike in all else, an open snapshot, one before the connection opened', async () => {
    const f = feed();
    const watch = watchCapturedAnswer(f);
    // Before its connection is open no exchange can be this request's, even on the port it will get.
    f.send(exchange('/erp/x', '{"early":1}', { clientPort: PORT }));
    watch.connected(PORT);
    const answer = watch.body();
    f.send(exchange('/erp/x', '{"other":1}', { clientPort: PORT + 1 }));
    f.send(exchange('/erp/x', '{"open":1}', { clientPort: PORT, state: 'open' }));
    f.send(exchange('/erp/x', '{"none":1}'));
    f.send(exchange('/erp/x', MASKED, { clientPort: PORT }));
    expect(await answer).toEqual({ body: textBody(MASKED, 'application/json') });
  });

  it('says why the body is not masked when capture is paused, or no capture came', async () => {
    const paused = feed(false);
    const pausedWatch = watchCapturedAnswer(paused);
    pausedWatch.connected(PORT);
    expect(await pausedWatch.body()).toEqual({ unmasked: expect.stringContaining('Traffic capture is paused') });
    expect(paused.listenerCount('exchange')).toBe(0);
    const f = feed();
    const watch = watchCapturedAnswer(f, 1);
    watch.connected(PORT);
    expect(await watch.body()).toEqual({ unmasked: expect.stringContaining('the gateway sent no capture of this exchange') });
    expect(f.listenerCount('exchange')).toBe(0);
  });
});
