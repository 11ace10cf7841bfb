import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HISTORY_MIGRATIONS,
  type HistoryStore,
  encodeSamples,
  newRunId,
  openHistory,
  SAMPLES_CODEC,
} from '../../../electron/bench/history';
import { resolveBenchOptions } from '../../../electron/bench/options';
import { computeStats } from '../../../electron/bench/stats';
import type { RunRecord } from '../../../electron/bench/types';
import { openDatabase } from '../../../electron/runtime/database';

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

let dir: string;
let opened: HistoryStore[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-history-'));
  opened = [];
});
afterEach(() => {
  for (const s of opened) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(): HistoryStore {
  const h = openHistory(dir);
  if (!h.store) throw h.error;
  opened.push(h.store);
  return h.store;
}

function record(over: Partial<RunRecord> = {}): RunRecord {
  const samples = Float64Array.from({ length: 500 }, (_, i) => 1 + Math.sin(i) * 0.25);
  return {
    id: newRunId(),
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    adapter: 'onnx',
    target: 'local',
    model: { path: '/models/a.onnx', sha256: 'ab'.repeat(32), size: 1234, format: 'onnx' },
    options: resolveBenchOptions({ iterations: 500 }),
    status: 'finished',
    stats: computeStats(samples),
    sampleCount: samples.length,
    warnings: ['w1'],
    extra: { onnxruntimeVersion: '1.30.0' },
    samples,
    ...over,
  };
}

describe('HistoryStore', () => {
  it('stores a run and gives it back, samples bit for bit', () => {
    const store = open();
    const r = record({
      label: 'baseline',
      error: { code: 'X', message: 'm', hint: 'h' },
      status: 'failed',
    });
    store.save(r);
    const back = store.get(r.id, { samples: true });
    expect(back).toEqual({ ...r, samples: r.samples });
    expect(store.get(r.id).samples).toBeUndefined();
  });

  it('keeps runs across reopening the database file', () => {
    const r = record();
    open().save(r);
    opened.pop()?.close();
    expect(open().get(r.id).stats).toEqual(r.stats);
    expect(fs.existsSync(path.join(dir, 'coral.db'))).toBe(true);
  });

  it('lists newest first and filters by adapter, target, status and model hash prefix', () => {
    const store = open();
    const a = record({ startedAt: '2025-01-01T00:00:00.000Z' });
    const b = record({ startedAt: '2025-01-02T00:00:00.000Z', target: 'board-1', adapter: 'rknn' });
    const c = record({
      startedAt: '2025-01-03T00:00:00.000Z',
      status: 'cancelled',
      model: { ...a.model, sha256: 'cd'.repeat(32) },
    });
    for (const r of [a, b, c]) store.save(r);
    expect(store.list().map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(store.list({ target: 'board-1' }).map((r) => r.id)).toEqual([b.id]);
    expect(store.list({ adapter: 'onnx' }).map((r) => r.id)).toEqual([c.id, a.id]);
    expect(store.list({ status: 'cancelled' }).map((r) => r.id)).toEqual([c.id]);
    expect(store.list({ modelSha256: 'cdcd' }).map((r) => r.id)).toEqual([c.id]);
    expect(store.list({ limit: 1, offset: 1 }).map((r) => r.id)).toEqual([b.id]);
    expect(store.list()[0].samples).toBeUndefined();
  });

  it('finds a run by a unique id prefix and refuses an ambiguous or unknown one', () => {
    const store = open();
    const a = record({ id: '20250101-120000-aaaa' });
    const b = record({ id: '20250101-120000-bbbb' });
    store.save(a);
    store.save(b);
    expect(store.get('20250101-120000-a').id).toBe(a.id);
    expect(() => store.get('20250101-1200')).toThrow(
      expect.objectContaining({ code: 'RUN_AMBIGUOUS' }),
    );
    expect(() => store.get('nope')).toThrow(expect.objectContaining({ code: 'RUN_NOT_FOUND' }));
    expect(() => store.get('2025_')).toThrow(expect.objectContaining({ code: 'RUN_NOT_FOUND' }));
  });

  it('records a run when it starts and completes the same row when it ends', () => {
    const store = open();
    const r = record();
    store.begin({ ...r, label: 'live' });
    expect(store.get(r.id)).toMatchObject({ status: 'running', sampleCount: 0, label: 'live' });
    store.save(r);
    expect(store.list()).toHaveLength(1);
    expect(store.get(r.id, { samples: true })).toMatchObject({
      status: 'finished',
      sampleCount: 500,
      label: 'live',
    });
  });

  it('marks runs of a process that died as interrupted when it opens, not those of a live one', () => {
    const store = open();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const orphan = record({ id: 'orphan' });
    const other = record({ id: 'other-window' });
    store.begin(orphan);
    store.begin(other);
    const db = new Sqlite(path.join(dir, 'coral.db'));
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(dead, orphan.id);
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(process.ppid, other.id);
    db.close();
    const again = open();
    expect(again.get('orphan').status).toBe('interrupted');
    expect(again.get('other-window').status).toBe('running');
  });

  it('compares two runs statistic by statistic with b/a ratios', () => {
    const store = open();
    const a = record();
    const fast = Float64Array.from(a.samples as Float64Array, (v) => v / 2);
    const b = record({ samples: fast, stats: computeStats(fast) });
    store.save(a);
    store.save(b);
    const c = store.compare(a.id, b.id);
    expect(c.sameModel).toBe(true);
    const mean = c.rows.find((r) => r.key === 'mean');
    expect(mean?.ratio).toBeCloseTo(0.5, 10);
    expect(c.rows.find((r) => r.key === 'sessionCreateMs')?.ratio).toBeNull();
  });
});

describe('the history schema', () => {
  it('migrates a version 1 database, keeping its runs', () => {
    const file = path.join(dir, 'coral.db');
    const v1 = openDatabase(file, [
      { room: 'history', migrations: HISTORY_MIGRATIONS.migrations.slice(0, 1) },
    ]);
    v1.prepare(
      `INSERT INTO runs (id, started_at, finished_at, adapter, target, model_path, model_sha256, model_size, model_format,
         options, status, stats, sample_count, samples, samples_codec)
       VALUES ('old', '2024-05-01T00:00:00.000Z', '2024-05-01T00:01:00.000Z', 'onnx', 'local', '/m.onnx', 'ff', 1, 'onnx',
         '{}', 'finished', '{"count":2}', 2, ?, ?)`,
    ).run(encodeSamples(Float64Array.from([1.5, 2.5])), SAMPLES_CODEC);
    v1.close();

    const store = open();
    expect(Array.from(store.get('old', { samples: true }).samples as Float64Array)).toEqual([
      1.5, 2.5,
    ]);
    const db = new Sqlite(file, { readonly: true });
    const version = db
      .prepare("SELECT version FROM schema_versions WHERE room = 'history'")
      .get() as { version: number };
    const index = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'runs_model'")
      .get();
    db.close();
    expect(version.version).toBe(HISTORY_MIGRATIONS.migrations.length);
    expect(index).toBeTruthy();
  });

  it('refuses a database written by a newer version, saying so', () => {
    open();
    opened.pop()?.close();
    const db = new Sqlite(path.join(dir, 'coral.db'));
    db.prepare("UPDATE schema_versions SET version = 99 WHERE room = 'history'").run();
    db.close();
    const h = openHistory(dir);
    expect(h.store).toBeNull();
    expect(h.error?.code).toBe('DB_TOO_NEW');
  });
});

describe('openHistory on a damaged or busy database', () => {
  it('gives no store and a DB_CORRUPT error naming the file when the file is not a database', () => {
    const file = path.join(dir, 'coral.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 'garbage!'));
    const h = openHistory(dir);
    expect(h.store).toBeNull();
    expect(h.error?.code).toBe('DB_CORRUPT');
    expect(h.error?.message).toContain(file);
    expect(h.error?.hint).toMatch(/Move the file aside/);
    // Nothing already saved is lost: the damaged file is left as it was.
    expect(fs.readFileSync(file).subarray(0, 8).toString()).toBe('garbage!');
  });

  it('turns a write blocked by another process into DB_LOCKED', () => {
    const store = open();
    const other = new Sqlite(path.join(dir, 'coral.db'), { timeout: 0 });
    other.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => store.save(record())).toThrow(expect.objectContaining({ code: 'DB_LOCKED' }));
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    store.save(record());
    expect(store.list()).toHaveLength(1);
  });
});
