import { describe, expect, it } from 'vitest';
import { checkWarmup, niceCeil, warmupWarning } from '../../../electron/bench/warmup';

/** Latencies around `level` ms with ±5% deterministic jitter. */
function steady(n: number, level: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return level * (0.95 + (s / 2147483647) * 0.1);
  });
}

describe('checkWarmup', () => {
  it('finds a run whose first samples are still slow and says when it settled', () => {
    const samples = Float64Array.from([...steady(20, 23), ...steady(180, 14)]);
    const v = checkWarmup(samples, 5);
    expect(v).not.toBeNull();
    expect(v?.headRatio).toBeGreaterThan(1.5);
    expect(v?.settledAfter).toBeGreaterThanOrEqual(10);
    expect(v?.settledAfter).toBeLessThanOrEqual(20);
    expect(v?.suggestedWarmup).toBeGreaterThanOrEqual(5 + 20);
    expect(warmupWarning(v!, 5)).toMatch(
      /5 warm-up iterations were probably too short.*--warmup (20|50)\b/,
    );
  });

  it('leaves steady runs alone', () => {
    expect(checkWarmup(Float64Array.from(steady(500, 14)), 10)).toBeNull();
  });

  it('is not fooled by a few slow outliers at the start (another program got the CPU)', () => {
    const samples = steady(200, 14);
    samples[0] = samples[2] = samples[5] = 80;
    expect(checkWarmup(Float64Array.from(samples), 10)).toBeNull();
  });

  it('does not judge runs too short to tell', () => {
    expect(checkWarmup(Float64Array.from([...steady(5, 50), ...steady(20, 10)]), 0)).toBeNull();
  });

  it('ignores runs that get slower (throttling is not a warm-up problem)', () => {
    expect(checkWarmup(Float64Array.from([...steady(100, 10), ...steady(100, 20)]), 10)).toBeNull();
  });
});

describe('niceCeil', () => {
  it('rounds a suggested warm-up up to 10, 20, 50, 100, 200, …', () => {
    expect([1, 10, 11, 25, 190, 201, 5000].map(niceCeil)).toEqual([10, 10, 20, 50, 200, 500, 5000]);
  });
});
