/**
 * zod schemas of the runtime's shapes as they cross the bridge (runtime.*, config.*, app.*).
 * They mirror electron/runtime/types.ts; a type-level check at the bottom fails to compile when
 * the two drift apart. Only pure modules are imported: the renderer bundles this file.
 */
import { z } from 'zod';
import {
  FLAG_NAMES,
  type AdapterState,
  type Diagnostic,
  type Failure,
  type LogEntry,
  type PatchState,
  type PluginInfo,
  type RuntimeConfig,
  type RuntimeState,
} from '../../runtime/types';

export const sourceSchema = z.union([
  z.literal('default'),
  z.literal('override'),
  z.templateLiteral([z.literal('file:'), z.string()]),
  z.templateLiteral([z.literal('env:'), z.string()]),
]);
export const platformSourceSchema = z.union([
  sourceSchema,
  z.templateLiteral([z.literal('detected:'), z.string()]),
]);
const sourced = <T extends z.ZodType>(value: T) => z.object({ value, source: sourceSchema });

export const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export const logEntrySchema = z.object({
  time: z.string(),
  level: logLevelSchema,
  source: z.string(),
  message: z.string(),
  detail: z.unknown().optional(),
});

export const diagnosticSchema = z.object({
  level: z.enum(['warn', 'error']),
  message: z.string(),
  variable: z.string().optional(),
  field: z.string().optional(),
  hint: z.string().optional(),
});

export const flagNameSchema = z.enum(FLAG_NAMES);

const flagsSourced = z.object(
  Object.fromEntries(FLAG_NAMES.map((f) => [f, sourced(z.boolean())])) as Record<
    (typeof FLAG_NAMES)[number],
    ReturnType<typeof sourced<z.ZodBoolean>>
  >,
);

export const runtimeConfigSchema = z.object({
  platform: sourced(z.string().nullable()),
  autoDiscoverBackends: sourced(z.boolean()),
  backendEntryPoints: sourced(z.array(z.string())),
  pluginDirs: sourced(z.array(z.string())),
  extraPatches: sourced(z.array(z.string())),
  disabledBackends: sourced(z.array(z.string())),
  registerTimeoutMs: sourced(z.number()),
  flags: flagsSourced,
  diagnostics: z.array(diagnosticSchema),
  configFile: z.string().nullable(),
  env: z.record(z.string(), z.string()),
});

export const adapterOriginSchema = z.union([
  z.literal('builtin'),
  z.templateLiteral([z.literal('plugin:'), z.string()]),
  z.templateLiteral([z.literal('module:'), z.string()]),
]);

export const adapterStateSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  version: z.string(),
  origin: adapterOriginSchema,
  modelFormats: z.array(z.string()),
  status: z.enum(['enabled', 'disabled', 'unsupported', 'failed']),
  reason: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const failureSchema = z.object({
  source: z.string(),
  phase: z.enum(['discover', 'import', 'register', 'activate']),
  message: z.string(),
  stack: z.string().optional(),
});

export const pluginInfoSchema = z.object({
  package: z.string(),
  version: z.string(),
  path: z.string(),
  backends: z.array(z.string()),
  patches: z.array(z.string()),
  status: z.enum(['loaded', 'failed', 'skipped']),
  reason: z.string().optional(),
});

export const patchStateSchema = z.object({
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  origin: adapterOriginSchema,
});

export const runtimeStateSchema = z.object({
  platform: z.object({ value: z.string(), source: platformSourceSchema }),
  backendsEnabled: z.array(z.string()),
  adapters: z.array(adapterStateSchema),
  failures: z.array(failureSchema),
  patches: z.array(patchStateSchema),
  patchesEnabled: z.array(z.string()),
  pluginsLoaded: z.array(z.string()),
  plugins: z.array(pluginInfoSchema),
  initMs: z.number(),
});

/** A config key a user can override: a scalar field or `flags.<name>`. */
export const overrideValuesSchema = z.record(z.string(), z.unknown());

/** What a view needs to describe one setting: its key, what it does, which variables set it. */
export const fieldInfoSchema = z.object({
  key: z.string(),
  description: z.string(),
  kind: z.enum(['flag', 'boolean', 'list', 'pathlist', 'platform', 'integer']),
  variables: z.array(z.string()),
  /** For flags: does it change this app or is it passed on to the board runtime? */
  effect: z.enum(['app', 'board']).optional(),
});

/** Everything the Runtime and Configuration views draw, pushed again after every init. */
export const runtimeSnapshotSchema = z.object({
  /** Increments on every init; lets views ignore stale responses. */
  generation: z.number().int(),
  state: runtimeStateSchema,
  config: runtimeConfigSchema,
  overrides: overrideValuesSchema,
  /** How the platform was decided, in words ("device tree names rockchip,rk3588"). */
  platformReason: z.string().optional(),
  fields: z.array(fieldInfoSchema),
  /** The most recent log entries (older ones are in runtime.log). */
  log: z.array(logEntrySchema),
  /** What the last re-init changed, one line each ("flags.webrtc: true → false (override)"). */
  changes: z.array(z.string()),
});

const PLATFORM = /^[a-z][a-z0-9_-]*$/;
const names = z.array(z.string().trim().min(1).max(200)).max(200);
const flagPatch = Object.fromEntries(
  FLAG_NAMES.map((f) => [`flags.${f}`, z.boolean().nullable().optional()]),
) as Record<`flags.${(typeof FLAG_NAMES)[number]}`, z.ZodOptional<z.ZodNullable<z.ZodBoolean>>>;

/** An override patch from the UI: each key sets an override; null removes it. */
export const overridePatchSchema = z
  .object({
    platform: z
      .string()
      .regex(PLATFORM, 'must be rknn, onnx or a plugin platform name')
      .nullable()
      .optional(),
    autoDiscoverBackends: z.boolean().nullable().optional(),
    disabledBackends: names.nullable().optional(),
    backendEntryPoints: names.nullable().optional(),
    extraPatches: names.nullable().optional(),
    pluginDirs: names.nullable().optional(),
    registerTimeoutMs: z.number().int().positive().max(600_000).nullable().optional(),
    ...flagPatch,
  })
  .strict();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' in the desktop app, 'browser' behind `coral serve`. */
  mode: z.enum(['electron', 'browser']),
  versions: z.record(z.string(), z.string()),
  platform: z.string(),
  arch: z.string(),
  dataDir: z.string(),
  /** Which optional domains have a service behind them (bench, runs, boards, diag). */
  services: z.array(z.string()),
});

export const appCommandSchema = z.object({
  command: z.enum(['open-model', 'export-report', 'navigate']),
  path: z.string().optional(),
  view: z.string().optional(),
});

// ---- drift checks: a mismatch with electron/runtime/types.ts is a compile error -------------
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
const sameShape = <T extends true>(_: T) => _;
sameShape<Same<z.infer<typeof logEntrySchema>, LogEntry>>(true);
sameShape<Same<z.infer<typeof diagnosticSchema>, Diagnostic>>(true);
sameShape<Same<z.infer<typeof adapterStateSchema>, AdapterState>>(true);
sameShape<Same<z.infer<typeof failureSchema>, Failure>>(true);
sameShape<Same<z.infer<typeof pluginInfoSchema>, PluginInfo>>(true);
sameShape<Same<z.infer<typeof patchStateSchema>, PatchState>>(true);
sameShape<Same<z.infer<typeof runtimeStateSchema>, RuntimeState>>(true);
sameShape<Same<z.infer<typeof runtimeConfigSchema>, RuntimeConfig>>(true);
