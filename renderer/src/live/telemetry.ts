/**
 * Board telemetry over time, outside React (like live/samples.ts and live/gauges.ts): one
 * reading a second per watched board — NPU load per core (with the driver's absurd readings
 * kept apart, to flag them), CPU load, temperatures and memory. The charts read these arrays
 * once per animation frame; the store keeps only the latest reading for the numbers.
 */
import type { BoardTelemetry } from '../../../electron/ipc/contract';

type Sample = NonNullable<BoardTelemetry['sample']>;
type Listener = () => void;

/** One hour at 1 Hz; older readings are dropped. */
export const MAX_TELEMETRY_POINTS = 3600;
/** Temperature lines beyond this many zones are left out of the chart (the table has them all). */
export const MAX_ZONES = 6;

export class BoardSeries {
  /** Reading times, seconds since the epoch (uPlot's time axis). */
  t: number[] = [];
  /** NPU load % per core (NaN: no reading), aligned with `t`. */
  npu: number[][] = [];
  /** Per core: 100 where the driver reported an absurd value (clamped), else NaN. */
  npuAbsurd: number[][] = [];
  cpu: number[] = [];
  memory: number[] = [];
  /** Temperature per zone, keyed `type` (zone number when types repeat). */
  zones: string[] = [];
  temps: number[][] = [];
  /** Absurd NPU readings seen, and the last raw value. */
  absurdCount = 0;
  lastAbsurd: { core: number; value: number } | null = null;
  latest: Sample | null = null;
  version = 0;

  add(sample: Sample): void {
    const row = this.t.length;
    const time = Date.parse(sample.time) / 1000;
    this.t.push(Number.isFinite(time) ? time : Date.now() / 1000);
    this.cpu.push(sample.cpu ? sample.cpu.total : NaN);
    this.memory.push(sample.memory ? sample.memory.usedPercent : NaN);
    for (const l of sample.npu ?? []) {
      const series = (this.npu[l.core] ??= new Array<number>(row).fill(NaN));
      const flags = (this.npuAbsurd[l.core] ??= new Array<number>(row).fill(NaN));
      series.push(l.percent);
      flags.push(l.absurd !== undefined ? l.percent : NaN);
      if (l.absurd !== undefined) {
        this.absurdCount++;
        this.lastAbsurd = { core: l.core, value: l.absurd };
      }
    }
    const used = new Set<string>();
    for (const temp of sample.temperatures) {
      // zones usually have distinct types (soc-thermal, gpu-thermal …); repeated ones get their zone
      const key = used.has(temp.type) ? `${temp.type} (${temp.zone})` : temp.type;
      used.add(key);
      let i = this.zones.indexOf(key);
      if (i < 0 && this.zones.length < MAX_ZONES) {
        this.zones.push(key);
        this.temps.push(new Array<number>(row).fill(NaN));
        i = this.zones.length - 1;
      }
      if (i >= 0 && this.temps[i].length === row) this.temps[i].push(temp.celsius);
    }
    // every series stays aligned with t (a core or zone missing this time is a gap)
    for (const s of [...this.npu, ...this.npuAbsurd, ...this.temps])
      if (s && s.length < this.t.length) s.push(NaN);
    for (let c = 0; c < this.npu.length; c++) {
      this.npu[c] ??= new Array<number>(this.t.length).fill(NaN);
      this.npuAbsurd[c] ??= new Array<number>(this.t.length).fill(NaN);
    }
    if (this.t.length > MAX_TELEMETRY_POINTS) {
      const drop = this.t.length - MAX_TELEMETRY_POINTS;
      for (const s of [
        this.t,
        this.cpu,
        this.memory,
        ...this.npu,
        ...this.npuAbsurd,
        ...this.temps,
      ])
        s.splice(0, drop);
    }
    this.latest = sample;
    this.version++;
  }
}

/** Telemetry of every board this page has watched, by board id. */
export class LiveTelemetry {
  private readonly boards = new Map<string, BoardSeries>();
  private readonly listeners = new Set<Listener>();

  series(boardId: string): BoardSeries | undefined {
    return this.boards.get(boardId);
  }

  add(boardId: string, sample: Sample): BoardSeries {
    let s = this.boards.get(boardId);
    if (!s) {
      s = new BoardSeries();
      this.boards.set(boardId, s);
    }
    s.add(sample);
    for (const l of this.listeners) l();
    return s;
  }

  /** Forgets one board's readings (a new connection starts a new chart), or every board's. */
  reset(boardId?: string): void {
    if (boardId === undefined) this.boards.clear();
    else this.boards.delete(boardId);
    for (const l of this.listeners) l();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const liveTelemetry = new LiveTelemetry();
