import { describe, expect, it } from 'vitest';
import { withNotices, withUpdates } from '../../../../renderer/src/state/traffic-store';
import type { ConnectionNotice, ExchangeSummary } from '../../../../main/ipc/contract';

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

function notice(id: number, repeats = 1, upstream = 'http://127.0.0.1:8081'): ConnectionNotice {
  return {
    id, time: '2026-12-02T03:34:14.125Z', upstream, error: 'UPSTREAM_BYTES_AFTER_RESPONSE',
    message: `upstream ${upstream} sent bytes after a complete response; connection closed`, repeats, firstTime: '2026-12-02T03:30:00.000Z',
  };
}

describe('withNotices (the connection notices after one push from main)', () => {
  it('puts the pushed notices on top, the last received first', () => {
    expect(withNotices([notice(1)], [notice(2), notice(3)]).map((n) => n.id)).toEqual([3, 2, 1]);
  });

  it('leaves out a pushed notice the list already has (a push that crossed the list’s answer)', () => {
    expect(withNotices([notice(3), notice(2)], [notice(2), notice(3), notice(4)]).map((n) => n.id)).toEqual([4, 3, 2]);
  });

  it('puts a repeat in the place of the newest listed notice it folded, and only that one', () => {
    const other = 'http://127.0.0.1:9090';
    expect(withNotices([notice(4), notice(3, 1, other)], [notice(5, 2)]).map((n) => [n.id, n.repeats])).toEqual([[5, 2], [3, 1]]);
    // Within one push, as main folded them (it pushes only the notices it still keeps).
    expect(withNotices([notice(4, 1, other)], [notice(5), notice(7, 3, other)]).map((n) => [n.id, n.repeats])).toEqual([[7, 3], [5, 1], [4, 1]]);
    // A repeat of an older notice is not that notice's (main folds only into its newest): it goes on top.
    expect(withNotices([notice(4, 1, other), notice(3)], [notice(6, 2)]).map((n) => n.id)).toEqual([6, 4, 3]);
    // A first notice is never folded, even when it says what the newest listed says (after Clear in main).
    expect(withNotices([notice(4)], [notice(5)]).map((n) => n.id)).toEqual([5, 4]);
  });

  it('lets the oldest go beyond the 100 main keeps', () => {
    const listed = Array.from({ length: 100 }, (_, i) => notice(100 - i));
    const notices = withNotices(listed, [notice(101), notice(102)]);
    expect(notices).toHaveLength(100);
    expect([notices[0]!.id, notices.at(-1)!.id]).toEqual([102, 3]);
  });
});
