/**
 * The local NPU path end to end: BenchService → rknn bench source → child process → native
 * addon → (fake) librknnrt, with samples streamed in batches and the run stored in SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRknnBenchSource } from '../../../electron/backends/rknn/local-bench';
import { openHistory, type HistoryHandle } from '../../../electron/bench/history';
import { BenchService } from '../../../electron/bench/service';
import type { BenchEvent } from '../../../electron/bench/types';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../helpers/rknn-native';

let dir: string;
let lib: string;
let history: HistoryHandle;
const services: BenchService[] = [];

function service(opts: Parameters<typeof createRknnBenchSource>[0] = {}): BenchService {
  const s = new BenchService({
    sources: {
      rknn: createRknnBenchSource({ env: { CORAL_RKNN_LIB: lib }, soc: 'rk3588', ...opts }),
    },
    history,
  });
  services.push(s);
  return s;
}

function model(name: string, options: Parameters<typeof buildRknnFile>[0] = {}): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    buildRknnFile({ targetPlatform: ['rk3588'], toolkitVersion: '2.3.0', ...options }),
  );
  return file;
}

beforeAll(() => {
  ensureRknnAddon();
  lib = fakeRknnrtLibrary();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-rknn-local-bench-'));
  history = openHistory(dir);
}, 180_000);

afterAll(async () => {
  for (const s of services) await s.dispose();
  history.store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rknn local benchmark', () => {
  it('runs warm-up and measured iterations, streams batches and stores the run', async () => {
    const s = service({ coreMask: 7 });
    const events: BenchEvent[] = [];
    s.subscribe((e) => events.push(e));
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('ok.rknn'),
      options: { warmup: 3, iterations: 200 },
    });
    const rec = await s.wait(runId);
    expect(rec).toMatchObject({
      status: 'finished',
      adapter: 'rknn',
      target: 'local',
      sampleCount: 200,
    });
    expect(rec.stats.count).toBe(200);
    expect(rec.stats.sessionCreateMs).toBeGreaterThan(0);
    expect(rec.extra).toMatchObject({
      librknnrtVersion: '2.3.0 (fake0000@2024-01-01T00:00:00)',
      driverVersion: '0.9.8',
      coreMask: 7,
      npuRunUsLast: 1203, // the fake reports 1000 + runs: 3 warm-up + 200 measured
      compatibility: 'ok',
    });
    expect(rec.extra.inputs).toEqual([
      { index: 0, name: 'image', dims: [1, 8, 8, 3], fmt: 'NHWC', type: 'INT8', qntType: 'AFFINE' },
      { index: 1, name: 'gain', dims: [1, 4], fmt: 'UNDEFINED', type: 'FP32', qntType: 'NONE' },
    ]);
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches.at(-1)?.phase).toBe('done');
    expect(batches.reduce((n, b) => n + b.samples.length, 0)).toBe(200);
    expect(history.store?.get(runId)).toMatchObject({ status: 'finished', sampleCount: 200 });
  });

  it('streams samples while it runs; a cancel stops the child and keeps the samples so far', async () => {
    const s = service();
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('long.rknn'),
      options: { warmup: 1, durationMs: 60_000 },
    });
    await new Promise<void>((resolve) => {
      const off = s.subscribe((e) => {
        if (e.type === 'batch' && e.total > 50) {
          off();
          resolve();
        }
      });
    });
    s.cancel(runId);
    const rec = await s.wait(runId);
    expect(rec.status).toBe('cancelled');
    expect(rec.sampleCount).toBeGreaterThan(50);
  });

  it('fails the run with the runtime error code when rknn_run fails', async () => {
    const s = service();
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('fails.rknn', { extra: { fake_fail: 'rknn_run=-2' } }),
      options: { warmup: 1, iterations: 10 },
    });
    const rec = await s.wait(runId);
    expect(rec.status).toBe('failed');
    expect(rec.error).toMatchObject({
      code: 'RKNN_ERR_TIMEOUT',
      message: expect.stringContaining('rknn_run failed'),
    });
  });

  it('refuses to start a model built for another SoC, with the fix', async () => {
    const s = service();
    await expect(
      s.start({ adapter: 'rknn', model: model('rk3566.rknn', { targetPlatform: ['rk3566'] }) }),
    ).rejects.toMatchObject({
      code: 'RKNN_INCOMPATIBLE',
      hint: expect.stringContaining("target_platform='rk3588'"),
    });
  });

  it('refuses a core mask this SoC does not have', async () => {
    const s = service({ soc: 'rk3576', coreMask: 7 });
    await expect(
      s.start({ adapter: 'rknn', model: model('m.rknn', { targetPlatform: ['rk3576'] }) }),
    ).rejects.toMatchObject({
      code: 'RKNN_INCOMPATIBLE',
      message: expect.stringContaining('rk3576 has 2'),
    });
  });

  it('says why this machine cannot run models when librknnrt is missing', async () => {
    const s = service({ env: { CORAL_RKNN_LIB: path.join(dir, 'missing.so') } });
    await expect(s.start({ adapter: 'rknn', model: model('x.rknn') })).rejects.toMatchObject({
      code: 'RKNN_LOCAL_UNAVAILABLE',
      message: expect.stringContaining('CORAL_RKNN_LIB='),
    });
  });

  it('points board targets at `coral bench import` until the remote path exists', async () => {
    const s = service();
    await expect(
      s.start({ adapter: 'rknn', model: model('y.rknn'), target: 'rock5b' }),
    ).rejects.toMatchObject({
      code: 'RKNN_BOARD_BENCH_UNAVAILABLE',
    });
  });
});
