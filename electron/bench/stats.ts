import type { BenchStats } from './types';

export const PERCENTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 } as const;

/**
 * The percentile definition of onnxruntime_perf_test: sorted[floor(n·p)], clamped to the last
 * element. No interpolation, so every reported value is a latency that really happened.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.floor(n * p))];
}

export interface StatsExtras {
  sessionCreateMs?: number | null;
  firstInferenceMs?: number | null;
  wallMs?: number | null;
  peakRssBytes?: number | null;
}

/** Summary statistics of latency samples (ms). Sorts a copy; the input is left as is. */
export function computeStats(samples: Float64Array, extras: StatsExtras = {}): BenchStats {
  const n = samples.length;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i];
  const mean = n ? sum / n : null;
  let sq = 0;
  if (mean !== null) for (let i = 0; i < n; i++) sq += (samples[i] - mean) ** 2;
  const wallMs = extras.wallMs ?? (n ? sum : null);
  return {
    count: n,
    sessionCreateMs: extras.sessionCreateMs ?? null,
    firstInferenceMs: extras.firstInferenceMs ?? null,
    min: n ? sorted[0] : null,
    max: n ? sorted[n - 1] : null,
    mean,
    stddev: n > 1 ? Math.sqrt(sq / (n - 1)) : n === 1 ? 0 : null,
    p50: percentile(sorted, PERCENTILES.p50),
    p90: percentile(sorted, PERCENTILES.p90),
    p95: percentile(sorted, PERCENTILES.p95),
    p99: percentile(sorted, PERCENTILES.p99),
    p999: percentile(sorted, PERCENTILES.p999),
    throughput: n && wallMs ? (n * 1000) / wallMs : null,
    wallMs,
    peakRssBytes: extras.peakRssBytes ?? null,
  };
}

/** The statistics compared across runs, in display order, with how to read them. */
export const STAT_ROWS: Array<{
  key: keyof BenchStats;
  label: string;
  unit: 'ms' | '/s' | 'B' | '';
}> = [
  { key: 'count', label: 'samples', unit: '' },
  { key: 'sessionCreateMs', label: 'session create', unit: 'ms' },
  { key: 'firstInferenceMs', label: 'first inference', unit: 'ms' },
  { key: 'min', label: 'min', unit: 'ms' },
  { key: 'mean', label: 'mean', unit: 'ms' },
  { key: 'stddev', label: 'stddev', unit: 'ms' },
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p90', label: 'p90', unit: 'ms' },
  { key: 'p95', label: 'p95', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
  { key: 'p999', label: 'p99.9', unit: 'ms' },
  { key: 'max', label: 'max', unit: 'ms' },
  { key: 'throughput', label: 'throughput', unit: '/s' },
  { key: 'peakRssBytes', label: 'peak RSS', unit: 'B' },
];

/** Growable Float64Array: amortised O(1) append without boxing numbers. */
export class SampleBuffer {
  private data: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  append(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    if (values instanceof Float64Array) this.data.set(values, this.length);
    else for (let i = 0; i < values.length; i++) this.data[this.length + i] = values[i];
    this.length += values.length;
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** A copy of samples [from, length). */
  slice(from = 0): Float64Array {
    return this.data.slice(from, this.length);
  }

  /** A view of all samples (valid until the next append). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
