/**
 * Live telemetry of a watched board at 1 Hz: NPU load per core (clamped, absurd readings
 * flagged), CPU load (from /proc/stat deltas), temperatures and memory — one framed script
 * per tick over the board's existing connection.
 */
import { toCoralError, type CoralErrorShape } from '../runtime/errors';
import type { Disposable, Logger } from '../runtime/types';
import { buildScript, parseSections, type SectionSpec } from './probe/sections';
import {
  cpuLoadBetween,
  parseMeminfo,
  parseNpuLoad,
  parseProcStat,
  parseThermal,
  type MemoryInfo,
  type NpuCoreLoad,
  type Temperature,
} from './probe/fields';
import { THERMAL_GLOB } from './probe/script';
import { noopLogger } from './transport-base';
import type { Transport } from './types';

export interface TelemetrySample {
  time: string;
  /** null on the first sample (load needs two readings). */
  cpu: { total: number; perCore: number[] } | null;
  npu: NpuCoreLoad[] | null;
  /** Why npu is null: the board has no load file, or it needs root. */
  npuUnavailable?: 'needs root' | 'no load file';
  temperatures: Temperature[];
  memory: (MemoryInfo & { usedPercent: number }) | null;
  warnings: string[];
  /** Round trip of this sample, ms. */
  latencyMs: number;
}

export const TELEMETRY_SECTIONS: SectionSpec[] = [
  { name: 'stat', command: "grep '^cpu' /proc/stat" },
  {
    name: 'meminfo',
    command: "grep -E '^(MemTotal|MemFree|MemAvailable|Buffers|Cached):' /proc/meminfo",
  },
  { name: 'npu_load', command: 'cat /sys/kernel/debug/rknpu/load' },
  { name: 'thermal', command: `grep -Hs . ${THERMAL_GLOB}/type ${THERMAL_GLOB}/temp` },
];

export const TELEMETRY_SCRIPT = buildScript('telemetry', TELEMETRY_SECTIONS);

/** Parses one telemetry output; `prevStat` is the previous /proc/stat reading (mutated). */
export function parseTelemetry(
  raw: string | Buffer,
  state: { prevStat: Map<string, [number, number]> | null },
  latencyMs = 0,
): TelemetrySample {
  const sections = parseSections('telemetry', raw);
  const warnings: string[] = [];
  const text = (n: string) => (sections.get(n)?.text ?? '').trim();
  const stat = parseProcStat(text('stat'));
  const cpu = state.prevStat ? cpuLoadBetween(state.prevStat, stat) : null;
  state.prevStat = stat.size ? stat : state.prevStat;
  let npu: NpuCoreLoad[] | null = null;
  let npuUnavailable: TelemetrySample['npuUnavailable'];
  const load = sections.get('npu_load');
  if (load && load.rc === 0) npu = parseNpuLoad(load.text, warnings);
  else if (/permission denied/i.test(load?.text ?? '')) npuUnavailable = 'needs root';
  else npuUnavailable = 'no load file';
  const mem = parseMeminfo(text('meminfo'), warnings);
  return {
    time: new Date().toISOString(),
    cpu,
    npu,
    ...(npuUnavailable ? { npuUnavailable } : {}),
    temperatures: parseThermal(text('thermal'), warnings),
    memory: mem
      ? {
          ...mem,
          usedPercent: mem.totalMb
            ? Math.round(((mem.totalMb - mem.availableMb) / mem.totalMb) * 1000) / 10
            : 0,
        }
      : null,
    warnings,
    latencyMs,
  };
}

export interface TelemetryOptions {
  intervalMs?: number;
  onSample: (s: TelemetrySample) => void;
  onError?: (e: CoralErrorShape) => void;
  log?: Logger;
}

/**
 * Polls a board until disposed. Ticks never overlap; while the transport is reconnecting the
 * watcher waits instead of forcing connections; a failed tick is reported and the next one runs.
 */
export class TelemetryWatcher implements Disposable {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly state: { prevStat: Map<string, [number, number]> | null } = { prevStat: null };
  private controller: AbortController | null = null;
  private skipped = 0;
  readonly intervalMs: number;
  private readonly log: Logger;

  constructor(
    private readonly transport: Transport,
    private readonly o: TelemetryOptions,
  ) {
    this.intervalMs = o.intervalMs ?? 1000;
    this.log = o.log ?? noopLogger;
  }

  start(): this {
    this.schedule(0);
    return this;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const started = Date.now();
    const st = this.transport.state;
    if (st === 'closed') return;
    if (st === 'reconnecting' || (st === 'disconnected' && ++this.skipped % 5 !== 0)) {
      this.state.prevStat = null;
      this.schedule(this.intervalMs);
      return;
    }
    this.controller = new AbortController();
    try {
      const res = await this.transport.exec(TELEMETRY_SCRIPT, {
        killable: false,
        timeoutMs: Math.max(5000, this.intervalMs * 3),
        signal: this.controller.signal,
      });
      if (this.stopped) return;
      this.o.onSample(parseTelemetry(res.stdout, this.state, Date.now() - started));
    } catch (e) {
      if (this.stopped) return;
      const err = toCoralError(e, 'TELEMETRY_FAILED');
      this.log.debug('boards', `telemetry of ${this.transport.target}: ${err.message}`);
      this.o.onError?.(err.toJSON());
    } finally {
      this.controller = null;
    }
    this.schedule(Math.max(0, this.intervalMs - (Date.now() - started)));
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
  }
}
