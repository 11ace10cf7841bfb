/**
 * Running statistics for live display (progress bars, the UI's header) at O(batch) cost per
 * update, however long the run: exact count/mean/min/max, and percentiles from a log-scale
 * histogram with buckets 1% wide (so a live p50/p99 is within 1% of the exact value).
 * Final results never come from here: they come from computeStats over every sample.
 */
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
/** Smallest latency with its own bucket (1 ns); everything below shares bucket 0. */
const FLOOR_MS = 1e-6;
/** 1 ns … ~2.8 hours. */
const BUCKETS = Math.ceil(Math.log(1e7 / FLOOR_MS) / LOG_RATIO) + 1;

export interface LiveSummary {
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export class LiveStats {
  private readonly buckets = new Uint32Array(BUCKETS);
  count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  add(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      this.count++;
      this.sum += v;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      const b =
        v <= FLOOR_MS
          ? 0
          : Math.min(BUCKETS - 1, Math.floor(Math.log(v / FLOOR_MS) / LOG_RATIO) + 1);
      this.buckets[b]++;
    }
  }

  /** Same rank as the final statistics (sorted[floor(n·p)]), read from the histogram. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.min(this.count - 1, Math.floor(this.count * p));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.buckets[b];
      if (seen > rank) {
        const mid = b === 0 ? FLOOR_MS : FLOOR_MS * RATIO ** (b - 0.5);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  summary(): LiveSummary {
    const n = this.count;
    return {
      count: n,
      mean: n ? this.sum / n : null,
      min: n ? this.min : null,
      max: n ? this.max : null,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
    };
  }
}
