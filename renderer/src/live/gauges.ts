/**
 * Side measurements of the current run, outside React (like live/samples.ts): NPU load per
 * core over time (the `npu` gauge, ~2 readings a second from a board) and the model upload's
 * progress (the `push` gauge, 0…1). The NPU chart reads them once per animation frame.
 */
type Listener = () => void;

export interface GaugeBatch {
  name: string;
  elapsedMs: number;
  values: number[];
}

/** At 2 readings a second, ~3 hours; older readings are dropped beyond. */
export const MAX_READINGS = 20_000;

export class RunGauges {
  /** The run these readings belong to (null: none yet). */
  runId: string | null = null;
  /** Reading times, seconds since the run started. */
  t: number[] = [];
  /** Load % per core, one array per core, aligned with `t`. */
  cores: number[][] = [];
  /** Latest upload progress 0…1, null before any. */
  push: number | null = null;
  version = 0;
  private listeners = new Set<Listener>();

  reset(runId: string | null = null): void {
    this.runId = runId;
    this.t = [];
    this.cores = [];
    this.push = null;
    this.changed();
  }

  /** Adds a batch's gauges when they belong to the followed run (adopting the first one seen). */
  add(runId: string, gauges: readonly GaugeBatch[]): void {
    if (this.runId === null) this.runId = runId;
    if (runId !== this.runId || gauges.length === 0) return;
    for (const g of gauges) {
      if (g.name === 'push') this.push = g.values[0] ?? this.push;
      else if (g.name === 'npu') {
        const row = this.t.length;
        this.t.push(g.elapsedMs / 1000);
        g.values.forEach((v, core) => {
          // a core that appears late starts with gaps (null is "no reading" for uPlot)
          const series = (this.cores[core] ??= new Array<number>(row).fill(NaN));
          series.push(v);
        });
        for (const series of this.cores) if (series.length < this.t.length) series.push(NaN);
      }
    }
    if (this.t.length > MAX_READINGS) {
      const drop = this.t.length - MAX_READINGS;
      this.t.splice(0, drop);
      for (const s of this.cores) s.splice(0, drop);
    }
    this.changed();
  }

  /** The latest reading per core (%), or null before any. */
  latest(): number[] | null {
    if (!this.t.length) return null;
    return this.cores.map((s) => s[s.length - 1]);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

/** The current run's gauges (one run is charted at a time). */
export const liveGauges = new RunGauges();
