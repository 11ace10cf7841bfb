/**
 * `coral rknn …` and `coral bench import` as a user runs them: the real CLI in its own process,
 * a fresh data directory (the SQLite history), fixture models and real-format logs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/bench/history';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { REPO_ROOT, runCoral } from '../../helpers/cli';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../helpers/rknn-native';

const logs = path.join(REPO_ROOT, 'test/fixtures/rknn-benchmark');
const models = path.join(REPO_ROOT, 'test/fixtures/rknn-models');
let dataDir: string;
let model: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-cli-rknn-'));
  model = path.join(dataDir, 'yolov5s.rknn');
  fs.writeFileSync(
    model,
    buildRknnFile({ toolkitVersion: '2.3.0+81f21f4d', targetPlatform: ['rk3588'] }),
  );
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const coral = (args: string[], env: Record<string, string> = {}) =>
  runCoral(args, { env: { CORAL_DATA_DIR: dataDir, ...env } });

describe('coral rknn inspect', () => {
  it('prints the toolkit, targets, tensors and sha256 of a model', async () => {
    const r = await coral(['rknn', 'inspect', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/toolkit\s+rknn-toolkit 2\.3\.0 \(2\.3\.0\+81f21f4d\)/);
    expect(r.stdout).toMatch(/targets\s+rk3588/);
    expect(r.stdout).toContain('images  int8 [1, 3, 640, 640] (int8, per layer)');
    expect(r.stdout).toMatch(/sha256\s+[0-9a-f]{64}/);
  });

  it('prints one JSON object with --json', async () => {
    const r = await coral(['rknn', 'inspect', model, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: model,
      toolkitVersion: '2.3.0',
      targetPlatforms: ['rk3588'],
    });
  });

  it('explains a file that is not a model, and exits 1', async () => {
    const r = await coral(['rknn', 'inspect', path.join(models, 'html-saved-as-model.rknn')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is an HTML page, not a model');
    expect(r.stderr).toContain('hint: Download the raw file');
  });
});

describe('coral rknn check', () => {
  it('fails with the fix when the board runtime is older than the toolkit', async () => {
    const r = await coral([
      'rknn',
      'check',
      model,
      '--soc',
      'rk3588',
      '--librknnrt',
      '1.5.0',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('error');
    expect(out.findings.map((f: { code: string }) => f.code)).toEqual([
      'RKNN_TARGET_OK',
      'RKNN_RUNTIME_TOO_OLD',
    ]);
    expect(out.hint).toContain('Update librknnrt.so on the board to 2.3.0 or newer');
  });

  it('passes a matching board and core mask', async () => {
    const r = await coral([
      'rknn',
      'check',
      model,
      '--soc',
      'rk3588s',
      '--librknnrt',
      '2.3.0',
      '--core-mask',
      '7',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verdict: ok');
  });

  it('refuses a core mask the SoC cannot run', async () => {
    const r = await coral([
      'rknn',
      'check',
      model,
      '--soc',
      'rk3588',
      '--librknnrt',
      '2.3.0',
      '--core-mask',
      '5',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Core mask 5 is not valid');
  });

  it('is a usage error (exit 2) for an unknown SoC', async () => {
    const r = await coral(['rknn', 'check', model, '--soc', 'rk9999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown SoC "rk9999"');
  });
});

describe('coral bench import', () => {
  it('prints stats (the log Avg Time as mean), versions, tensors and memory as JSON, and stores the run', async () => {
    const r = await coral([
      'bench',
      'import',
      path.join(logs, 'rk3588-yolov5s-2.3.0-core7.txt'),
      '--board',
      'rock5b',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats).toMatchObject({ unit: 'ms', mean: 13.77, fps: 72.617, count: 10 });
    expect(out.stats.samples).toHaveLength(10);
    expect(out.warmup).toHaveLength(5);
    expect(out).toMatchObject({
      runtimeVersion: '2.3.0 (c949ad889d@2024-11-07T11:35:33)',
      driverVersion: '0.9.8',
      memory: { weight: 7312768, internal: 7782400, dma: 24440832 },
      board: 'rock5b',
      saved: true,
    });
    expect(out.inputs[0]).toEqual({
      index: 0,
      name: 'images',
      dims: [1, 640, 640, 3],
      fmt: 'NHWC',
      type: 'INT8',
      qntType: 'AFFINE',
    });
    expect(out.outputs).toHaveLength(3);

    const store = HistoryStore.open(HistoryStore.fileIn(dataDir));
    try {
      const rec = store.get(out.runId, { samples: true });
      expect(rec).toMatchObject({
        adapter: 'rknn',
        target: 'rock5b',
        status: 'finished',
        sampleCount: 10,
      });
      expect(rec.stats.mean).toBe(13.77);
      expect(Array.from(rec.samples ?? [])).toEqual(out.stats.samples);
      expect(rec.extra).toMatchObject({
        runtimeVersion: out.runtimeVersion,
        driverVersion: '0.9.8',
      });
    } finally {
      store.close();
    }
  });

  it('keeps the options of import apart from those of `coral bench` (--label, --no-save)', async () => {
    const r = await coral([
      'bench',
      'import',
      path.join(logs, 'rv1106-mobilenet-1.6.0.txt'),
      '--no-save',
      '--json',
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      saved: false,
      runId: null,
      notSavedReason: '--no-save',
    });
  });

  it('does not store the run when the metric_sink flag is off', async () => {
    const r = await coral(
      ['bench', 'import', path.join(logs, 'rv1106-mobilenet-1.6.0.txt'), '--json'],
      {
        CORAL_ENABLE_METRIC_SINK: '0',
      },
    );
    expect(JSON.parse(r.stdout)).toMatchObject({
      saved: false,
      notSavedReason: 'the flag metric_sink is off',
    });
  });

  it('links the run to a model given with --model (its sha256)', async () => {
    const r = await coral([
      'bench',
      'import',
      path.join(logs, 'rk3566-mobilenet-1.4.0.txt'),
      '--model',
      model,
      '--label',
      'fp16',
      '--json',
    ]);
    const out = JSON.parse(r.stdout);
    const inspected = JSON.parse((await coral(['rknn', 'inspect', model, '--json'])).stdout);
    const store = HistoryStore.open(HistoryStore.fileIn(dataDir));
    try {
      expect(store.get(out.runId)).toMatchObject({
        label: 'fp16',
        model: { path: model, sha256: inspected.sha256 },
      });
    } finally {
      store.close();
    }
  });

  it('imports a cut-off log with its measured iterations, marked incomplete and interrupted', async () => {
    const r = await coral(['bench', 'import', path.join(logs, 'truncated-mid-run.txt'), '--json']);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ complete: false, stats: { count: 37, meanFrom: 'samples' } });
    expect(out.warnings.join('\n')).toContain('cut off');
    const store = HistoryStore.open(HistoryStore.fileIn(dataDir));
    try {
      expect(store.get(out.runId).status).toBe('interrupted');
    } finally {
      store.close();
    }
  });

  it('fails with the runtime error and its fix when the run never measured', async () => {
    const r = await coral([
      'bench',
      'import',
      path.join(logs, 'init-fail-invalid-model-version.txt'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rknn_init failed with RKNN_ERR_FAIL');
    expect(r.stderr).toContain('hint: The runtime said "Invalid RKNN model version 6"');
  });

  it('says a file that is not a log is not one (JSON error with --json)', async () => {
    const r = await coral(['bench', 'import', path.join(logs, 'html-page.txt'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'RKNN_LOG_UNRECOGNIZED' });
  });

  it('names a missing log file', async () => {
    const r = await coral(['bench', 'import', path.join(dataDir, 'nope.log')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.log does not exist');
  });
});

describe('coral rknn status', () => {
  it('reports the local NPU path as available with a runtime library', async () => {
    ensureRknnAddon();
    const lib = fakeRknnrtLibrary();
    const r = await coral(['rknn', 'status', '--json'], { CORAL_RKNN_LIB: lib });
    expect(JSON.parse(r.stdout)).toMatchObject({
      available: true,
      library: { path: lib, version: '2.3.0 (fake0000@2024-01-01T00:00:00)' },
    });
  }, 180_000);

  it('says why not when the library is missing', async () => {
    const r = await coral(['rknn', 'status'], { CORAL_RKNN_LIB: '/nope/librknnrt.so' });
    expect(r.stdout).toContain('available  no: CORAL_RKNN_LIB=/nope/librknnrt.so does not exist');
  });
});
