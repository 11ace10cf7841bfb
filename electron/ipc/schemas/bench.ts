/**
 * zod schemas of benchmarking as it crosses the bridge (models.*, bench.*, runs.*). They mirror
 * electron/bench/types.ts (checked at the bottom). Latency samples travel as Float64Array
 * (structured clone in Electron, binary frames in browser mode), never as arrays of numbers.
 */
import { z } from 'zod';
import type { BenchEvent, BenchOptions, BenchStats, ModelRef, RunRecord } from '../../bench/types';
import type { ActiveRun, HistoryStatus } from '../../bench/service';
import type { RunComparison } from '../../bench/history';
import type { LiveSummary } from '../../bench/live';

const id = z.string().trim().min(1).max(200);
// z.custom, not z.instanceof: the runtime's arrays are typed over ArrayBufferLike.
const float64 = z
  .custom<Float64Array>((v) => v instanceof Float64Array, 'must be a Float64Array')
  .meta({ description: 'Float64Array' });
const bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array')
  .meta({ description: 'Uint8Array' });
const nullableNumber = z.number().nullable();

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export const sampleModelSchema = z.object({
  /** Human title ("Tiny classifier"). */
  name: z.string(),
  file: z.string(),
  /** Absolute path on the main side; pass it to bench.start. */
  path: z.string(),
  format: z.string(),
  sizeBytes: z.number(),
  description: z.string().optional(),
});

export const uploadRequestSchema = z
  .object({
    /** The file's name as the user chose it (no directories). */
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^/\\\0]+$/, 'must be a file name without directories')
      .refine((n) => n !== '.' && n !== '..', 'must be a file name'),
    bytes: bytes
      .refine((b) => b.byteLength > 0, 'is empty')
      .refine(
        (b) => b.byteLength <= MAX_UPLOAD_BYTES,
        `is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`,
      ),
  })
  .strict();

export const benchOptionsSchema = z.object({
  warmup: z.number(),
  iterations: nullableNumber,
  durationMs: nullableNumber,
  intraOpThreads: nullableNumber,
  interOpThreads: nullableNumber,
  graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']),
  executionProvider: z.string(),
  shapes: z.record(z.string(), z.array(z.number())),
  inputData: z.enum(['random', 'zeros']),
  seed: z.number(),
  /** RKNN core mask; absent in runs stored before it existed. */
  coreMask: nullableNumber.optional(),
});

const count = (max: number) => z.number().int().min(0).max(max);
/** Options a caller may set; the bench engine fills in the rest and validates them again. */
export const benchOptionsRequestSchema = z
  .object({
    warmup: count(100_000).optional(),
    iterations: z.number().int().min(1).max(10_000_000).nullable().optional(),
    durationMs: z
      .number()
      .min(1)
      .max(24 * 3600 * 1000)
      .nullable()
      .optional(),
    intraOpThreads: z.number().int().min(1).max(256).nullable().optional(),
    interOpThreads: z.number().int().min(1).max(256).nullable().optional(),
    graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
    executionProvider: z.string().trim().min(1).max(64).optional(),
    shapes: z
      .record(
        z.string().min(1).max(200),
        z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 30),
          )
          .min(1)
          .max(16),
      )
      .optional(),
    inputData: z.enum(['random', 'zeros']).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    /** RKNN core mask (0 auto, 1/2/4 one core, 3, 7); checked against the board's SoC. */
    coreMask: z.number().int().min(0).max(255).nullable().optional(),
  })
  .strict();

export const benchStartSchema = z
  .object({
    /** A model path on the main side (from models.samples, models.upload or the open dialog). */
    model: z.string().trim().min(1).max(4096),
    adapter: id,
    /** `local` (default) or a board id. */
    target: id.optional(),
    options: benchOptionsRequestSchema.default({}),
    /** A name for the history list. */
    label: z.string().trim().max(200).optional(),
  })
  .strict();

export const benchStatsSchema = z.object({
  count: z.number(),
  sessionCreateMs: nullableNumber,
  firstInferenceMs: nullableNumber,
  min: nullableNumber,
  max: nullableNumber,
  mean: nullableNumber,
  stddev: nullableNumber,
  p50: nullableNumber,
  p90: nullableNumber,
  p95: nullableNumber,
  p99: nullableNumber,
  p999: nullableNumber,
  throughput: nullableNumber,
  wallMs: nullableNumber,
  peakRssBytes: nullableNumber,
});

export const modelRefSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  size: z.number(),
  format: z.string(),
});

export const errorShapeSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  detail: z.unknown().optional(),
});

export const runStatusSchema = z.enum([
  'running',
  'finished',
  'failed',
  'cancelled',
  'interrupted',
]);
export const runPhaseSchema = z.enum(['starting', 'prepare', 'warmup', 'measure', 'done']);

export const runRecordSchema = z.object({
  id: z.string(),
  label: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  adapter: z.string(),
  target: z.string(),
  model: modelRefSchema,
  options: benchOptionsSchema,
  status: runStatusSchema,
  stats: benchStatsSchema,
  sampleCount: z.number(),
  error: errorShapeSchema.optional(),
  warnings: z.array(z.string()),
  extra: z.record(z.string(), z.unknown()),
  samples: float64.optional(),
});

export const activeRunSchema = z.object({
  runId: z.string(),
  adapter: z.string(),
  target: z.string(),
  model: modelRefSchema,
  label: z.string().optional(),
  startedAt: z.string(),
  options: benchOptionsSchema,
  /** Samples measured so far. */
  count: z.number(),
});

const statKeys = benchStatsSchema.keyof();
export const runComparisonSchema = z.object({
  a: runRecordSchema,
  b: runRecordSchema,
  /** Same model bytes (sha256)? Comparing different models is allowed but flagged. */
  sameModel: z.boolean(),
  rows: z.array(
    z.object({
      key: statKeys,
      label: z.string(),
      unit: z.string(),
      a: nullableNumber,
      b: nullableNumber,
      /** b / a (below 1: b has the smaller value); null when either is missing or a is 0. */
      ratio: nullableNumber,
    }),
  ),
});

export const historyStatusSchema = z.object({
  saving: z.boolean(),
  file: z.string().nullable(),
  reason: errorShapeSchema.optional(),
});

export const benchInfoSchema = z.object({
  /** Adapters that can benchmark (a source is registered for them). */
  adapters: z.array(z.string()),
  /** Whether finished runs are saved, and why not. */
  history: historyStatusSchema,
});

export const liveSummarySchema = z.object({
  count: z.number(),
  mean: nullableNumber,
  min: nullableNumber,
  max: nullableNumber,
  p50: nullableNumber,
  p90: nullableNumber,
  p99: nullableNumber,
});

export const benchStartedSchema = z.object({
  runId: z.string(),
  adapter: z.string(),
  target: z.string(),
  model: modelRefSchema,
  options: benchOptionsSchema,
  startedAt: z.string(),
});

export const benchProgressSchema = z.object({
  runId: z.string(),
  /** 0, 1, 2, … per run, so a consumer can notice a gap. */
  seq: z.number(),
  phase: runPhaseSchema,
  /** Latencies (ms) measured since the previous batch, in order. */
  samples: float64,
  /** Samples so far, this batch included. */
  total: z.number(),
  elapsedMs: z.number(),
  /** The planned number of samples, null for a duration run. */
  expected: nullableNumber,
  /** 0…1 when the run has a known end, else null. */
  progress: nullableNumber,
  /** Running statistics over all samples so far (percentiles within 1%). */
  live: liveSummarySchema,
  /** Side measurements since the previous batch (`npu`: load % per core; `push`: 0…1). */
  gauges: z
    .array(z.object({ name: z.string(), elapsedMs: z.number(), values: z.array(z.number()) }))
    .optional(),
});

export const benchFinishedSchema = z.object({
  runId: z.string(),
  /** The final record; samples are left out (they came in batches; runs.show has them all). */
  record: runRecordSchema,
  saved: z.boolean(),
  /** Why the run was not saved: flag metric_sink off, no history, or a write error. */
  notSavedReason: errorShapeSchema.optional(),
});

export const runIdSchema = z.object({ runId: id }).strict();
export const recordIdSchema = z.object({ id }).strict();
export const runsListSchema = z
  .object({
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
    adapter: id.optional(),
    target: id.optional(),
    /** A sha256 (or a prefix of it) of the model. */
    modelSha256: z
      .string()
      .regex(/^[0-9a-f]{1,64}$/i, 'must be hex')
      .optional(),
    status: z.enum(['finished', 'failed', 'cancelled', 'interrupted']).optional(),
  })
  .strict();

// ---- drift checks against electron/bench/types.ts --------------------------------------------
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
const sameShape = <T extends true>(_: T) => _;
sameShape<Same<z.infer<typeof benchOptionsSchema>, BenchOptions>>(true);
sameShape<Same<z.infer<typeof benchStatsSchema>, BenchStats>>(true);
sameShape<Same<z.infer<typeof modelRefSchema>, ModelRef>>(true);
sameShape<Same<z.infer<typeof runRecordSchema>, RunRecord>>(true);
sameShape<Same<z.infer<typeof activeRunSchema>, ActiveRun>>(true);
sameShape<Same<z.infer<typeof runComparisonSchema>, RunComparison>>(true);
sameShape<Same<z.infer<typeof historyStatusSchema>, HistoryStatus>>(true);
sameShape<Same<z.infer<typeof liveSummarySchema>, LiveSummary>>(true);
type Batch = Extract<BenchEvent, { type: 'batch' }>;
type Finished = Extract<BenchEvent, { type: 'finished' }>;
sameShape<Same<z.infer<typeof benchProgressSchema>, Omit<Batch, 'type'>>>(true);
sameShape<Same<z.infer<typeof benchFinishedSchema>, Omit<Finished, 'type'>>>(true);
