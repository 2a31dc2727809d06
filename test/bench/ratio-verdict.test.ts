import { describe, expect, it } from 'vitest';
import { describeRatio, median, ratioVerdict } from './ratio-verdict';

describe('a ratio target over alternating rounds', () => {
  it('is met when the ratio of medians and every round reach it', () => {
    const v = ratioVerdict([9_500, 9_200, 9_800], [10_000, 10_100, 9_900], 0.9);
    expect(v.verdict).toBe('met');
    expect(v.roundsAtTarget).toBe(3);
    expect(describeRatio(v, 0.9)).toBe('0.950x  (>= 0.90x)  met (rounds 0.95 / 0.91 / 0.99)');
  });

  it('is not met when neither the medians nor any round reach it', () => {
    const v = ratioVerdict([11_705, 11_429, 10_611], [14_941, 15_331, 12_000], 0.9);
    expect(v.verdict).toBe('NOT MET');
    expect(v.roundsAtTarget).toBe(0);
  });

  it('is not settled when the ratio of medians reaches it only through one path swinging between rounds', () => {
    // The 00:56 run of 30 Nov: the bare proxy fell from 14 220 to 8 203 and 7 410 requests/s after its first round.
    const v = ratioVerdict([10_085, 7_628, 9_170], [14_220, 8_203, 7_410], 0.9);
    expect(v.ratio).toBeCloseTo(1.118, 3);
    expect(v.verdict).toBe('NOT SETTLED');
    expect(v.roundsAtTarget).toBe(2);
    expect(describeRatio(v, 0.9)).toBe('1.118x  (>= 0.90x)  NOT SETTLED: the ratio of medians reaches it, 2 of 3 rounds reach it (rounds 0.71 / 0.93 / 1.24)');
  });

  it('is not settled when the medians miss it but a round reaches it', () => {
    // The 00:45 run of 30 Nov: Gatehouse against the bare proxy, whose second round was its slow one.
    const v = ratioVerdict([11_705, 10_611, 11_429], [14_941, 10_476, 15_331], 0.9);
    expect(v.verdict).toBe('NOT SETTLED');
    expect(describeRatio(v, 0.9)).toContain('the ratio of medians misses it, 1 of 3 rounds reach it');
  });

  it('needs one figure per round for both paths', () => {
    expect(() => ratioVerdict([1, 2], [1], 0.9)).toThrow(/one figure per round/);
    expect(() => ratioVerdict([], [], 0.9)).toThrow(/one figure per round/);
  });

  it('takes the median of an odd or even number of rounds', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
