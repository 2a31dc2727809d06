// When the gateway asks V8 to favour memory or speed (gateway/process/quiet-memory.ts). V8's options are not
// touched here: the watch is given a recorder instead of v8-flags.ts's favourMemory, and vitest's fake clock
// stands in for the check period, so each case is an order of events. That V8 really gives memory back, and
// that the launchers' options are shared with the gateway's bundle, is shown in real processes by
// gateway-launch.test.ts and v8-flags.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QUIET_CHECK_MS, QuietMemoryWatch } from '../../../gateway/process/quiet-memory';

/** A watch over a gateway whose in-flight count the test sets, and what it asked for, in order. */
function watched() {
  const gateway = { inFlight: 0 };
  const asked: string[] = [];
  const watch = new QuietMemoryWatch(() => gateway.inFlight, (memory) => asked.push(memory ? 'memory' : 'speed'));
  /** A request that starts and is answered before the next check. */
  const serve = () => {
    watch.requestStarted();
    asked.push('handled');
  };
  return { gateway, asked, watch, serve };
}

const periods = (n: number) => vi.advanceTimersByTime(n * QUIET_CHECK_MS);

describe('QuietMemoryWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a gateway that has served nothing asks for nothing, and keeps no timer', () => {
    const { asked } = watched();
    periods(10);
    expect(asked).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after the last request, one whole period with none started: memory, once, and the timer stops', () => {
    const { asked, serve } = watched();
    serve();
    periods(1); // the period the request started in
    expect(asked).toEqual(['handled']);
    periods(1);
    expect(asked).toEqual(['handled', 'memory']);
    expect(vi.getTimerCount()).toBe(0);
    periods(10);
    expect(asked).toEqual(['handled', 'memory']);
  });

  it('requests in every period keep it favouring speed, however long the traffic lasts', () => {
    const { asked, serve } = watched();
    for (let i = 0; i < 20; i += 1) {
      serve();
      periods(1);
    }
    expect(asked).not.toContain('memory');
    periods(1);
    expect(asked.at(-1)).toBe('memory');
  });

  it('a request still in flight (a stream) keeps it favouring speed until it is answered', () => {
    const { gateway, asked, watch } = watched();
    watch.requestStarted();
    gateway.inFlight = 1;
    periods(10);
    expect(asked).toEqual([]);
    gateway.inFlight = 0;
    periods(1);
    expect(asked).toEqual(['memory']);
  });

  it('the next request asks for speed before it is handled, and a new quiet spell for memory again', () => {
    const { asked, serve } = watched();
    serve();
    periods(2);
    serve();
    serve();
    expect(asked).toEqual(['handled', 'memory', 'speed', 'handled', 'handled']);
    periods(2);
    expect(asked.slice(5)).toEqual(['memory']);
  });
});
