import { CoralError } from '../runtime/errors';
import type { LogEntry, RuntimeConfig, RuntimeState } from '../runtime/types';
import type { RedactionKind } from './schema';

/**
 * What the report builder reads. Each section has a small provider interface that hands over
 * plain data; the rooms that own the data (runtime, run history, boards, native addon) are
 * adapted to these in sources.ts. A provider may throw or hang: the builder turns that into
 * an `error` section (with a timeout), never a failed export. A missing provider makes its
 * section `unavailable`.
 */

/**
 * Thrown by a provider whose data does not exist here (no run history yet, no board store):
 * the section becomes `unavailable` with this message, not an error.
 */
export class SectionUnavailable extends CoralError {
  constructor(reason: string) {
    super('DIAG_SECTION_UNAVAILABLE', reason);
    this.name = 'SectionUnavailable';
  }
}

export interface ProviderCall {
  /** Aborted when the section's time is up; long work should stop. */
  signal: AbortSignal;
}

export interface RuntimeSnapshot {
  config: RuntimeConfig;
  state: RuntimeState;
  /** The whole log; the builder keeps the last N entries. */
  log: LogEntry[];
}

export interface RuntimeSectionProvider {
  snapshot(call: ProviderCall): RuntimeSnapshot | Promise<RuntimeSnapshot>;
}

export interface BoardErrorInput {
  time?: string | null;
  code?: string | null;
  message: string;
  hint?: string;
}

export interface CompatVerdictInput {
  /** What was checked: a model file, a toolkit version. */
  subject: string;
  /** e.g. ok / warn / incompatible. */
  verdict: string;
  message: string;
  detail?: unknown;
}

export interface BoardInput {
  id: string;
  name: string;
  /** The target as saved (`ssh://user@host:22`, `adb:SERIAL`); credentials are redacted. */
  target: string;
  transport?: string | null;
  /** The connection right now (connected, idle, reconnecting …), when known. */
  state?: string | null;
  /** Identifying facts for --anonymize (the builder also parses them from `target`). */
  host?: string | null;
  user?: string | null;
  serial?: string | null;
  probe?: { time?: string | null; result: unknown } | null;
  telemetry?: { time?: string | null; values: unknown } | null;
  errors?: BoardErrorInput[];
  compat?: CompatVerdictInput[];
}

export interface BoardsSectionProvider {
  /** Known boards with what is already stored about them (last probe, telemetry, errors). */
  boards(call: ProviderCall): BoardInput[] | Promise<BoardInput[]>;
  /**
   * Optional fresh details fetched at export time (a live probe, current telemetry). Called per
   * board with its own timeout; a board that cannot be reached gets an `error` in its entry and
   * keeps its stored data.
   */
  refresh?(
    board: BoardInput,
    call: ProviderCall,
  ): Partial<BoardInput> | Promise<Partial<BoardInput>>;
}

export interface StatInput {
  key: string;
  label?: string;
  /** ms, /s, B or '' */
  unit?: string;
  value: number | null | undefined;
}

export interface RunInput {
  id: string;
  label?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  backend: string;
  model: string;
  modelInfo?: unknown;
  /** The board target, or null / 'local' for a local run. */
  target?: string | null;
  status: string;
  options?: unknown;
  /**
   * Statistics: rows with units, or a record (keys ending in Ms are milliseconds).
   */
  stats?: StatInput[] | Record<string, number | null | undefined>;
  /** Latency per iteration in ms; decimated by the builder. */
  latencyMs?: ArrayLike<number>;
  warnings?: string[];
  extra?: unknown;
  error?: string | { code?: string | null; message: string; hint?: string };
}

export interface RunsSectionProvider {
  /** The last `limit` runs, newest first, and the total number stored when known. */
  runs(limit: number, call: ProviderCall): RunsPage | Promise<RunsPage>;
}

export interface RunsPage {
  runs: RunInput[];
  total?: number | null;
}

export interface VersionProbe {
  version: string | null;
  path?: string;
  error?: string;
}

export interface NativeInfo {
  nativeAddon?: VersionProbe;
  librknnrt?: VersionProbe;
}

export interface NativeInfoProvider {
  info(call: ProviderCall): NativeInfo | Promise<NativeInfo>;
}

export interface KnownSecret {
  value: string;
  kind: RedactionKind;
}

export interface ReportSources {
  runtime?: RuntimeSectionProvider;
  boards?: BoardsSectionProvider;
  runs?: RunsSectionProvider;
  native?: NativeInfoProvider;
  /**
   * Secrets the app holds right now and that must not appear anywhere: the web host's token,
   * passwords typed into ssh prompts this session. Replaced wherever they occur.
   */
  secrets?: () => KnownSecret[];
  /** The process environment: values of secret-named variables are scrubbed everywhere. */
  env?: NodeJS.ProcessEnv;
  /** process.versions (Electron adds electron and chrome). */
  versions?: NodeJS.ProcessVersions | Record<string, string | undefined>;
}
