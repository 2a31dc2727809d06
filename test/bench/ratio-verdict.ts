// How the bench decides a throughput ratio target from its alternating rounds. The ratio of the medians decides,
// as before; the ratio within each round says whether the rounds agree. On a noisy machine one path's rounds can
// swing by half (29-30 Nov: the bare proxy at 71 us a request in one round and 115 in the next), and a ratio of
// medians that crosses the target only because of such a swing is reported as not settled, not as met.

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface RatioVerdict {
  /** Median requests/s of the path over the reference's. */
  ratio: number;
  /** The same ratio within each round (both paths measured in it). */
  rounds: number[];
  /** Rounds whose own ratio reaches the target. */
  roundsAtTarget: number;
  verdict: 'met' | 'NOT MET' | 'NOT SETTLED';
}

/** `path` and `reference`: requests/s in each round, in round order. */
export function ratioVerdict(path: number[], reference: number[], target: number): RatioVerdict {
  if (path.length !== reference.length || path.length === 0) throw new Error('one figure per round for both paths');
  const ratio = median(path) / median(reference);
  const rounds = path.map((value, i) => value / reference[i]!);
  const roundsAtTarget = rounds.filter((r) => r >= target).length;
  const met = ratio >= target;
  const agree = met ? roundsAtTarget === rounds.length : roundsAtTarget === 0;
  return { ratio, rounds, roundsAtTarget, verdict: agree ? (met ? 'met' : 'NOT MET') : 'NOT SETTLED' };
}

/**
 * One line of the bench's target list, e.g.
 * `0.765x  (>= 0.90x)  NOT SETTLED: the ratio of medians misses it, 1 of 3 rounds reach it (rounds 0.78 / 1.01 / 0.75)`.
 */
export function describeRatio(v: RatioVerdict, target: number): string {
  const rounds = `rounds ${v.rounds.map((r) => r.toFixed(2)).join(' / ')}`;
  const detail = v.verdict === 'NOT SETTLED'
    ? `: the ratio of medians ${v.ratio >= target ? 'reaches' : 'misses'} it, ${v.roundsAtTarget} of ${v.rounds.length} rounds reach it (${rounds})`
    : ` (${rounds})`;
  return `${v.ratio.toFixed(3)}x  (>= ${target.toFixed(2)}x)  ${v.verdict}${detail}`;
}
