import { describe, expect, it } from 'vitest';
import { addedLatencyVerdict, describeAddedLatency } from './latency-verdict';

describe('the p99-added target over rounds', () => {
  it('is met when every round is within it', () => {
    const v = addedLatencyVerdict([0.4, 0.3, 0.3], 1);
    expect(v.verdict).toBe('met');
    expect(describeAddedLatency(v, 1, 'steady')).toBe('0.3 ms steady (<= 1 ms)  met (rounds 0.4 / 0.3 / 0.3)');
  });

  it('is not met when every round exceeds it', () => {
    expect(addedLatencyVerdict([1.6, 2.0, 1.2], 1).verdict).toBe('NOT MET');
  });

  it('sets aside a round where the path beat direct, and settles nothing on one round', () => {
    // The 11:44 run of 1 Dec: direct at p99 8.1 and 3.2 ms in rounds 2 and 3, the gateway at 4.2 and 0.9.
    const v = addedLatencyVerdict([0.9, -3.9, -2.3], 1);
    expect(v.disturbed).toEqual([2, 3]);
    expect(v.added).toBe(0.9);
    expect(v.verdict).toBe('NOT SETTLED');
    expect(describeAddedLatency(v, 1, 'steady')).toBe(
      '0.9 ms steady (<= 1 ms)  NOT SETTLED: 1 of 3 rounds kept (rounds 0.9 / -3.9 / -2.3; rounds 2, 3 set aside: direct slower than the path through it, the machine was busy)',
    );
  });

  it('keeps a round whose difference is within hey\'s resolution', () => {
    const v = addedLatencyVerdict([-0.1, 0.2, 0.3], 1);
    expect(v.disturbed).toEqual([]);
    expect(v.verdict).toBe('met');
  });

  it('is not settled when the rounds disagree', () => {
    // The 11:36 run of 1 Dec: 2.2, 0.9 and 2.2 ms added.
    const v = addedLatencyVerdict([2.2, 0.9, 2.2], 1);
    expect(v.verdict).toBe('NOT SETTLED');
    expect(describeAddedLatency(v, 1, 'steady')).toContain('the median exceeds it, rounds disagree');
  });

  it('says when no round is left', () => {
    const v = addedLatencyVerdict([-0.5, -1.0], 1);
    expect(v.verdict).toBe('NOT SETTLED');
    expect(describeAddedLatency(v, 1, 'steady')).toContain('no round kept steady (<= 1 ms)  NOT SETTLED: 0 of 2 rounds kept');
  });
});
