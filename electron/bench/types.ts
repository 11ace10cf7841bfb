/**
 * The benchmark engine's shapes. Adapter-neutral: the ONNX backend, a board running
 * rknn_benchmark, or a test all feed the same runner, history and events.
 */
import type { CoralErrorShape } from '../runtime/errors';
import type { LiveSummary } from './live';

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
/** What a stored run can end as (`interrupted`: the app stopped while it ran). */
export type FinalStatus = Exclude<RunStatus, 'running'>;

export type RunPhase = 'starting' | 'prepare' | 'warmup' | 'measure' | 'done';

/** Options common to every adapter (validated by benchOptionsSchema in options.ts). */
export interface BenchOptions {
  /** Iterations run before measuring (not recorded; the first gives first-inference time). */
  warmup: number;
  /** Measured iterations; exclusive with durationMs. */
  iterations: number | null;
  /** Measure for this long instead of a fixed count. */
  durationMs: number | null;
  /** Threads inside one operator (onnxruntime intraOpNumThreads); null = runtime default. */
  intraOpThreads: number | null;
  /** Threads across operators (onnxruntime interOpNumThreads); null = runtime default. */
  interOpThreads: number | null;
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
  executionProvider: string;
  /** Values for symbolic dimensions or whole input shapes: `{ images: [1,3,640,640] }` or `{ batch: [4] }`. */
  shapes: Record<string, number[]>;
  inputData: 'random' | 'zeros';
  seed: number;
  /**
   * NPU cores for RKNN runs (rknn_benchmark's core_mask: 0 auto, 1/2/4 one core, 3, 7);
   * null or absent = the runtime decides. Other adapters ignore it.
   */
  coreMask?: number | null;
}

/** A timed model: what the history stores to recognise "the same model" across runs. */
export interface ModelRef {
  path: string;
  sha256: string;
  size: number;
  format: string;
}

/** Summary statistics of a run; every time is in milliseconds. */
export interface BenchStats {
  count: number;
  /** Time to create the session / load the model, when the source knows it. */
  sessionCreateMs: number | null;
  /** The first (cold) inference, part of the warm-up. */
  firstInferenceMs: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single sample. */
  stddev: number | null;
  /** Percentiles are sorted[floor(n·p)] (clamped to n − 1), as onnxruntime_perf_test does. */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  /** Inferences per second over the wall-clock time of the measured phase. */
  throughput: number | null;
  /** Wall-clock time of the measured phase. */
  wallMs: number | null;
  /** Peak resident memory of the process that ran the model. */
  peakRssBytes: number | null;
}

/** The per-iteration driver an adapter implements; the runner's loop times runOnce(). */
export interface BenchDriver {
  /** Loads the model, builds inputs. Returns what it learned (shown and stored in `extra`). */
  prepare(signal: AbortSignal): Promise<PrepareResult> | PrepareResult;
  runOnce(): Promise<unknown> | unknown;
  dispose(): Promise<void> | void;
}

export interface PrepareResult {
  sessionCreateMs?: number;
  warnings?: string[];
  extra?: Record<string, unknown>;
}

/** A reading of a named gauge taken during a run (e.g. `npu`: load % per NPU core). */
export interface GaugeReading {
  name: string;
  /** Time since the run started, ms (the runner's clock). */
  elapsedMs: number;
  values: number[];
}

/** What a source reports back to the runner while it runs. */
export interface SourceSink {
  /** Measured latencies in ms (warm-up excluded). */
  samples(values: Float64Array | readonly number[]): void;
  phase(phase: RunPhase): void;
  warn(message: string): void;
  /**
   * Side measurements streamed beside the latencies (NPU load per core, upload progress 0…1
   * as `push`). They travel in the next batch; what the record keeps is up to the source.
   */
  gauge?(name: string, values: readonly number[]): void;
}

export interface SourceContext {
  options: BenchOptions;
  signal: AbortSignal;
  sink: SourceSink;
}

/** Facts a source learned; the runner merges them into the stats and the record. */
export interface SourceResult {
  sessionCreateMs?: number | null;
  firstInferenceMs?: number | null;
  peakRssBytes?: number | null;
  /** Wall time of the measured phase; when absent the runner uses its own clock. */
  wallMs?: number | null;
  extra?: Record<string, unknown>;
  /**
   * The run was cut short by something outside it (a board's connection dropped): it ends as
   * `interrupted` with this as its error, keeping the samples measured so far.
   */
  interrupted?: CoralErrorShape;
}

/**
 * A benchmark source emits samples itself (a board parsing rknn_benchmark lines, the ONNX
 * worker process). It resolves when done, also after a cancel (the runner marks the run
 * cancelled); it throws CoralError on failure, after emitting whatever it measured.
 */
export interface BenchSource {
  run(ctx: SourceContext): Promise<SourceResult>;
}

/** A run as stored and as shown: summary, plus samples when asked for. */
export interface RunRecord {
  id: string;
  label?: string;
  startedAt: string;
  finishedAt: string;
  adapter: string;
  /** `local`, or a board id. */
  target: string;
  model: ModelRef;
  options: BenchOptions;
  /** `running` only for a run in progress in another live process (seen in the history). */
  status: RunStatus;
  stats: BenchStats;
  sampleCount: number;
  error?: CoralErrorShape;
  warnings: string[];
  /** Adapter-specific facts (onnxruntime version, board probe, NPU load, …). */
  extra: Record<string, unknown>;
  /** Present on records returned by a finished run or `show(id, { samples: true })`. */
  samples?: Float64Array;
}

/** What the runner tells listeners; each batch carries every sample since the last batch. */
export type BenchEvent =
  | {
      type: 'started';
      runId: string;
      adapter: string;
      target: string;
      model: ModelRef;
      options: BenchOptions;
      startedAt: string;
    }
  | {
      type: 'batch';
      runId: string;
      /** 0, 1, 2, … per run, so a consumer can notice a gap. */
      seq: number;
      phase: RunPhase;
      samples: Float64Array;
      /** Samples so far, this batch included. */
      total: number;
      elapsedMs: number;
      /** The planned number of samples (iterations), null for a duration run. */
      expected: number | null;
      /** 0…1 when the run has a known end (iterations or duration), else null. */
      progress: number | null;
      /** Running statistics over all samples so far (percentiles within 1%). */
      live: LiveSummary;
      /** Gauge readings since the last batch (only when the source reports any). */
      gauges?: GaugeReading[];
    }
  | {
      type: 'finished';
      runId: string;
      /** The run without its samples (they came in batches; `show` or `wait` give them all). */
      record: RunRecord;
      saved: boolean;
      /** Why the run was not saved: flag metric_sink off, no history, or a write error. */
      notSavedReason?: CoralErrorShape;
    };

export type BenchListener = (event: BenchEvent) => void;
