/**
 * NPU load per core while rknn_benchmark runs, from the boards room's telemetry watcher on the
 * run's own connection: each reading goes to the runner as an `npu` gauge (plotted live beside
 * the latencies) and into a series stored with the run, with a per-core summary.
 */
import type { ProbeReport } from '../../../boards/probe';
import { TelemetryWatcher, type TelemetrySample } from '../../../boards/telemetry';
import type { Transport } from '../../../boards/types';

export interface NpuLoadRecord {
  /** Why nothing was recorded (needs root, no load file, no NPU), when nothing was. */
  unavailable?: string;
  intervalMs: number;
  /** Reading times, ms since the benchmark command started. */
  t: number[];
  /** Load % per reading, one array per core (clamped to 0…100). */
  cores: number[][];
  /** Per-core mean and max over the readings, %. */
  summary: Array<{ core: number; mean: number; max: number }>;
  /** Readings the driver reported above 100% (a known driver quirk), clamped. */
  absurdReadings: number;
}

/** Why a board cannot report NPU load, from its probe (null when it can). */
export function npuLoadUnavailable(report: ProbeReport): string | null {
  if (report.npu === 'none') return 'the board has no Rockchip NPU';
  if (report.npu.driverVersion === 'needs root')
    return 'reading /sys/kernel/debug/rknpu/load needs root (log in as root to record NPU load)';
  if (!report.npu.loadAvailable)
    return 'the NPU driver has no load file (/sys/kernel/debug/rknpu/load; drivers before 0.7.2)';
  return null;
}

export class NpuLoadRecorder {
  private watcher: TelemetryWatcher | null = null;
  private readonly t: number[] = [];
  private readonly cores: number[][] = [];
  private absurd = 0;
  private started = 0;
  private unavailable: string | null;

  constructor(
    private readonly transport: Transport,
    private readonly o: {
      intervalMs: number;
      /** From the probe; null when the board can report load. */
      unavailable: string | null;
      onReading?: (percents: number[]) => void;
    },
  ) {
    this.unavailable = o.unavailable;
  }

  start(): void {
    if (this.watcher || this.unavailable) return;
    this.started = Date.now();
    this.watcher = new TelemetryWatcher(this.transport, {
      intervalMs: this.o.intervalMs,
      onSample: (s) => this.add(s),
    }).start();
  }

  private add(s: TelemetrySample): void {
    if (!s.npu) {
      if (s.npuUnavailable && !this.t.length) this.unavailable = `NPU load ${s.npuUnavailable}`;
      return;
    }
    const percents = s.npu.map((c) => c.percent);
    this.absurd += s.npu.filter((c) => c.absurd !== undefined).length;
    this.t.push(Date.now() - this.started);
    percents.forEach((p, i) => (this.cores[i] ??= []).push(p));
    this.o.onReading?.(percents);
  }

  stop(): void {
    this.watcher?.dispose();
    this.watcher = null;
  }

  record(): NpuLoadRecord {
    const summary = this.cores.map((values, core) => ({
      core,
      mean: values.length
        ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
        : 0,
      max: values.length ? Math.max(...values) : 0,
    }));
    const unavailable = this.t.length ? null : this.unavailable;
    return {
      ...(unavailable ? { unavailable } : {}),
      intervalMs: this.o.intervalMs,
      t: [...this.t],
      cores: this.cores.map((c) => [...c]),
      summary,
      absurdReadings: this.absurd,
    };
  }
}
