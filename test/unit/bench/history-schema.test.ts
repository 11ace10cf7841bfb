import { describe, expect, it } from 'vitest';
import {
  SAMPLES_CODEC,
  decodeSamples,
  emptyStats,
  encodeSamples,
} from '../../../electron/bench/history-schema';

describe('the samples codec', () => {
  it('round-trips any float64 values and is smaller than raw for realistic latencies', () => {
    const samples = Float64Array.from(
      { length: 10_000 },
      (_, i) => Math.round((10 + (i % 97) / 100) * 1e6) / 1e6,
    );
    samples[5] = Number.MIN_VALUE;
    samples[6] = 1e300;
    const blob = encodeSamples(samples);
    expect(decodeSamples(blob, SAMPLES_CODEC)).toEqual(samples);
    expect(blob.length).toBeLessThan(samples.length * 8);
  });

  it('refuses an unknown codec instead of returning garbage', () => {
    expect(() => decodeSamples(Buffer.alloc(8), 'f16-zstd')).toThrow(/unknown encoding/);
  });
});

describe('emptyStats', () => {
  it('has every statistic, all null, and a count of 0', () => {
    const s = emptyStats();
    expect(s.count).toBe(0);
    expect(Object.entries(s).filter(([k, v]) => k !== 'count' && v !== null)).toEqual([]);
  });
});
