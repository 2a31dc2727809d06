// The Traffic rows main pushes to the window: once per turn of main's event loop, and never a row main no longer
// keeps. The supervisor is a stand-in here (an event emitter with its capture switch): the exchanges are what a
// gateway process hands over, and these tests are about what main does with them.
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { trafficHandlers } from '../../../main/app/traffic-handlers';
import type { AppContext } from '../../../main/app/app-context';
import type { CapturedExchange, TrafficUpdate } from '../../../main/ipc/contract';

function exchange(id: number, state: CapturedExchange['state'] = 'complete'): CapturedExchange {
  const body = { size: 0, base64: '', truncated: false, complete: true, kind: 'empty' as const };
  return {
    id, startedAt: 1_700_000_000_000 + id, state, client: '127.0.0.1',
    request: { method: 'GET', target: `/svc/r${id}`, httpVersion: 'HTTP/1.1', headers: [], body },
    ...(state === 'complete' ? { response: { status: 200, headers: [], body } } : {}),
    route: null, service: 'svc', consumer: 'alex', timing: {},
  };
}

function setUp() {
  const supervisor = Object.assign(new EventEmitter(), { capturing: true, setCapture: () => undefined, status: {} });
  const pushes: TrafficUpdate[] = [];
  const handlers = trafficHandlers({ supervisor } as unknown as AppContext, { onExchanges: (update) => pushes.push(update) });
  const arrive = (e: CapturedExchange) => supervisor.emit('exchange', e, {}, 1);
  return { handlers, pushes, arrive };
}

describe('trafficHandlers: rows pushed to the window', () => {
  it('pushes the rows of one turn together, in the order they arrived, with the counts after them', async () => {
    const { pushes, arrive } = setUp();
    arrive(exchange(1, 'open'));
    arrive(exchange(2));
    arrive(exchange(1));
    expect(pushes).toEqual([]);
    await nextTurn();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.summaries.map((r) => [r.target, r.state])).toEqual([['/svc/r1', 'open'], ['/svc/r2', 'complete'], ['/svc/r1', 'complete']]);
    expect(pushes[0]!.kept).toBe(2);
  });

  it('leaves out rows that Clear removed before the push, so the window never lists what main no longer keeps', async () => {
    const { handlers, pushes, arrive } = setUp();
    arrive(exchange(1));
    await nextTurn();
    arrive(exchange(2));
    const cleared = await handlers['traffic:clear'](undefined as never);
    expect(cleared.exchanges).toEqual([]);
    await nextTurn();
    expect(pushes).toHaveLength(1);
    arrive(exchange(3));
    await nextTurn();
    expect(pushes.at(-1)!.summaries.map((r) => r.target)).toEqual(['/svc/r3']);
    expect(pushes.at(-1)!.kept).toBe(1);
  });
});
