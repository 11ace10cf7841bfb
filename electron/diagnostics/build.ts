import os from 'node:os';
import type { z } from 'zod';
import { CoralError, toCoralError } from '../runtime/errors';
import { collectHeader } from './header';
import {
  SectionUnavailable,
  type BoardInput,
  type NativeInfo,
  type ProviderCall,
  type ReportSources,
  type RuntimeSnapshot,
} from './providers';
import { Redactor } from './redact';
import { secretKindOfName } from './patterns';
import { toJsonSafe, truncateStrings } from './sanitize';
import {
  REPORT_KIND,
  REPORT_SCHEMA_VERSION,
  SECTION_NAMES,
  boardsDataSchema,
  logDataSchema,
  reportSchema,
  runsDataSchema,
  runtimeDataSchema,
  type DiagnosticReport,
  type RedactionSummary,
  type SectionError,
  type SectionName,
} from './schema';
import { boardIdentifiers, convertBoard, convertLog, convertRun, convertRuntime } from './convert';

export interface ReportOptions {
  /** Section toggles; every section is on unless set to false. The header is always there. */
  sections?: Partial<Record<SectionName, boolean>>;
  /** How many of the most recent runs to include (default 10). */
  runs?: number;
  /** How many of the most recent log entries to include (default 200). */
  log?: number;
  /** Replace host names, IPs, serials and user names with host-1, ip-1 … (default off). */
  anonymize?: boolean;
  /** Replace secrets (default on). Only for local debugging; the report says when it is off. */
  redact?: boolean;
  /** Time allowed to each section's source (default 10 s). */
  timeoutMs?: number;
  /** Time allowed to each board's live refresh (default 5 s). */
  boardTimeoutMs?: number;
  /** The report's time (tests pin it). */
  now?: Date;
  /** The home directory shown as `~` (default os.homedir()). */
  homeDir?: string | null;
}

export const DEFAULT_RUNS = 10;
export const DEFAULT_LOG = 200;

export interface BuiltReport {
  /** The report as plain JSON data, validated against reportSchema; what report.json holds. */
  json: DiagnosticReport;
  redactionSummary: RedactionSummary;
}

type RawSection =
  | { status: 'ok'; data: unknown }
  | { status: 'error'; error: SectionError }
  | { status: 'unavailable'; reason: string }
  | { status: 'omitted' };

function sectionError(e: unknown): SectionError {
  if (e instanceof SectionUnavailable) return { code: e.code, message: e.message };
  const err = toCoralError(e, 'DIAG_SECTION_FAILED');
  return err.hint
    ? { code: err.code, message: err.message, hint: err.hint }
    : { code: err.code, message: err.message };
}

/** Runs one source with a deadline; the timer never outlives the call. */
export async function withDeadline<T>(
  label: string,
  ms: number,
  fn: (call: ProviderCall) => T | Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new CoralError('DIAG_SECTION_TIMEOUT', `${label} did not answer within ${ms} ms`, {
          hint: 'The rest of the report was written; check that the source (board, database) is reachable and export again.',
        }),
      );
    }, ms);
  });
  try {
    return await Promise.race([
      Promise.resolve().then(() => fn({ signal: controller.signal })),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function nonNegativeInt(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 0) {
    throw new CoralError(
      'DIAG_BAD_OPTION',
      `${name} must be a whole number ≥ 0, got ${String(v)}`,
      {
        hint: `Pass e.g. ${name}=${fallback}.`,
      },
    );
  }
  return v;
}

/**
 * Builds a diagnostic report from whatever sources exist. Never fails because a source
 * failed: that section carries the error instead. Throws only on bad options.
 */
export async function buildReport(
  sources: ReportSources,
  options: ReportOptions = {},
): Promise<BuiltReport> {
  const runsLimit = nonNegativeInt('runs', options.runs, DEFAULT_RUNS);
  const logLimit = nonNegativeInt('log', options.log, DEFAULT_LOG);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const boardTimeoutMs = options.boardTimeoutMs ?? 5_000;
  const enabled = Object.fromEntries(
    SECTION_NAMES.map((s) => [s, options.sections?.[s] !== false]),
  ) as Record<SectionName, boolean>;
  const now = options.now ?? new Date();

  const redactor = new Redactor({
    redact: options.redact ?? true,
    anonymize: options.anonymize ?? false,
    homeDir: options.homeDir === undefined ? os.homedir() : options.homeDir,
  });

  // Gather every source at once; each failure stays inside its own section.
  const settle = async <T>(label: string, fn: (call: ProviderCall) => T | Promise<T>) => {
    try {
      return { ok: true as const, value: await withDeadline(label, timeoutMs, fn) };
    } catch (e) {
      return { ok: false as const, error: sectionError(e) };
    }
  };
  const wantSnapshot = enabled.runtime || enabled.log;
  const [native, snapshot, boards, runs] = await Promise.all([
    sources.native ? settle('native addon info', (c) => sources.native!.info(c)) : undefined,
    wantSnapshot && sources.runtime
      ? settle('runtime', (c) => sources.runtime!.snapshot(c))
      : undefined,
    enabled.boards && sources.boards
      ? settle('boards', (c) => gatherBoards(sources, c, boardTimeoutMs))
      : undefined,
    enabled.runs && sources.runs && runsLimit > 0
      ? settle('run history', (c) => sources.runs!.runs(runsLimit, c))
      : undefined,
  ]);

  const nativeInfo: NativeInfo | undefined = native
    ? native.ok
      ? native.value
      : { nativeAddon: { version: null, error: native.error.message } }
    : undefined;
  const header = collectHeader({
    now,
    versions: { ...(sources.versions ?? process.versions) },
    native: nativeInfo,
  });

  // Secrets and identifiers we know by name, before looking at any text.
  for (const s of sources.secrets?.() ?? []) redactor.addSecret(s.value, s.kind);
  for (const [name, value] of Object.entries(sources.env ?? {})) {
    const kind = secretKindOfName(name);
    if (kind && value) redactor.addSecret(value, kind);
  }
  redactor.addIdentifier('host', header.hostname);
  redactor.addIdentifier('user', safeUsername());

  const body: Record<string, RawSection | unknown> = { header };
  body.runtime = !enabled.runtime
    ? { status: 'omitted' }
    : fromSettled(snapshot, 'No runtime was started for this report.', (s: RuntimeSnapshot) =>
        convertRuntime(s),
      );
  body.log = !enabled.log
    ? { status: 'omitted' }
    : fromSettled(snapshot, 'No runtime log is available.', (s: RuntimeSnapshot) =>
        convertLog(s.log, logLimit),
      );
  body.boards = !enabled.boards
    ? { status: 'omitted' }
    : fromSettled(boards, 'No board store is available.', (list: GatheredBoard[]) => {
        for (const b of list)
          for (const id of boardIdentifiers(b.input)) redactor.addIdentifier(id.kind, id.value);
        return { boards: list.map((b) => convertBoard(b.input, b.error)) };
      });
  body.runs = !enabled.runs
    ? { status: 'omitted' }
    : runsLimit === 0
      ? { status: 'ok', data: { total: null, runs: [] } }
      : fromSettled(
          runs,
          'No run history is available.',
          (page: { runs: unknown[]; total?: number | null }) => ({
            total: page.total ?? null,
            runs: (page.runs as Parameters<typeof convertRun>[0][])
              .slice(0, runsLimit)
              .map(convertRun),
          }),
        );

  const safe = toJsonSafe(body, { maxDepth: 12 });
  redactor.collect(safe);
  const redacted = truncateStrings(redactor.redact(safe)) as Record<string, unknown>;

  const report = {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    options: { sections: enabled, runs: runsLimit, log: logLimit },
    header: redacted.header,
    redaction: redactor.summary(),
    runtime: validated(redacted.runtime, runtimeDataSchema),
    log: validated(redacted.log, logDataSchema),
    boards: validated(redacted.boards, boardsDataSchema),
    runs: validated(redacted.runs, runsDataSchema),
  };
  const json = reportSchema.parse(report);
  return { json, redactionSummary: json.redaction };
}

interface GatheredBoard {
  input: BoardInput;
  error?: SectionError;
}

async function gatherBoards(
  sources: ReportSources,
  call: ProviderCall,
  boardTimeoutMs: number,
): Promise<GatheredBoard[]> {
  const provider = sources.boards!;
  const list = await provider.boards(call);
  if (!provider.refresh) return list.map((input) => ({ input }));
  return Promise.all(
    list.map(async (input): Promise<GatheredBoard> => {
      try {
        const fresh = await withDeadline(`board ${input.name}`, boardTimeoutMs, (c) =>
          provider.refresh!(input, c),
        );
        return {
          input: { ...input, ...fresh, errors: [...(input.errors ?? []), ...(fresh.errors ?? [])] },
        };
      } catch (e) {
        return { input, error: sectionError(e) };
      }
    }),
  );
}

function fromSettled<T>(
  settled: { ok: true; value: T } | { ok: false; error: SectionError } | undefined,
  unavailable: string,
  convert: (value: T) => unknown,
): RawSection {
  if (!settled) return { status: 'unavailable', reason: unavailable };
  if (!settled.ok) {
    return settled.error.code === 'DIAG_SECTION_UNAVAILABLE'
      ? { status: 'unavailable', reason: settled.error.message }
      : { status: 'error', error: settled.error };
  }
  try {
    return { status: 'ok', data: convert(settled.value) };
  } catch (e) {
    return { status: 'error', error: sectionError(e) };
  }
}

/** A section whose data does not fit the schema becomes an error section, not a failed export. */
function validated(section: unknown, schema: z.ZodType): unknown {
  const s = section as RawSection;
  if (s.status !== 'ok') return s;
  const result = schema.safeParse(s.data);
  if (result.success) return { status: 'ok', data: result.data };
  const first = result.error.issues[0];
  return {
    status: 'error',
    error: {
      code: 'DIAG_SECTION_INVALID',
      message: `The source gave data that does not fit the report schema at ${first.path.join('.') || '(root)'}: ${first.message}`,
      hint: 'This is a bug in Coral Studio; please attach this report to the issue.',
    },
  };
}

function safeUsername(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}
