import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT, runCoral } from '../../helpers/cli';

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const TINY = path.join(REPO_ROOT, 'resources/models/tiny-classifier.onnx');

// Every case spawns `coral` (and its worker) several times: minutes on a busy 2-core host.
vi.setConfig({ testTimeout: 180_000 });

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-cli-bench-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const coral = (args: string[], env: Record<string, string> = {}) =>
  runCoral(args, { env: { CORAL_DATA_DIR: dataDir, ...env }, timeoutMs: 90_000 });

describe('coral inspect (spawned as a real process)', () => {
  it('--json describes the model', async () => {
    const r = await coral(['inspect', TINY, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      path: TINY,
      format: 'onnx',
      irVersion: 8,
      opset: 17,
      inputs: [{ name: 'input', elementType: 'float32', shape: [1, 3, 64, 64] }],
      outputs: [{ name: 'probs', shape: [1, 10] }],
    });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('prints a readable summary, and --load times onnxruntime loading it', async () => {
    const r = await coral([
      'inspect',
      path.join(REPO_ROOT, 'resources/models/dynamic-classifier.onnx'),
      '--load',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/input\s+float32\s+batchx3xheightxwidth/);
    expect(r.stdout).toMatch(/onnxruntime loaded it in [\d.]+ ms/);
  });

  it('exits 1 with message and hint for a bad file, in text and in --json', async () => {
    const bad = path.join(REPO_ROOT, 'test/fixtures/onnx/renamed-rknn.onnx');
    const r = await coral(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${bad} is an RKNN model`);
    expect(r.stderr).toContain('hint: ');
    const j = await coral(['inspect', bad, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'MODEL_WRONG_FORMAT' });
  });
});

describe('coral bench and coral runs (spawned as real processes)', () => {
  it('bench --json prints one object; runs list/show/compare read it back from the history', async () => {
    const r = await coral([
      'bench',
      TINY,
      '--iterations',
      '200',
      '--warmup',
      '3',
      '--threads',
      '1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run).toMatchObject({
      status: 'finished',
      samples: 200,
      saved: true,
      model: { path: TINY, format: 'onnx' },
      options: { iterations: 200, warmup: 3, intraOpThreads: 1 },
    });
    const s = run.stats;
    for (const k of [
      'min',
      'mean',
      'p50',
      'p90',
      'p95',
      'p99',
      'p999',
      'max',
      'stddev',
      'sessionCreateMs',
      'firstInferenceMs',
    ]) {
      expect(typeof s[k], k).toBe('number');
    }
    expect(s.min).toBeLessThanOrEqual(s.p50);
    expect(s.p50).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    expect(s.throughput).toBeGreaterThan(0);

    const second = JSON.parse(
      (await coral(['bench', TINY, '--iterations', '50', '--json'])).stdout,
    );

    const list = await coral(['runs', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((x: { id: string }) => x.id)).toEqual([second.id, run.id]);

    const show = await coral(['runs', 'show', run.id, '--json', '--samples']);
    const shown = JSON.parse(show.stdout);
    expect(shown.stats).toEqual(run.stats);
    expect(shown.latenciesMs).toHaveLength(200);

    const cmp = await coral(['runs', 'compare', run.id, second.id]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/p50\s+\S+\s+\S+\s+[\d.]+x/);
    const cmpJson = JSON.parse(
      (await coral(['runs', 'compare', run.id, second.id, '--json'])).stdout,
    );
    expect(cmpJson.sameModel).toBe(true);
    expect(cmpJson.rows.find((x: { key: string }) => x.key === 'count').ratio).toBeCloseTo(0.25);
  });

  it('bench prints a stats table for people', async () => {
    const r = await coral(['bench', TINY, '--iterations', '30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Run\s+\S+ \(finished\)/m);
    for (const row of [
      'samples',
      'session create',
      'first inference',
      'p50',
      'p99.9',
      'throughput',
      'peak RSS',
    ]) {
      expect(r.stdout).toContain(row);
    }
    expect(r.stdout).toMatch(/Saved to the run history: coral runs show \S+/);
  });

  it('refuses bad options with exit 2 or 1 and a message naming the option', async () => {
    const both = await coral(['bench', TINY, '--iterations', '5', '--duration', '1s']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--iterations or --duration/);
    const shape = await coral(['bench', TINY, '--shape', 'images=1x3x8x8']);
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/no input or symbolic dimension "images"/);
    const missing = await coral(['bench', path.join(dataDir, 'nope.onnx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });

  it('still benchmarks with a corrupted database, saying the run is not saved; runs list then fails clearly', async () => {
    fs.writeFileSync(path.join(dataDir, 'coral.db'), 'not a database at all'.repeat(400));
    const r = await coral(['bench', TINY, '--iterations', '20', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run).toMatchObject({
      status: 'finished',
      saved: false,
      notSavedReason: { code: 'DB_CORRUPT' },
    });
    expect(r.stderr).toMatch(/warning: Runs are not saved: .*coral\.db is damaged/);
    const list = await coral(['runs', 'list']);
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/error: .*coral\.db is damaged/);
    expect(list.stderr).toMatch(/hint: Move the file aside/);
  });

  it('does not save with CORAL_ENABLE_METRIC_SINK=0', async () => {
    const r = await coral(['bench', TINY, '--iterations', '10', '--json'], {
      CORAL_ENABLE_METRIC_SINK: '0',
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      saved: false,
      notSavedReason: { code: 'METRIC_SINK_OFF' },
    });
    expect(JSON.parse((await coral(['runs', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('Ctrl-C cancels: exit 130, the partial run printed and saved as cancelled', async () => {
    // A terminal's Ctrl-C signals the whole foreground process group: the CLI and its worker.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'electron/cli/main.ts'),
        'bench',
        TINY,
        '--duration',
        '120s',
        '--json',
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), CORAL_DATA_DIR: dataDir },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    try {
      // Wait until the run is recorded as running, then give it a moment to measure.
      const db = path.join(dataDir, 'coral.db');
      for (let i = 0; i < 300; i++) {
        if (fs.existsSync(db)) {
          // The file appears before the CLI's migrations have created the table.
          const conn = new Sqlite(db, { readonly: true, timeout: 1000 });
          let running = 0;
          try {
            running = (
              conn.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running'").get() as {
                n: number;
              }
            ).n;
          } catch {
            running = 0;
          } finally {
            conn.close();
          }
          if (running > 0) break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 2500));
      process.kill(-(child.pid as number), 'SIGINT');
      expect(await exited).toBe(130);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    }
    const run = JSON.parse(stdout);
    expect(run).toMatchObject({ status: 'cancelled', saved: true });
    const stored = JSON.parse((await coral(['runs', 'show', run.id, '--json'])).stdout);
    expect(stored).toMatchObject({ status: 'cancelled', samples: run.samples });
  });
});
