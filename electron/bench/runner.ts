import { type CoralError, toCoralError, type CoralErrorShape } from '../runtime/errors';
import { BATCH_INTERVAL_MS } from './loop';
import { SampleBuffer, computeStats } from './stats';
import { checkWarmup, warmupWarning } from './warmup';
import type {
  BenchOptions,
  BenchSource,
  BenchStats,
  GaugeReading,
  RunPhase,
  SourceResult,
} from './types';

export interface RunBatch {
  seq: number;
  phase: RunPhase;
  samples: Float64Array;
  total: number;
  elapsedMs: number;
  progress: number | null;
  /** Gauge readings since the previous batch, when the source reported any. */
  gauges?: GaugeReading[];
}

export interface RunCallbacks {
  signal?: AbortSignal;
  /** Batches at most every BATCH_INTERVAL_MS, each with all samples since the previous one. */
  onBatch?: (batch: RunBatch) => void;
  /** False (flag stream_manager off): no batches, only the final result. */
  stream?: boolean;
  onWarning?: (message: string) => void;
}

export interface RunOutcome {
  status: 'finished' | 'failed' | 'cancelled' | 'interrupted';
  samples: Float64Array;
  stats: BenchStats;
  error?: CoralErrorShape;
  warnings: string[];
  extra: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
}

/**
 * Runs one benchmark from any source and turns what it emits into a result: status,
 * samples, statistics. Never throws for a failing source (the failure is the outcome's
 * `error`, samples so far are kept); an abort ends the run as `cancelled`.
 */
export async function runBench(
  source: BenchSource,
  options: BenchOptions,
  callbacks: RunCallbacks = {},
): Promise<RunOutcome> {
  const signal = callbacks.signal ?? new AbortController().signal;
  const stream = callbacks.stream ?? true;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const all = new SampleBuffer(4096);
  const warnings: string[] = [];
  let phase: RunPhase = 'starting';
  let measureStart: number | null = null;
  let emitted = 0;
  let seq = 0;
  let phaseChanged = false;
  let gauges: GaugeReading[] = [];

  const progress = (): number | null => {
    if (options.iterations) return Math.min(1, all.length / options.iterations);
    if (options.durationMs && measureStart !== null) {
      return Math.min(1, (performance.now() - measureStart) / options.durationMs);
    }
    return phase === 'measure' ? null : 0;
  };
  const emit = (force: boolean) => {
    if (!stream || !callbacks.onBatch) return;
    if (!force && all.length === emitted && !phaseChanged && !gauges.length) return;
    const samples = all.slice(emitted);
    emitted = all.length;
    phaseChanged = false;
    const batch: RunBatch = {
      seq: seq++,
      phase,
      samples,
      total: all.length,
      elapsedMs: performance.now() - t0,
      progress: progress(),
    };
    if (gauges.length) {
      batch.gauges = gauges;
      gauges = [];
    }
    callbacks.onBatch(batch);
  };
  const timer =
    stream && callbacks.onBatch ? setInterval(() => emit(false), BATCH_INTERVAL_MS) : null;

  let result: SourceResult = {};
  let error: CoralError | undefined;
  try {
    result = await source.run({
      options,
      signal,
      sink: {
        samples: (values) => all.append(values),
        phase: (p) => {
          phase = p;
          phaseChanged = true;
          if (p === 'measure') measureStart = performance.now();
        },
        warn: (message) => {
          warnings.push(message);
          callbacks.onWarning?.(message);
        },
        gauge: (name, values) => {
          if (stream && callbacks.onBatch)
            gauges.push({ name, elapsedMs: performance.now() - t0, values: [...values] });
        },
      },
    });
  } catch (e) {
    if (!signal.aborted) error = toCoralError(e, 'BENCH_FAILED');
  } finally {
    if (timer) clearInterval(timer);
  }
  phase = 'done';
  emit(true);

  const samples = all.slice();
  const verdict = checkWarmup(samples, options.warmup);
  if (verdict) {
    const message = warmupWarning(verdict, options.warmup);
    warnings.push(message);
    callbacks.onWarning?.(message);
  }
  const status = signal.aborted
    ? 'cancelled'
    : error
      ? 'failed'
      : result.interrupted
        ? 'interrupted'
        : 'finished';
  const outcome: RunOutcome = {
    status,
    samples,
    stats: computeStats(samples, {
      sessionCreateMs: result.sessionCreateMs,
      firstInferenceMs: result.firstInferenceMs,
      wallMs: result.wallMs ?? null,
      peakRssBytes: result.peakRssBytes,
    }),
    warnings,
    extra: result.extra ?? {},
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  if (error) outcome.error = error.toJSON();
  else if (result.interrupted && status === 'interrupted') outcome.error = result.interrupted;
  return outcome;
}
