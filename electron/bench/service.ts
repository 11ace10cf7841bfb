import { CoralError, describeError, toCoralError, type CoralErrorShape } from '../runtime/errors';
import type { Logger } from '../runtime/types';
import {
  compareRecords,
  newRunId,
  type HistoryHandle,
  type ListQuery,
  type RunComparison,
} from './history';
import { LiveStats } from './live';
import { resolveBenchOptions } from './options';
import { runBench } from './runner';
import type {
  BenchEvent,
  BenchListener,
  BenchOptions,
  BenchSource,
  ModelRef,
  RunRecord,
} from './types';

export interface SourceRequest {
  model: string;
  target: string;
  options: BenchOptions;
  log: Logger;
}

/** What an adapter's factory hands the service: the source to run and what it will time. */
export interface PreparedSource {
  source: BenchSource;
  model: ModelRef;
  /** Overrides the requested target (e.g. a board alias resolved to its id). */
  target?: string;
  /** Stored with the run (adapter version, board probe, …); merged with the source's extra. */
  extra?: Record<string, unknown>;
}

/**
 * One per adapter. Validates the model for this adapter and throws a CoralError for bad input
 * (the run is then not started); everything that goes wrong later is the run's failure.
 */
export type SourceFactory = (req: SourceRequest) => Promise<PreparedSource>;

export interface BenchRequest {
  adapter: string;
  model: string;
  /** `local` (default) or a board id. */
  target?: string;
  /** Partial options; see benchOptionsSchema for defaults. */
  options?: unknown;
  label?: string;
}

export interface ActiveRun {
  runId: string;
  adapter: string;
  target: string;
  model: ModelRef;
  label?: string;
  startedAt: string;
  options: BenchOptions;
  count: number;
}

export interface HistoryStatus {
  /** Runs that end now will be saved. */
  saving: boolean;
  file: string | null;
  /** Why not, when not saving (flag off, database unusable). */
  reason?: CoralErrorShape;
}

export interface BenchServiceOptions {
  /** Adapter name → factory. See builtinSources() for the built-in ones. */
  sources: Record<string, SourceFactory>;
  /** The run history; null or a handle with store null → runs are not saved (and it says why). */
  history?: HistoryHandle | null;
  /** Current values of the flags that matter here; read at the start of each run. */
  flags?: () => { stream_manager: boolean; metric_sink: boolean };
  /**
   * Whether an adapter may be used now for a target (enabled in the runtime; a board target
   * does not need the local platform); a string says why not.
   */
  adapterGate?: (adapter: string, target: string) => true | string;
  log?: Logger;
  /** How many finished runs stay in memory for wait()/get() without the history. */
  recentLimit?: number;
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface RunState {
  info: ActiveRun;
  controller: AbortController;
  done: Promise<RunRecord>;
}

/**
 * The one entry point for benchmarks, shared by the IPC handlers and the CLI: start a run
 * (→ runId), follow it through events, cancel it, read the history. Runs never throw into the
 * caller after start(); they end as finished, failed or cancelled, and are saved when the
 * `metric_sink` flag is on and the history is usable.
 */
export class BenchService {
  private readonly sources = new Map<string, SourceFactory>();
  private readonly listeners = new Set<BenchListener>();
  private readonly runs = new Map<string, RunState>();
  private readonly recent = new Map<string, RunRecord>();
  private readonly log: Logger;
  private disposed = false;

  constructor(private readonly opts: BenchServiceOptions) {
    for (const [name, factory] of Object.entries(opts.sources)) this.sources.set(name, factory);
    this.log = opts.log ?? silentLog;
  }

  /** Adds an adapter's source factory (plugins, the RKNN adapter); returns its removal. */
  registerSource(adapter: string, factory: SourceFactory): { dispose(): void } {
    this.sources.set(adapter, factory);
    return {
      dispose: () => void (this.sources.get(adapter) === factory && this.sources.delete(adapter)),
    };
  }

  adapters(): string[] {
    return [...this.sources.keys()];
  }

  /** Listens to every run's events; returns the unsubscribe function. */
  subscribe(listener: BenchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  historyStatus(): HistoryStatus {
    const h = this.opts.history;
    const flags = this.opts.flags?.();
    if (flags && !flags.metric_sink) {
      return {
        saving: false,
        file: h?.file ?? null,
        reason: {
          code: 'METRIC_SINK_OFF',
          message: 'Runs are not saved: the flag metric_sink is off.',
          hint: 'Turn the flag on (CORAL_ENABLE_METRIC_SINK=1 or the Runtime view) to keep runs.',
        },
      };
    }
    if (!h?.store) {
      const reason: CoralErrorShape = h?.error?.toJSON() ?? {
        code: 'HISTORY_UNAVAILABLE',
        message: 'Runs are not saved: no run history is open.',
      };
      return {
        saving: false,
        file: h?.file ?? null,
        reason: { ...reason, message: `Runs are not saved: ${reason.message}` },
      };
    }
    return { saving: true, file: h.file };
  }

  /**
   * Validates the request and starts the run; resolves with its id once it is running.
   * Throws a CoralError for bad input (unknown adapter, bad options, unreadable model).
   */
  async start(req: BenchRequest): Promise<{ runId: string }> {
    if (this.disposed)
      throw new CoralError('BENCH_STOPPED', 'The benchmark service has been shut down.');
    const factory = this.sources.get(req.adapter);
    if (!factory) {
      throw new CoralError(
        'BENCH_UNKNOWN_ADAPTER',
        `No benchmark support for adapter "${req.adapter}".`,
        {
          hint: `Adapters that can benchmark: ${this.adapters().join(', ') || 'none'}.`,
        },
      );
    }
    const gate = this.opts.adapterGate?.(req.adapter, req.target ?? 'local') ?? true;
    if (gate !== true) {
      throw new CoralError(
        'BENCH_ADAPTER_UNAVAILABLE',
        `The ${req.adapter} backend cannot run now: ${gate}`,
        {
          hint: 'Enable it in the Runtime view or the configuration (disabledBackends).',
        },
      );
    }
    const options = resolveBenchOptions(req.options ?? {});
    const target = req.target ?? 'local';
    const prepared = await factory({ model: req.model, target, options, log: this.log });

    const runId = newRunId();
    const controller = new AbortController();
    const info: ActiveRun = {
      runId,
      adapter: req.adapter,
      target: prepared.target ?? target,
      model: prepared.model,
      startedAt: new Date().toISOString(),
      options,
      count: 0,
    };
    if (req.label) info.label = req.label;
    const flags = this.opts.flags?.() ?? { stream_manager: true, metric_sink: true };
    const history = this.historyStatus().saving ? (this.opts.history?.store ?? null) : null;
    let notSavedReason: CoralErrorShape | undefined = this.historyStatus().reason;
    if (history) {
      try {
        history.begin({ id: runId, ...info, ...(req.label ? { label: req.label } : {}) });
      } catch (e) {
        notSavedReason = toCoralError(e).toJSON();
        this.log.warn('bench', `Run ${runId} will not be saved: ${describeError(e)}`);
      }
    }

    this.emit({
      type: 'started',
      runId,
      adapter: info.adapter,
      target: info.target,
      model: info.model,
      options,
      startedAt: info.startedAt,
    });
    const live = new LiveStats();
    const done = runBench(prepared.source, options, {
      signal: controller.signal,
      stream: flags.stream_manager,
      onWarning: (m) => this.log.warn('bench', `${runId}: ${m}`),
      onBatch: (b) => {
        live.add(b.samples);
        info.count = b.total;
        this.emit({
          type: 'batch',
          runId,
          ...b,
          expected: options.iterations,
          live: live.summary(),
        });
      },
    }).then((outcome) => {
      const record: RunRecord = {
        id: runId,
        startedAt: info.startedAt,
        finishedAt: outcome.finishedAt,
        adapter: info.adapter,
        target: info.target,
        model: info.model,
        options,
        status: outcome.status,
        stats: outcome.stats,
        sampleCount: outcome.samples.length,
        warnings: outcome.warnings,
        extra: { ...prepared.extra, ...outcome.extra },
        samples: outcome.samples,
      };
      if (req.label) record.label = req.label;
      if (outcome.error) record.error = outcome.error;
      let saved = false;
      if (history && !notSavedReason) {
        try {
          history.save(record);
          saved = true;
        } catch (e) {
          notSavedReason = toCoralError(e).toJSON();
          this.log.warn('bench', `Run ${runId} was not saved: ${describeError(e)}`);
        }
      }
      this.runs.delete(runId);
      this.remember(record);
      const { samples: _omit, ...withoutSamples } = record;
      this.emit({
        type: 'finished',
        runId,
        record: withoutSamples,
        saved,
        ...(notSavedReason ? { notSavedReason } : {}),
      });
      const level = record.status === 'failed' ? 'warn' : 'info';
      this.log[level]('bench', `Run ${runId} ${record.status} (${record.sampleCount} samples)`);
      return record;
    });
    this.runs.set(runId, { info, controller, done });
    return { runId };
  }

  /** Cancels a running run (it ends as `cancelled`, keeping its samples). False if not running. */
  cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  /** The run's final record, samples included, once it ends. */
  async wait(runId: string): Promise<RunRecord> {
    const run = this.runs.get(runId);
    if (run) return run.done;
    const recent = this.recent.get(runId);
    if (recent) return recent;
    throw new CoralError('RUN_NOT_FOUND', `No run "${runId}" is running or recently finished.`);
  }

  active(): ActiveRun[] {
    return [...this.runs.values()].map((r) => ({ ...r.info }));
  }

  list(query: ListQuery = {}): RunRecord[] {
    return this.store().list(query);
  }

  /** A run by id (or unique prefix): this session's recent runs first, then the history. */
  get(id: string, opts: { samples?: boolean } = {}): RunRecord {
    const recent = this.recent.get(id);
    if (recent) {
      if (opts.samples) return recent;
      const { samples: _omit, ...rest } = recent;
      return rest;
    }
    return this.store().get(id, opts);
  }

  compare(a: string, b: string): RunComparison {
    return compareRecords(this.get(a), this.get(b));
  }

  /** Cancels every running run and waits for them to end (and be saved); closes the history. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const pending = [...this.runs.values()];
    for (const r of pending) r.controller.abort();
    await Promise.allSettled(pending.map((r) => r.done));
    this.listeners.clear();
    this.opts.history?.store?.close();
  }

  private store() {
    const h = this.opts.history;
    if (h?.store) return h.store;
    throw (
      h?.error ??
      new CoralError('HISTORY_UNAVAILABLE', 'No run history is open.', {
        hint: 'Runs are kept only while the app runs.',
      })
    );
  }

  private remember(record: RunRecord): void {
    this.recent.set(record.id, record);
    const limit = this.opts.recentLimit ?? 20;
    while (this.recent.size > limit) this.recent.delete(this.recent.keys().next().value as string);
  }

  private emit(event: BenchEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.error('bench', `A benchmark listener threw: ${describeError(e)}`);
      }
    }
  }
}
