/**
 * The IPC contract: every request route (zod schema of the request and of the response) and
 * every event, in one map with a section per domain. The main-side handler table, the Electron
 * preload, the web host and the renderer's typed client are all derived from it; nobody writes
 * a channel name by hand elsewhere. test/unit/ipc/contract.test.ts snapshots the whole surface,
 * so any widening shows up in review.
 *
 * Adding a domain: add its names to ROUTES in contract-core.ts, its section here (the type
 * checker insists on both), and its handlers in handlers.ts.
 */
import { z } from 'zod';
import {
  type ROUTES,
  type Channel,
  type Domain,
  type Envelope,
  type EventName,
  type IpcError,
} from './contract-core';
import {
  appCommandSchema,
  appInfoSchema,
  fieldInfoSchema,
  logEntrySchema,
  logLevelSchema,
  overridePatchSchema,
  overrideValuesSchema,
  runtimeConfigSchema,
  runtimeSnapshotSchema,
} from './schemas/runtime';
import {
  activeRunSchema,
  benchFinishedSchema,
  benchProgressSchema,
  benchStartedSchema,
  benchStartSchema,
  recordIdSchema,
  runComparisonSchema,
  benchInfoSchema,
  runIdSchema,
  runRecordSchema,
  runsListSchema,
  sampleModelSchema,
  uploadRequestSchema,
} from './schemas/bench';
import {
  rknnImportLogRequestSchema,
  rknnImportLogResultSchema,
  rknnCheckRequestSchema,
  rknnCheckResultSchema,
  rknnModelInfoSchema,
  rknnTargetSchema,
} from './schemas/rknn';
import {
  addBoardSchema,
  adbEventSchema,
  boardPromptSchema,
  boardRefSchema,
  boardStateEventSchema,
  boardTelemetryEventSchema,
  boardViewSchema,
  boardsListSchema,
  probeReportSchema,
  profileSchema,
  promptAnswerSchema,
  sshAliasSchema,
  startVirtualSchema,
  virtualBoardSchema,
} from './schemas/boards';
import {
  encodedReportSchema,
  reportExportSchema,
  reportOptionsSchema,
  reportPreviewSchema,
} from './schemas/diag';

export * from './contract-core';

export interface RouteDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** One line for the snapshot and for error messages. */
  summary: string;
  request: Req;
  response: Res;
  /**
   * Long work: the caller may pass a request id and later cancel it; the handler receives an
   * AbortSignal. Runs that outlive their request (bench.start) are cancelled by id instead.
   */
  cancellable?: boolean;
}

const route = <Req extends z.ZodType, Res extends z.ZodType>(d: RouteDef<Req, Res>) => d;
const none = z.object({}).strict();

export const contract = {
  app: {
    info: route({
      summary: 'App name, version, versions of its parts, mode (electron or browser)',
      request: none,
      response: appInfoSchema,
    }),
    pickModel: route({
      summary: "The desktop app's open dialog for a model file; null when the user cancels",
      request: none,
      response: z.object({ path: z.string().nullable() }),
    }),
  },
  runtime: {
    snapshot: route({
      summary: 'The current runtime state, resolved config, overrides and recent log',
      request: none,
      response: runtimeSnapshotSchema,
    }),
    reinit: route({
      summary: 'Re-runs reset() + init() with the current overrides',
      request: none,
      response: runtimeSnapshotSchema,
    }),
    log: route({
      summary: 'Log entries, newest last, optionally filtered by minimum level and text',
      request: z
        .object({
          level: logLevelSchema.optional(),
          text: z.string().max(500).optional(),
          limit: z.number().int().min(1).max(5000).default(1000),
        })
        .strict(),
      response: z.array(logEntrySchema),
    }),
  },
  config: {
    get: route({
      summary: 'The resolved configuration with sources, the overrides and field descriptions',
      request: none,
      response: z.object({
        config: runtimeConfigSchema,
        overrides: overrideValuesSchema,
        fields: z.array(fieldInfoSchema),
      }),
    }),
    apply: route({
      summary: 'Sets overrides (null removes one) and re-initialises the runtime',
      request: z.object({ patch: overridePatchSchema }).strict(),
      response: runtimeSnapshotSchema,
    }),
    reset: route({
      summary: 'Removes every override and re-initialises the runtime from env and file',
      request: none,
      response: runtimeSnapshotSchema,
    }),
  },
  models: {
    samples: route({
      summary: 'Bundled sample models (resources/models) that can be benchmarked',
      request: none,
      response: z.array(sampleModelSchema),
    }),
    upload: route({
      summary: 'Stores a model file chosen in the browser; returns its path on the main side',
      request: uploadRequestSchema,
      response: z.object({ path: z.string(), sizeBytes: z.number() }),
    }),
  },
  bench: {
    info: route({
      summary: 'Adapters that can benchmark, and whether finished runs are saved (and why not)',
      request: none,
      response: benchInfoSchema,
    }),
    start: route({
      summary: 'Starts a benchmark run in a worker; progress and the end arrive as events',
      request: benchStartSchema,
      response: z.object({ runId: z.string() }),
    }),
    cancel: route({
      summary: 'Cancels a running benchmark; it ends with status cancelled',
      request: runIdSchema,
      response: z.object({ cancelled: z.boolean() }),
    }),
    active: route({
      summary: 'Runs in progress (for a view opened while a run is going)',
      request: none,
      response: z.array(activeRunSchema),
    }),
  },
  runs: {
    list: route({
      summary: 'Runs from the history, newest first (without samples)',
      request: runsListSchema,
      response: z.array(runRecordSchema),
    }),
    show: route({
      summary: 'One run with its options, environment and every latency',
      request: recordIdSchema,
      response: runRecordSchema,
    }),
    compare: route({
      summary: 'Two runs side by side with relative differences',
      request: z
        .object({ a: z.string().trim().min(1).max(200), b: z.string().trim().min(1).max(200) })
        .strict(),
      response: runComparisonSchema,
    }),
  },
  boards: {
    list: route({
      summary:
        'Saved boards with their connection state, adb devices (while tracked), virtual boards and open prompts',
      request: none,
      response: boardsListSchema,
    }),
    add: route({
      summary: 'Saves a board by its target (ssh, ~/.ssh/config alias, adb); no secrets are saved',
      request: addBoardSchema,
      response: boardViewSchema,
    }),
    remove: route({
      summary: 'Disconnects and forgets a saved board (a virtual one is stopped)',
      request: boardRefSchema,
      response: z.object({ removed: z.literal(true) }),
    }),
    connect: route({
      summary:
        'Connects a saved board; host-key and password questions arrive as boards.prompt events',
      request: boardRefSchema,
      response: boardViewSchema,
      cancellable: true,
    }),
    disconnect: route({
      summary: "Closes a board's connection (and its telemetry)",
      request: boardRefSchema,
      response: boardViewSchema,
    }),
    probe: route({
      summary:
        'Probes a board in one round trip: SoC, board model, NPU, librknnrt, rknn_server, OS, CPU, memory, disk, temperatures',
      request: boardRefSchema,
      response: probeReportSchema,
      cancellable: true,
    }),
    answer: route({
      summary:
        'Answers a boards.prompt: a host key once/always/reject, or a password/passphrase (kept in memory only)',
      request: promptAnswerSchema,
      response: z.object({ answered: z.boolean() }),
    }),
    sshAliases: route({
      summary: 'Host aliases from ~/.ssh/config, offered by the add-board form',
      request: none,
      response: z.array(sshAliasSchema),
    }),
    profiles: route({
      summary: 'The shipped virtual-board profiles (RK3588, RK3566, RV1106 boards)',
      request: none,
      response: z.array(profileSchema),
    }),
    startVirtual: route({
      summary: 'Starts a virtual board from a shipped profile and saves it (labelled virtual)',
      request: startVirtualSchema,
      response: z.object({ virtual: virtualBoardSchema, board: boardViewSchema }),
    }),
    stopVirtual: route({
      summary: 'Stops a running virtual board (its saved entry stays, to start again)',
      request: z.object({ id: z.string().trim().min(1).max(100) }).strict(),
      response: z.object({ stopped: z.literal(true) }),
    }),
  },
  rknn: {
    targets: route({
      summary: 'Where a .rknn model can run: this machine (and why not) and the saved boards',
      request: none,
      response: z.array(rknnTargetSchema),
    }),
    inspect: route({
      summary: 'A .rknn model: toolkit version, target platforms, tensors, size, sha256',
      request: z.object({ model: z.string().trim().min(1).max(4096) }).strict(),
      response: rknnModelInfoSchema,
    }),
    check: route({
      summary:
        'Will the model run on the target? A board is probed (SoC, librknnrt, rknn_benchmark); nothing is pushed',
      request: rknnCheckRequestSchema,
      response: rknnCheckResultSchema,
      cancellable: true,
    }),
    importLog: route({
      summary: 'A saved rknn_benchmark output (the file as uploaded) becomes a run in the history',
      request: rknnImportLogRequestSchema,
      response: rknnImportLogResultSchema,
    }),
  },
  diag: {
    preview: route({
      summary: 'Builds a redacted diagnostic report: its JSON, its HTML and an id to export it',
      request: reportOptionsSchema,
      response: reportPreviewSchema,
    }),
    export: route({
      summary: 'The bytes of a report (a preview by id, else a fresh one) as zip, json or html',
      request: reportExportSchema,
      response: encodedReportSchema,
    }),
  },
} satisfies {
  [D in Domain]: { [M in (typeof ROUTES)[D][number]]: RouteDef };
};

/** Every event with its payload schema (used for documentation, the snapshot and tests). */
export const events = {
  'runtime.changed': {
    summary: 'After every init (Apply, Reset, reinit): the new snapshot',
    payload: runtimeSnapshotSchema,
  },
  'runtime.log': { summary: 'Each new runtime log entry', payload: logEntrySchema },
  'bench.started': {
    summary: 'A benchmark run started (from this window, another one, or the CLI host)',
    payload: benchStartedSchema,
  },
  'bench.progress': {
    summary: 'A batch of latencies of a running benchmark (~20 per second)',
    payload: benchProgressSchema,
  },
  'bench.finished': {
    summary: 'A run ended: completed, cancelled or failed, with final statistics',
    payload: benchFinishedSchema,
  },
  'app.command': {
    summary: 'A menu command for the page (open model, export report, go to a view)',
    payload: appCommandSchema,
  },
  'boards.changed': {
    summary: 'The saved boards changed (added, removed, connected, probed …): the new list',
    payload: z.object({ boards: z.array(boardViewSchema) }),
  },
  'boards.state': {
    summary: "A board's connection state changed (with the error and the reconnect attempt)",
    payload: boardStateEventSchema,
  },
  'boards.prompt': {
    summary:
      'A board connection waits on a question: an unknown host key, a password, a passphrase',
    payload: boardPromptSchema,
  },
  'boards.promptClosed': {
    summary: 'A question was answered (here or in another window) or timed out',
    payload: z.object({ id: z.string() }),
  },
  'boards.telemetry': {
    summary:
      'Live telemetry of connected boards at 1 Hz; watching runs only while some page listens',
    payload: boardTelemetryEventSchema,
  },
  'boards.adb': {
    summary:
      'adb devices as they come and go, with each state explained; tracked while listened to',
    payload: adbEventSchema,
  },
  'boards.virtual': {
    summary: 'The running virtual boards changed',
    payload: z.object({ boards: z.array(virtualBoardSchema) }),
  },
} satisfies Record<EventName, { summary: string; payload: z.ZodType }>;

type Contract = typeof contract;

export type RouteOf<C extends Channel> = C extends `${infer D}.${infer M}`
  ? D extends keyof Contract
    ? M extends keyof Contract[D]
      ? Contract[D][M]
      : never
    : never
  : never;

/** What the caller passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<
  RouteOf<C> extends RouteDef<infer R> ? R : never
>;
/** What the handler receives after validation (defaults filled in). */
export type ParsedRequestOf<C extends Channel> = z.output<
  RouteOf<C> extends RouteDef<infer R> ? R : never
>;
export type ResponseOf<C extends Channel> = z.output<
  RouteOf<C> extends RouteDef<z.ZodType, infer S> ? S : never
>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]['payload']>;

export type RuntimeSnapshot = z.output<typeof runtimeSnapshotSchema>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type FieldInfo = z.output<typeof fieldInfoSchema>;
export type OverridePatch = z.output<typeof overridePatchSchema>;
export type SampleModel = z.output<typeof sampleModelSchema>;
export type RunRecord = z.output<typeof runRecordSchema>;
export type ActiveRun = z.output<typeof activeRunSchema>;
export type RunComparison = z.output<typeof runComparisonSchema>;
export type BenchInfo = z.output<typeof benchInfoSchema>;
export type BenchStarted = z.output<typeof benchStartedSchema>;
export type BenchProgress = z.output<typeof benchProgressSchema>;
export type BenchFinished = z.output<typeof benchFinishedSchema>;
export type AppCommand = z.output<typeof appCommandSchema>;
export type ReportPreview = z.output<typeof reportPreviewSchema>;
export type ReportOptionsRequest = z.output<typeof reportOptionsSchema>;
export type RknnTarget = z.output<typeof rknnTargetSchema>;
export type RknnCheck = z.output<typeof rknnCheckResultSchema>;
export type RknnModelInfo = z.output<typeof rknnModelInfoSchema>;
export type BoardInfo = z.output<typeof boardViewSchema>;
export type BoardsList = z.output<typeof boardsListSchema>;
export type ProbeReport = z.output<typeof probeReportSchema>;
export type BoardPrompt = z.output<typeof boardPromptSchema>;
export type PromptAnswer = z.input<typeof promptAnswerSchema>;
export type BoardTelemetry = z.output<typeof boardTelemetryEventSchema>;
export type AdbEvent = z.output<typeof adbEventSchema>;
export type VirtualBoard = z.output<typeof virtualBoardSchema>;
export type BoardProfile = z.output<typeof profileSchema>;
export type SshAlias = z.output<typeof sshAliasSchema>;
export type { Channel, Domain, Envelope, EventName, IpcError };

/** The route definition of a channel name (undefined for names not in the contract). */
export function routeOf(channel: string): RouteDef | undefined {
  const dot = channel.indexOf('.');
  if (dot < 0) return undefined;
  const section = (contract as Record<string, Record<string, RouteDef>>)[channel.slice(0, dot)];
  const def =
    section && Object.hasOwn(section, channel.slice(dot + 1))
      ? section[channel.slice(dot + 1)]
      : undefined;
  return def;
}

/** The typed client surface: `client.runtime.snapshot()`, `client.config.apply({patch})`. */
export type ClientApi = {
  [D in Domain]: {
    [M in (typeof ROUTES)[D][number]]: (
      // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- {} = every field optional
      ...args: {} extends RequestOf<`${D}.${M}` & Channel>
        ? [payload?: RequestOf<`${D}.${M}` & Channel>, options?: { signal?: AbortSignal }]
        : [payload: RequestOf<`${D}.${M}` & Channel>, options?: { signal?: AbortSignal }]
    ) => Promise<ResponseOf<`${D}.${M}` & Channel>>;
  };
};
