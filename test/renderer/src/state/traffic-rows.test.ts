import { describe, expect, it } from 'vitest';
import { withUpdates } from '../../../../renderer/src/state/traffic-store';
import type { ExchangeSummary } from '../../../../main/ipc/contract';

function row(id: number, state: ExchangeSummary['state'] = 'complete', responseSize = 0): ExchangeSummary {
  return {
    id, startedAt: id, state, method: 'GET', target: `/r${id}`, status: state === 'complete' ? 200 : null,
    service: 'svc', route: null, consumer: null, totalMs: null, responseSize, retried: false,
  };
}

describe('withUpdates (the Traffic list after one push from main)', () => {
  it('puts new exchanges on top, the last received first, as one push per exchange would have', () => {
    expect(withUpdates([row(1)], [row(2), row(3)]).map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('replaces a listed exchange in its place with its newest row', () => {
    const rows = withUpdates([row(3), row(2, 'open', 10), row(1)], [row(2, 'open', 20), row(2, 'complete', 30)]);
    expect(rows.map((r) => [r.id, r.state, r.responseSize])).toEqual([[3, 'complete', 0], [2, 'complete', 30], [1, 'complete', 0]]);
  });

  it('keeps a new exchange that progressed within the push once, at the place of its first row', () => {
    const rows = withUpdates([], [row(5, 'open'), row(6), row(5, 'complete')]);
    expect(rows.map((r) => [r.id, r.state])).toEqual([[6, 'complete'], [5, 'complete']]);
  });

  it('lets the oldest go beyond the 5,000 rows main keeps', () => {
    const listed = Array.from({ length: 5000 }, (_, i) => row(5000 - i));
    const rows = withUpdates(listed, [row(5001), row(5002)]);
    expect(rows).toHaveLength(5000);
    expect(rows.slice(0, 3).map((r) => r.id)).toEqual([5002, 5001, 5000]);
    expect(rows.at(-1)!.id).toBe(3);
  });
});
