import { describe, expect, it } from 'vitest';
import { SampleBuffer, computeStats, percentile } from '../../../electron/bench/stats';

describe('percentile', () => {
  it('is sorted[floor(n·p)], without interpolation', () => {
    const sorted = [10, 20, 30, 40];
    expect(percentile(sorted, 0.5)).toBe(30); // floor(4 × 0.5) = 2
    expect(percentile(sorted, 0.9)).toBe(40); // floor(3.6) = 3
    expect(percentile(sorted, 0.2)).toBe(10); // floor(0.8) = 0
  });

  it('clamps to the largest sample and is null without samples', () => {
    expect(percentile([1, 2, 3], 1)).toBe(3);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('computeStats', () => {
  it('summarises 1..1000 ms exactly', () => {
    const samples = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i); // reverse order
    const s = computeStats(samples, { wallMs: 500_000, sessionCreateMs: 12, firstInferenceMs: 3 });
    expect(s).toMatchObject({
      count: 1000,
      min: 1,
      max: 1000,
      mean: 500.5,
      p50: 501,
      p90: 901,
      p95: 951,
      p99: 991,
      p999: 1000,
      sessionCreateMs: 12,
      firstInferenceMs: 3,
      wallMs: 500_000,
      throughput: 2,
    });
    expect(s.stddev).toBeCloseTo(288.8194, 3); // sample standard deviation (n − 1)
  });

  it('leaves the input order untouched', () => {
    const samples = Float64Array.from([3, 1, 2]);
    computeStats(samples);
    expect(Array.from(samples)).toEqual([3, 1, 2]);
  });

  it('gives nulls, not zeros or NaN, for an empty run', () => {
    const s = computeStats(new Float64Array(0));
    expect(s.count).toBe(0);
    for (const k of ['min', 'max', 'mean', 'stddev', 'p50', 'p999', 'throughput'] as const)
      expect(s[k]).toBeNull();
  });

  it('gives stddev 0 for a single sample and derives throughput from the samples without a wall time', () => {
    const s = computeStats(Float64Array.from([4]));
    expect(s.stddev).toBe(0);
    expect(s.throughput).toBe(250);
  });
});

describe('SampleBuffer', () => {
  it('grows past its capacity and keeps every value in order', () => {
    const b = new SampleBuffer(16);
    for (let i = 0; i < 100; i++) b.push(i);
    b.append(Float64Array.from([100, 101]));
    b.append([102]);
    expect(b.length).toBe(103);
    expect(Array.from(b.slice(98))).toEqual([98, 99, 100, 101, 102]);
    expect(b.view()).toHaveLength(103);
  });
});
