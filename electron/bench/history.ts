import path from 'node:path';
import { CoralError, toCoralError } from '../runtime/errors';
import { DB_FILE, openDatabase, type Database } from '../runtime/database';
import type { CoralErrorShape } from '../runtime/errors';
import {
  HISTORY_MIGRATIONS,
  decodeSamples,
  emptyStats,
  encodeSamples,
  SAMPLES_CODEC,
} from './history-schema';
import { STAT_ROWS } from './stats';
import type { BenchOptions, BenchStats, FinalStatus, ModelRef, RunRecord } from './types';

export {
  HISTORY_MIGRATIONS,
  SAMPLES_CODEC,
  decodeSamples,
  emptyStats,
  encodeSamples,
} from './history-schema';

export interface ListQuery {
  limit?: number;
  offset?: number;
  adapter?: string;
  target?: string;
  /** A sha256 (or its prefix) of the model. */
  modelSha256?: string;
  status?: FinalStatus;
}

export interface RunComparison {
  a: RunRecord;
  b: RunRecord;
  /** Same model bytes (sha256)? Comparing different models is allowed but flagged. */
  sameModel: boolean;
  rows: Array<{
    key: keyof BenchStats;
    label: string;
    unit: string;
    a: number | null;
    b: number | null;
    /** b / a (below 1: b has the smaller value); null when either is missing or a is 0. */
    ratio: number | null;
  }>;
}

interface Row {
  id: string;
  label: string | null;
  started_at: string;
  finished_at: string | null;
  adapter: string;
  target: string;
  model_path: string;
  model_sha256: string;
  model_size: number;
  model_format: string;
  options: string;
  status: FinalStatus | 'running';
  stats: string | null;
  sample_count: number;
  samples?: Buffer | null;
  samples_codec?: string | null;
  error: string | null;
  warnings: string;
  extra: string;
}

/** A new run id: sortable by time, short enough to type (`runs show 20250301-1412`). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const rand = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${stamp}-${rand}`;
}

function processAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Maps a SQLite failure during a read or write to the house's error codes. */
function dbError(file: string, action: string, e: unknown): CoralError {
  if (e instanceof CoralError) return e;
  const code = String((e as { code?: string }).code ?? '');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new CoralError(
      'DB_LOCKED',
      `Could not ${action}: the database ${file} is locked by another process.`,
      {
        hint: 'Close other Coral Studio windows or CLI runs, then try again.',
        cause: e,
      },
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new CoralError('DB_CORRUPT', `Could not ${action}: the database ${file} is damaged.`, {
      hint: 'Move the file aside (it is kept as is) and restart; a new one will be created.',
      cause: e,
    });
  }
  return new CoralError(
    'DB_WRITE_FAILED',
    `Could not ${action} in ${file}: ${(e as Error).message}`,
    {
      hint: 'Check free disk space and that the data directory is writable (CORAL_DATA_DIR).',
      cause: e,
    },
  );
}

/**
 * The run history (SQLite room `history` in `<dataDir>/coral.db`). A run is written when it
 * starts (status `running`) and completed when it ends, so a run cut short by a crash or a
 * closed app is found and marked `interrupted` the next time the store opens.
 */
export class HistoryStore {
  private constructor(
    readonly file: string,
    private readonly db: Database,
  ) {}

  /** Opens (creating or migrating) the store; throws DB_CORRUPT / DB_LOCKED / DB_OPEN_FAILED. */
  static open(file: string): HistoryStore {
    const store = new HistoryStore(file, openDatabase(file, [HISTORY_MIGRATIONS]));
    store.markInterrupted();
    return store;
  }

  static fileIn(dataDir: string): string {
    return path.join(dataDir, DB_FILE);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private markInterrupted(): void {
    const rows = this.db
      .prepare("SELECT id, owner_pid FROM runs WHERE status = 'running'")
      .all() as Array<{ id: string; owner_pid: number | null }>;
    const mark = this.db.prepare(
      "UPDATE runs SET status = 'interrupted', finished_at = COALESCE(finished_at, ?) WHERE id = ? AND status = 'running'",
    );
    for (const r of rows) {
      if (r.owner_pid !== process.pid && !processAlive(r.owner_pid)) {
        mark.run(new Date().toISOString(), r.id);
      }
    }
  }

  /** Records a run that just started (status `running`). */
  begin(run: {
    id: string;
    label?: string;
    startedAt: string;
    adapter: string;
    target: string;
    model: ModelRef;
    options: BenchOptions;
  }): void {
    try {
      this.db
        .prepare(
          `INSERT INTO runs (id, label, started_at, adapter, target, model_path, model_sha256, model_size,
             model_format, options, status, owner_pid)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
        )
        .run(
          run.id,
          run.label ?? null,
          run.startedAt,
          run.adapter,
          run.target,
          run.model.path,
          run.model.sha256,
          run.model.size,
          run.model.format,
          JSON.stringify(run.options),
          process.pid,
        );
    } catch (e) {
      throw dbError(this.file, `record run ${run.id}`, e);
    }
  }

  /** Saves a finished, failed or cancelled run (inserting it if begin() was not called). */
  save(record: RunRecord): void {
    const samples = record.samples ?? new Float64Array(0);
    try {
      this.db
        .prepare(
          `INSERT INTO runs (id, label, started_at, finished_at, adapter, target, model_path, model_sha256,
             model_size, model_format, options, status, stats, sample_count, samples, samples_codec, error,
             warnings, extra, owner_pid)
           VALUES (@id, @label, @started_at, @finished_at, @adapter, @target, @model_path, @model_sha256,
             @model_size, @model_format, @options, @status, @stats, @sample_count, @samples, @samples_codec,
             @error, @warnings, @extra, NULL)
           ON CONFLICT (id) DO UPDATE SET
             finished_at = excluded.finished_at, status = excluded.status, stats = excluded.stats,
             sample_count = excluded.sample_count, samples = excluded.samples,
             samples_codec = excluded.samples_codec, error = excluded.error,
             warnings = excluded.warnings, extra = excluded.extra, owner_pid = NULL`,
        )
        .run({
          id: record.id,
          label: record.label ?? null,
          started_at: record.startedAt,
          finished_at: record.finishedAt,
          adapter: record.adapter,
          target: record.target,
          model_path: record.model.path,
          model_sha256: record.model.sha256,
          model_size: record.model.size,
          model_format: record.model.format,
          options: JSON.stringify(record.options),
          status: record.status,
          stats: JSON.stringify(record.stats),
          sample_count: samples.length,
          samples: encodeSamples(samples),
          samples_codec: SAMPLES_CODEC,
          error: record.error ? JSON.stringify(record.error) : null,
          warnings: JSON.stringify(record.warnings),
          extra: JSON.stringify(record.extra),
        });
    } catch (e) {
      throw dbError(this.file, `save run ${record.id}`, e);
    }
  }

  /** Runs, newest first, without their samples. */
  list(query: ListQuery = {}): RunRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    if (query.adapter) filter('adapter = ?', query.adapter);
    if (query.target) filter('target = ?', query.target);
    if (query.status) filter('status = ?', query.status);
    if (query.modelSha256) filter('model_sha256 LIKE ?', `${query.modelSha256}%`);
    const sql = `SELECT id, label, started_at, finished_at, adapter, target, model_path, model_sha256, model_size,
        model_format, options, status, stats, sample_count, error, warnings, extra
      FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`;
    try {
      const rows = this.db
        .prepare(sql)
        .all(...params, query.limit ?? 100, query.offset ?? 0) as Row[];
      return rows.map((r) => this.toRecord(r));
    } catch (e) {
      throw dbError(this.file, 'list runs', e);
    }
  }

  /** One run by id or unique id prefix; with `samples: true` its latencies too. */
  get(idOrPrefix: string, opts: { samples?: boolean } = {}): RunRecord {
    let rows: Row[];
    try {
      rows = this.db
        .prepare(
          `SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id = ? DESC LIMIT 2`,
        )
        .all(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, idOrPrefix) as Row[];
    } catch (e) {
      throw dbError(this.file, `read run ${idOrPrefix}`, e);
    }
    if (rows.length === 0 || !idOrPrefix.trim()) {
      throw new CoralError(
        'RUN_NOT_FOUND',
        `No run "${idOrPrefix}" in the history (${this.file}).`,
        {
          hint: '`coral runs list` shows the ids of stored runs.',
        },
      );
    }
    if (rows.length > 1 && rows[0].id !== idOrPrefix) {
      throw new CoralError(
        'RUN_AMBIGUOUS',
        `"${idOrPrefix}" matches more than one run (${rows[0].id}, ${rows[1].id}, …).`,
        {
          hint: 'Give more characters of the id.',
        },
      );
    }
    return this.toRecord(rows[0], opts.samples ?? false);
  }

  compare(idA: string, idB: string): RunComparison {
    const a = this.get(idA);
    const b = this.get(idB);
    return compareRecords(a, b);
  }

  delete(id: string): boolean {
    try {
      return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
    } catch (e) {
      throw dbError(this.file, `delete run ${id}`, e);
    }
  }

  private toRecord(r: Row, withSamples = false): RunRecord {
    const parse = <T>(text: string | null, fallback: T): T => {
      if (text === null) return fallback;
      try {
        return JSON.parse(text) as T;
      } catch {
        return fallback;
      }
    };
    const record: RunRecord = {
      id: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at ?? r.started_at,
      adapter: r.adapter,
      target: r.target,
      model: {
        path: r.model_path,
        sha256: r.model_sha256,
        size: r.model_size,
        format: r.model_format,
      },
      options: parse<BenchOptions>(r.options, {} as BenchOptions),
      // 'running': in progress in a live process (another window or a CLI run).
      status: r.status,
      stats: parse<BenchStats>(r.stats, emptyStats()),
      sampleCount: r.sample_count,
      warnings: parse<string[]>(r.warnings, []),
      extra: parse<Record<string, unknown>>(r.extra, {}),
    };
    if (r.label) record.label = r.label;
    const error = parse<CoralErrorShape | null>(r.error, null);
    if (error) record.error = error;
    if (withSamples) {
      record.samples = r.samples ? decodeSamples(r.samples, r.samples_codec) : new Float64Array(0);
    }
    return record;
  }
}

export function compareRecords(a: RunRecord, b: RunRecord): RunComparison {
  return {
    a,
    b,
    sameModel: a.model.sha256 === b.model.sha256,
    rows: STAT_ROWS.map(({ key, label, unit }) => {
      const va = a.stats[key];
      const vb = b.stats[key];
      return {
        key,
        label,
        unit,
        a: va,
        b: vb,
        ratio: va !== null && vb !== null && va !== 0 ? vb / va : null,
      };
    }),
  };
}

export interface HistoryHandle {
  store: HistoryStore | null;
  file: string;
  /** Why the store could not be opened (the app goes on without saving runs). */
  error?: CoralError;
}

/**
 * Opens the history for a data directory without ever throwing: a corrupted or locked
 * database yields `{ store: null, error }` so the caller can say "runs are not saved" and go on.
 */
export function openHistory(dataDir: string): HistoryHandle {
  const file = HistoryStore.fileIn(dataDir);
  try {
    return { store: HistoryStore.open(file), file };
  } catch (e) {
    return { store: null, file, error: toCoralError(e, 'DB_OPEN_FAILED') };
  }
}
