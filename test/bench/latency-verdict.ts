// How the bench decides the "p99 added over direct" target from its rounds. Each round measures direct and every
// proxy at the same pacing; what a proxy adds is its p99 minus direct's in that round. A proxy sends every request on
// to direct, so it cannot answer faster than direct: a round where it "adds" less than nothing (beyond hey's 0.1 ms
// steps) is one where direct itself was held up by other load on the machine — the 11:44 run of 1 Dec had direct at
// p99 8.1 ms in one round and 0.3 in another, and printed "-2.3 ms added, met". Such a round measured the machine, not
// the proxy; it is set aside and named. The rest decide as throughput ratios do (ratio-verdict.ts): met or not met
// when their median and every one of them agree, and when fewer than two rounds are left, nothing is settled.
import { median } from './ratio-verdict';

/** hey reports latencies in 0.1 ms steps: a difference within one step says nothing. */
export const HEY_RESOLUTION_MS = 0.1;

export interface AddedLatencyVerdict {
  /** Added p99 in each round, in round order. */
  rounds: number[];
  /** 1-based numbers of the rounds set aside because direct was slower than the path through it. */
  disturbed: number[];
  /** Median over the rounds kept; undefined when none is kept. */
  added?: number;
  verdict: 'met' | 'NOT MET' | 'NOT SETTLED';
}

/** `added`: the path's p99 minus direct's in each round, in ms. */
export function addedLatencyVerdict(added: number[], limitMs: number): AddedLatencyVerdict {
  if (added.length === 0) throw new Error('one figure per round');
  const disturbed = added.flatMap((value, i) => (value < -HEY_RESOLUTION_MS ? [i + 1] : []));
  const kept = added.filter((value) => value >= -HEY_RESOLUTION_MS);
  if (kept.length === 0) return { rounds: added, disturbed, verdict: 'NOT SETTLED' };
  const value = median(kept);
  const within = kept.filter((v) => v <= limitMs).length;
  const met = value <= limitMs;
  const agree = met ? within === kept.length : within === 0;
  const verdict = kept.length >= 2 && agree ? (met ? 'met' : 'NOT MET') : 'NOT SETTLED';
  return { rounds: added, disturbed, added: value, verdict };
}

/** e.g. `0.9 ms steady (<= 1 ms)  NOT SETTLED: 1 round kept of 3 (rounds 0.9 / -3.9 / -2.3; ...)`. */
export function describeAddedLatency(v: AddedLatencyVerdict, limitMs: number, pacing: string): string {
  const rounds = `rounds ${v.rounds.map((r) => r.toFixed(1)).join(' / ')}`;
  const setAside = v.disturbed.length
    ? `; round${v.disturbed.length > 1 ? 's' : ''} ${v.disturbed.join(', ')} set aside: direct slower than the path through it, the machine was busy`
    : '';
  const figure = v.added === undefined ? 'no round kept' : `${v.added.toFixed(1)} ms`;
  const kept = v.rounds.length - v.disturbed.length;
  const why = v.verdict !== 'NOT SETTLED'
    ? ''
    : kept < 2
      ? `: ${kept} of ${v.rounds.length} rounds kept`
      : `: the median ${v.added! <= limitMs ? 'is within' : 'exceeds'} it, rounds disagree`;
  return `${figure} ${pacing} (<= ${limitMs} ms)  ${v.verdict}${why} (${rounds}${setAside})`;
}
