/**
 * Live latency samples, outside React: a ring buffer of the current run's samples (x = sample
 * number, y = latency in ms). Batches are appended as they arrive (~20 Hz); the chart reads
 * views of it once per animation frame. Never put these arrays in a store.
 */
type Listener = () => void;

export const DEFAULT_CAPACITY = 1 << 20;
/** Samples per precomputed min/max block. */
const BLOCK = 16;

export class SampleRing {
  private ys: Float64Array;
  /** Samples ever appended in this run (the x of the newest is `appended`). */
  appended = 0;
  /** Bumps on every change, so readers can skip frames without news. */
  version = 0;
  private listeners = new Set<Listener>();
  private outX = new Float64Array(0);
  private outY = new Float64Array(0);
  /**
   * Min and max (and where) of each aligned block of BLOCK samples, kept as samples arrive, so
   * aggregating a long run per pixel column costs O(samples / BLOCK) instead of O(samples).
   * Only when the capacity is a multiple of BLOCK (the default is).
   */
  private readonly blocks: {
    min: Float64Array;
    max: Float64Array;
    minX: Float64Array;
    maxX: Float64Array;
  } | null;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.ys = new Float64Array(capacity);
    const n = capacity % BLOCK === 0 ? capacity / BLOCK : 0;
    this.blocks = n
      ? {
          min: new Float64Array(n),
          max: new Float64Array(n),
          minX: new Float64Array(n),
          maxX: new Float64Array(n),
        }
      : null;
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
    const b = this.blocks;
    for (let i = skip; i < n; i++) {
      const slot = (this.appended + i) % cap;
      const v = samples[i];
      this.ys[slot] = v;
      if (!b) continue;
      const k = (slot / BLOCK) | 0;
      const x = this.appended + i + 1;
      if (slot % BLOCK === 0 || v < b.min[k]) {
        b.min[k] = v;
        b.minX[k] = x;
      }
      if (slot % BLOCK === 0 || v > b.max[k]) {
        b.max[k] = v;
        b.maxX[k] = x;
      }
    }
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
      let min = Infinity;
      let max = -Infinity;
      const blocks = this.blocks;
      for (let x = a; x <= b;) {
        // A whole aligned block inside the column: its precomputed extremes (see `blocks`).
        if (blocks && (x - 1) % BLOCK === 0 && x + BLOCK - 1 <= b) {
          const k = (((x - 1) % this.capacity) / BLOCK) | 0;
          if (blocks.min[k] < min) {
            min = blocks.min[k];
            minX = blocks.minX[k];
          }
          if (blocks.max[k] > max) {
            max = blocks.max[k];
            maxX = blocks.maxX[k];
          }
          x += BLOCK;
          continue;
        }
        const v = this.y(x);
        if (v < min) {
          min = v;
          minX = x;
        }
        if (v > max) {
          max = v;
          maxX = x;
        }
        x++;
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
