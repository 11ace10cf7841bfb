/**
 * zod schemas of the rknn section (rknn.targets, rknn.inspect, rknn.check). They mirror
 * electron/backends/rknn (checked at the bottom).
 */
import { z } from 'zod';
import type { RknnModelInfo } from '../../backends/rknn/inspect';
import type { ImportedLog, RknnCheckResult, RknnTarget } from '../../backends/rknn/service';

const modelPath = z.string().trim().min(1).max(4096);
const verdict = z.enum(['ok', 'warning', 'error']);

export const rknnTargetSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'ssh', 'adb', 'adb-tcp', 'virtual']),
  target: z.string().optional(),
  available: z.boolean(),
  reason: z.string().optional(),
  soc: z.string().nullable(),
  boardModel: z.string().nullable().optional(),
  virtual: z.boolean(),
  state: z.string().optional(),
});

const tensorSchema = z.object({
  name: z.string(),
  dims: z.array(z.number()),
  dtype: z.string().optional(),
  qntType: z.string().optional(),
  qntMethod: z.string().optional(),
});

export const rknnModelInfoSchema = z.object({
  file: z.string(),
  size: z.number(),
  sha256: z.string(),
  containerVersion: z.number(),
  dataFormat: z.enum(['flatbuffers', 'openvx', 'rknn', 'unknown']),
  toolkitVersion: z.string().nullable(),
  toolkitVersionRaw: z.string().nullable(),
  targetPlatforms: z.array(z.string()),
  modelName: z.string().nullable(),
  sourceFramework: z.string().nullable(),
  inputs: z.array(tensorSchema).optional(),
  outputs: z.array(tensorSchema).optional(),
  warnings: z.array(z.string()),
});

export const rknnCheckRequestSchema = z
  .object({
    /** A model path on the main side (models.upload or the open dialog). */
    model: modelPath,
    /** `local` or a saved board's id or name. */
    target: z.string().trim().min(1).max(200),
    coreMask: z.number().int().min(0).max(255).nullable().optional(),
  })
  .strict();

const findingSchema = z.object({
  check: z.enum(['target', 'runtime', 'core-mask']),
  verdict,
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});

export const rknnCheckResultSchema = z.object({
  model: z.object({
    file: z.string(),
    size: z.number(),
    sha256: z.string(),
    toolkitVersion: z.string().nullable(),
    targetPlatforms: z.array(z.string()),
    modelName: z.string().nullable(),
  }),
  target: z.string(),
  verdict,
  message: z.string(),
  hint: z.string().optional(),
  findings: z.array(findingSchema),
  board: z
    .object({
      id: z.string(),
      name: z.string(),
      target: z.string(),
      transport: z.enum(['ssh', 'adb']),
      virtual: z.boolean(),
      soc: z.string().nullable(),
      boardModel: z.string().nullable(),
      npuCores: z.number().nullable(),
      driverVersion: z.string().nullable(),
      librknnrt: z.string().nullable(),
    })
    .optional(),
  benchmark: z
    .union([
      z.object({ path: z.string() }),
      z.object({
        error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
      }),
    ])
    .optional(),
  npuLoadUnavailable: z.string().nullable().optional(),
});

export const rknnImportLogRequestSchema = z
  .object({
    /** The log file's name as the user chose it (shown in messages). */
    name: z.string().trim().min(1).max(255),
    bytes: z
      .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array')
      .meta({ description: 'Uint8Array' })
      .refine((b) => b.byteLength > 0, 'is empty'),
    /** The board the log came from (stored as the run's target). */
    board: z.string().trim().min(1).max(200).optional(),
    label: z.string().trim().max(200).optional(),
  })
  .strict();

export const rknnImportLogResultSchema = z.object({
  runId: z.string().nullable(),
  notSavedReason: z.string().optional(),
  status: z.enum(['finished', 'failed', 'interrupted']),
  samples: z.number(),
  meanMs: z.number(),
  fps: z.number().nullable(),
  runtimeVersion: z.string().nullable(),
  driverVersion: z.string().nullable(),
  warnings: z.array(z.string()),
});

// ---- drift checks against electron/backends/rknn -----------------------------------------------
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
const sameShape = <T extends true>(_: T) => _;
sameShape<Same<z.infer<typeof rknnTargetSchema>, RknnTarget>>(true);
sameShape<Same<z.infer<typeof rknnModelInfoSchema>, RknnModelInfo>>(true);
sameShape<Same<z.infer<typeof rknnCheckResultSchema>, RknnCheckResult>>(true);
sameShape<Same<z.infer<typeof rknnImportLogResultSchema>, ImportedLog>>(true);
