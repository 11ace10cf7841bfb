import { z } from 'zod';

/**
 * The schema of report.json. Bump REPORT_SCHEMA_VERSION whenever a field changes meaning or
 * is removed; adding an optional field does not need a bump. Readers check `kind` and
 * `schemaVersion` before anything else.
 */
export const REPORT_KIND = 'coral-studio/diagnostic-report';
export const REPORT_SCHEMA_VERSION = 1;

export const SECTION_NAMES = ['runtime', 'log', 'boards', 'runs'] as const;

export const REPORT_FORMATS = ['zip', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type SectionName = (typeof SECTION_NAMES)[number];

export const REDACTION_KINDS = [
  'password',
  'token',
  'secret',
  'private-key',
  'url-credentials',
  'home-directory',
  'host',
  'ip',
  'serial',
  'user',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

const isoTime = z.string().min(1);
const json = z.unknown();

export const sectionErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});
export type SectionError = z.infer<typeof sectionErrorSchema>;

/**
 * Every section says what happened to it: `ok` with data, `error` when its source threw or
 * timed out (the export still succeeds), `unavailable` when no source exists here (e.g. no
 * run history yet), `omitted` when the user switched it off.
 */
function section<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), data }),
    z.object({ status: z.literal('error'), error: sectionErrorSchema }),
    z.object({ status: z.literal('unavailable'), reason: z.string() }),
    z.object({ status: z.literal('omitted') }),
  ]);
}

const versionInfo = z.object({
  version: z.string().nullable(),
  path: z.string().optional(),
  error: z.string().optional(),
});

export const headerSchema = z.object({
  app: z.object({ name: z.string(), id: z.string(), version: z.string() }),
  generatedAt: isoTime,
  hostname: z.string(),
  os: z.object({
    platform: z.string(),
    type: z.string(),
    release: z.string(),
    arch: z.string(),
    distro: z.string().nullable(),
  }),
  cpu: z.object({ model: z.string(), cores: z.number().int().nonnegative(), speedMHz: z.number() }),
  memory: z.object({ totalBytes: z.number(), freeBytes: z.number() }),
  uptimeSeconds: z.number(),
  versions: z.object({
    node: z.string(),
    v8: z.string(),
    electron: z.string().optional(),
    chromium: z.string().optional(),
    onnxruntimeNode: versionInfo.optional(),
    nativeAddon: versionInfo.optional(),
    librknnrt: versionInfo.optional(),
  }),
});
export type ReportHeader = z.infer<typeof headerSchema>;

const sourcedRow = z.object({ name: z.string(), value: json, source: z.string() });

export const runtimeDataSchema = z.object({
  platform: z.object({ value: z.string(), source: z.string() }),
  configFile: z
    .object({ path: z.string(), content: json.optional(), note: z.string().optional() })
    .nullable(),
  config: z.array(sourcedRow),
  flags: z.array(sourcedRow.extend({ description: z.string().optional() })),
  env: z.array(z.object({ name: z.string(), value: z.string(), redacted: z.boolean() })),
  diagnostics: z.array(
    z.object({
      level: z.enum(['warn', 'error']),
      message: z.string(),
      variable: z.string().optional(),
      field: z.string().optional(),
      hint: z.string().optional(),
    }),
  ),
  backendsEnabled: z.array(z.string()),
  adapters: z.array(
    z.object({
      name: z.string(),
      displayName: z.string(),
      version: z.string(),
      origin: z.string(),
      modelFormats: z.array(z.string()),
      status: z.string(),
      reason: z.string().optional(),
      detail: json.optional(),
    }),
  ),
  failures: z.array(
    z.object({
      source: z.string(),
      phase: z.string(),
      message: z.string(),
      stack: z.string().optional(),
    }),
  ),
  patches: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      enabled: z.boolean(),
      origin: z.string(),
    }),
  ),
  plugins: z.array(
    z.object({
      package: z.string(),
      version: z.string(),
      path: z.string(),
      backends: z.array(z.string()),
      patches: z.array(z.string()),
      status: z.string(),
      reason: z.string().optional(),
    }),
  ),
  initMs: z.number().nullable(),
});
export type RuntimeData = z.infer<typeof runtimeDataSchema>;

export const logEntrySchema = z.object({
  time: isoTime,
  level: z.enum(['debug', 'info', 'warn', 'error']),
  source: z.string(),
  message: z.string(),
  detail: json.optional(),
});
export const logDataSchema = z.object({
  total: z.number().int().nonnegative(),
  entries: z.array(logEntrySchema),
});
export type LogData = z.infer<typeof logDataSchema>;

const timedValue = z.object({ time: isoTime.nullable(), value: json });

export const boardSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: z.string(),
  transport: z.string().nullable(),
  /** The connection when the report was made (connected, idle, reconnecting …). */
  state: z.string().nullable(),
  probe: timedValue.nullable(),
  telemetry: timedValue.nullable(),
  errors: z.array(
    z.object({
      time: isoTime.nullable(),
      code: z.string().nullable(),
      message: z.string(),
      hint: z.string().optional(),
    }),
  ),
  compat: z.array(
    z.object({
      subject: z.string(),
      verdict: z.string(),
      message: z.string(),
      detail: json.optional(),
    }),
  ),
  /** Set when this board's details could not be gathered during export (unreachable, timeout). */
  error: sectionErrorSchema.optional(),
});
export type ReportBoard = z.infer<typeof boardSchema>;
export const boardsDataSchema = z.object({ boards: z.array(boardSchema) });
export type BoardsData = z.infer<typeof boardsDataSchema>;

export const statRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** ms, /s, B or '' */
  unit: z.string(),
  value: z.number().nullable(),
});
export type StatRow = z.infer<typeof statRowSchema>;

export const runSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  backend: z.string(),
  /** The model file (path or name). */
  model: z.string(),
  /** What identifies the model bytes (sha256, size, format), when stored. */
  modelInfo: json.optional(),
  target: z.string().nullable(),
  status: z.string(),
  options: json,
  stats: z.array(statRowSchema),
  /** Latency per iteration in ms, decimated (min/max per bucket) to a bounded length. */
  latencyMs: z.array(z.number()),
  /** How many samples the run had before decimation. */
  latencyCount: z.number().int().nonnegative(),
  /**
   * Distribution of all samples (before decimation): equal-width bins from minMs to maxMs;
   * samples beyond maxMs (a long tail of spikes) are counted in `overflow`, up to overflowMaxMs.
   */
  histogram: z
    .object({
      minMs: z.number(),
      maxMs: z.number(),
      counts: z.array(z.number().int().nonnegative()),
      overflow: z.number().int().nonnegative(),
      overflowMaxMs: z.number().nullable(),
    })
    .nullable(),
  warnings: z.array(z.string()),
  /** Backend-specific facts recorded with the run (runtime versions, board probe …). */
  extra: json.optional(),
  error: z
    .object({ code: z.string().nullable(), message: z.string(), hint: z.string().optional() })
    .optional(),
});
export type ReportRun = z.infer<typeof runSchema>;
export const runsDataSchema = z.object({
  total: z.number().int().nonnegative().nullable(),
  runs: z.array(runSchema),
});
export type RunsData = z.infer<typeof runsDataSchema>;

export const redactionSummarySchema = z.object({
  enabled: z.boolean(),
  anonymized: z.boolean(),
  /** How many values of each kind were replaced; never the values. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  total: z.number().int().nonnegative(),
});
export type RedactionSummary = z.infer<typeof redactionSummarySchema>;

export const reportSchema = z.object({
  kind: z.literal(REPORT_KIND),
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  options: z.object({
    sections: z.record(z.string(), z.boolean()),
    runs: z.number().int().nonnegative(),
    log: z.number().int().nonnegative(),
  }),
  header: headerSchema,
  redaction: redactionSummarySchema,
  runtime: section(runtimeDataSchema),
  log: section(logDataSchema),
  boards: section(boardsDataSchema),
  runs: section(runsDataSchema),
});
export type DiagnosticReport = z.infer<typeof reportSchema>;
export type ReportSection<K extends SectionName> = DiagnosticReport[K];
