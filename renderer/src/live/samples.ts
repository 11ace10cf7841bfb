/**
 * Live latency samples, outside React: a ring buffer of the current run's samples (x = sample
 * number, y = latency in ms). Batches are appended as they arrive (~20 Hz); the chart reads
 * views of it once per animation frame. Never put these arrays in a store.
 */
type Listener = () => void;

export const DEFAULT_CAPACITY = 1 << 20;

export class SampleRing {
  private ys: Float64Array;
  /** Samples ever appended in this run (the x of the newest is `appended`). */
  appended = 0;
  /** Bumps on every change, so readers can skip frames without news. */
  version = 0;
  private listeners = new Set<Listener>();
  private outX = new Float64Array(0);
  private outY = new Float64Array(0);

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.ys = new Float64Array(capacity);
  }

  get length(): number {
    return Math.min(this.appended, this.capacity);
  }

  /** x of the oldest sample still held (1-based). */
  get firstX(): number {
    return this.appended - this.length + 1;
  }

  append(samples: ArrayLike<number>): void {
    const n = samples.length;
    if (n === 0) return;
    const cap = this.capacity;
    // Only the last `cap` of a huge batch can survive.
    const skip = Math.max(0, n - cap);
    for (let i = skip; i < n; i++) this.ys[(this.appended + i) % cap] = samples[i];
    this.appended += n;
    this.version++;
    for (const l of this.listeners) l();
  }

  reset(): void {
    this.appended = 0;
    this.version++;
    for (const l of this.listeners) l();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private y(x: number): number {
    return this.ys[(x - 1) % this.capacity];
  }

  /**
   * The samples with x in [x0, x1] (default: all) as chart data. Up to `maxRaw` points are
   * returned as they are; beyond, they are aggregated to min and max per column, so what is
   * drawn stays bounded (2 × columns) while spikes stay visible. The arrays are reused between
   * calls: copy them if you keep them.
   */
  view(
    columns: number,
    maxRaw = 100_000,
    x0 = -Infinity,
    x1 = Infinity,
  ): [Float64Array, Float64Array] {
    const first = Math.max(this.firstX, Math.ceil(x0));
    const last = Math.min(this.appended, Math.floor(x1));
    const n = Math.max(0, last - first + 1);
    const cols = Math.max(1, Math.floor(columns));
    const size = n <= maxRaw ? n : 2 * cols;
    if (this.outX.length < size) {
      this.outX = new Float64Array(Math.max(size, this.outX.length * 2));
      this.outY = new Float64Array(this.outX.length);
    }
    const xs = this.outX;
    const ys = this.outY;
    if (n <= maxRaw) {
      for (let i = 0; i < n; i++) {
        xs[i] = first + i;
        ys[i] = this.y(first + i);
      }
      return [xs.subarray(0, n), ys.subarray(0, n)];
    }
    let out = 0;
    const per = n / cols;
    for (let c = 0; c < cols; c++) {
      const a = first + Math.floor(c * per);
      const b = Math.min(last, first + Math.floor((c + 1) * per) - 1);
      if (b < a) continue;
      let minX = a;
      let maxX = a;
      let min = this.y(a);
      let max = min;
      for (let x = a + 1; x <= b; x++) {
        const v = this.y(x);
        if (v < min) {
          min = v;
          minX = x;
        } else if (v > max) {
          max = v;
          maxX = x;
        }
      }
      // Keep time order so the line does not double back.
      if (minX <= maxX) {
        xs[out] = minX;
        ys[out++] = min;
        xs[out] = maxX;
        ys[out++] = max;
      } else {
        xs[out] = maxX;
        ys[out++] = max;
        xs[out] = minX;
        ys[out++] = min;
      }
    }
    return [xs.subarray(0, out), ys.subarray(0, out)];
  }
}

/** The current run's samples (one run is charted at a time). */
export const liveSamples = new SampleRing();
