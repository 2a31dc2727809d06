import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { batchPerTurn } from '../../../gateway/log/turn-batch';
import { jsonLineSink, type RequestLogEntry } from '../../../gateway/log/request-log';

describe('batchPerTurn', () => {
  it('hands over what came in one turn together, in order, once the turn is over', async () => {
    const delivered: string[][] = [];
    const add = batchPerTurn<string>((items) => delivered.push(items));
    add('a');
    add('b');
    add('c');
    expect(delivered).toEqual([]);
    await nextTurn();
    expect(delivered).toEqual([['a', 'b', 'c']]);
  });

  it('starts a new batch for items that come after a delivery, and never delivers an empty one', async () => {
    const delivered: number[][] = [];
    const add = batchPerTurn<number>((items) => delivered.push(items));
    add(1);
    await nextTurn();
    add(2);
    add(3);
    await nextTurn();
    await nextTurn();
    expect(delivered).toEqual([[1], [2, 3]]);
  });

  it('keeps an item added while a batch is delivered for the next batch', async () => {
    const delivered: number[][] = [];
    const add = batchPerTurn<number>((items) => {
      delivered.push(items);
      if (items[0] === 1) add(2);
    });
    add(1);
    await nextTurn();
    await nextTurn();
    expect(delivered).toEqual([[1], [2]]);
  });
});

describe('jsonLineSink', () => {
  const entry = (path: string): RequestLogEntry => ({
    time: '2026-11-30T07:00:00.000Z', method: 'GET', path, route: null, service: null, consumer: null,
    status: 200, upstreamMs: null, totalMs: 1, client: '127.0.0.1',
  });

  it('writes the entries of one turn as JSON lines in one write', async () => {
    const writes: string[] = [];
    const log = jsonLineSink((text) => writes.push(text));
    log(entry('/a'));
    log(entry('/b "quoted"'));
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toEqual([JSON.stringify(entry('/a')), JSON.stringify(entry('/b "quoted"')), '']);
  });
});
