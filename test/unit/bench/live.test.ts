import { describe, expect, it } from 'vitest';
import { LiveStats } from '../../../electron/bench/live';
import { computeStats } from '../../../electron/bench/stats';

describe('LiveStats', () => {
  it('tracks count, mean, min and max exactly and percentiles within 1% across batches', () => {
    // Log-normal-ish latencies from 0.02 ms to 200 ms, fed in uneven batches.
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const all = Float64Array.from({ length: 20_000 }, () => 0.02 * Math.exp(rand() * 9.2));
    const live = new LiveStats();
    for (let i = 0; i < all.length; i += 777) live.add(all.subarray(i, i + 777));
    const exact = computeStats(all);
    const s = live.summary();
    expect(s.count).toBe(exact.count);
    expect(s.mean).toBeCloseTo(exact.mean as number, 9);
    expect(s.min).toBe(exact.min);
    expect(s.max).toBe(exact.max);
    for (const k of ['p50', 'p90', 'p99'] as const) {
      expect(Math.abs((s[k] as number) / (exact[k] as number) - 1)).toBeLessThan(0.01);
    }
  });

  it('has no statistics before the first sample', () => {
    expect(new LiveStats().summary()).toEqual({
      count: 0,
      mean: null,
      min: null,
      max: null,
      p50: null,
      p90: null,
      p99: null,
    });
  });
});
