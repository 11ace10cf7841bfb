import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinSources } from '../../../electron/bench/builtin-sources';
import { openHistory } from '../../../electron/bench/history';
import { BenchService, type BenchServiceOptions } from '../../../electron/bench/service';
import type { BenchEvent } from '../../../electron/bench/types';
import { REPO_ROOT } from '../../helpers/cli';

const TINY = path.join(REPO_ROOT, 'resources/models/tiny-classifier.onnx');

let dir: string;
let services: BenchService[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-bench-svc-'));
  services = [];
});
afterEach(async () => {
  await Promise.all(services.map((s) => s.dispose()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function service(opts: Partial<BenchServiceOptions> = {}) {
  const events: BenchEvent[] = [];
  const s = new BenchService({ sources: builtinSources(), history: openHistory(dir), ...opts });
  s.subscribe((e) => events.push(e));
  services.push(s);
  return { s, events };
}

describe('BenchService with the ONNX adapter', () => {
  it('runs the tiny model: started, batches, finished; stats ordered; saved to the history', async () => {
    const { s, events } = service();
    const { runId } = await s.start({
      adapter: 'onnx',
      model: TINY,
      options: { warmup: 5, iterations: 400 },
      label: 'tiny',
    });
    expect(s.active().map((r) => r.runId)).toEqual([runId]);
    const record = await s.wait(runId);

    expect(record.status).toBe('finished');
    expect(record.samples).toHaveLength(400);
    const st = record.stats;
    expect(st.count).toBe(400);
    const order = [st.min, st.p50, st.p90, st.p95, st.p99, st.p999, st.max] as number[];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(st.min as number).toBeGreaterThan(0);
    expect(st.mean as number).toBeLessThan(st.max as number);
    expect(st.throughput as number).toBeGreaterThan(0);
    expect(st.sessionCreateMs as number).toBeGreaterThan(0);
    expect(record.model).toMatchObject({
      path: TINY,
      format: 'onnx',
      size: fs.statSync(TINY).size,
    });
    expect(record.extra).toMatchObject({ opset: 17, onnxruntimeVersion: expect.any(String) });

    expect(events[0]).toMatchObject({ type: 'started', runId, adapter: 'onnx', target: 'local' });
    const batches = events.filter(
      (e): e is Extract<BenchEvent, { type: 'batch' }> => e.type === 'batch',
    );
    expect(batches.reduce((n, b) => n + b.samples.length, 0)).toBe(400);
    expect(batches.every((b) => b.samples instanceof Float64Array)).toBe(true);
    expect(batches.at(-1)).toMatchObject({
      phase: 'done',
      total: 400,
      expected: 400,
      live: { count: 400 },
    });
    const finished = events.at(-1);
    expect(finished).toMatchObject({
      type: 'finished',
      runId,
      saved: true,
      record: { status: 'finished', label: 'tiny' },
    });
    expect((finished as { record: { samples?: unknown } }).record.samples).toBeUndefined();

    expect(s.list().map((r) => r.id)).toEqual([runId]);
    expect(s.get(runId, { samples: true }).samples).toEqual(record.samples);
    expect(s.active()).toEqual([]);
  });

  it('cancels a run mid-way: status cancelled, partial samples kept and saved', async () => {
    const { s, events } = service();
    const { runId } = await s.start({
      adapter: 'onnx',
      model: TINY,
      options: { warmup: 0, durationMs: 60_000 },
    });
    while (!events.some((e) => e.type === 'batch' && e.total > 0))
      await new Promise((r) => setTimeout(r, 20));
    expect(s.cancel(runId)).toBe(true);
    const record = await s.wait(runId);
    expect(record.status).toBe('cancelled');
    expect(record.sampleCount).toBeGreaterThan(0);
    expect(record.stats.count).toBe(record.sampleCount);
    const stored = s.get(runId, { samples: true });
    expect(stored.status).toBe('cancelled');
    expect(stored.samples).toHaveLength(record.sampleCount);
    expect(s.cancel(runId)).toBe(false);
  });

  it('does not save when the metric_sink flag is off, and says so', async () => {
    const { s, events } = service({ flags: () => ({ stream_manager: true, metric_sink: false }) });
    expect(s.historyStatus()).toMatchObject({ saving: false, reason: { code: 'METRIC_SINK_OFF' } });
    const { runId } = await s.start({ adapter: 'onnx', model: TINY, options: { iterations: 20 } });
    await s.wait(runId);
    expect(events.at(-1)).toMatchObject({
      type: 'finished',
      saved: false,
      notSavedReason: { code: 'METRIC_SINK_OFF' },
    });
    expect(s.list()).toEqual([]);
    expect(s.get(runId).status).toBe('finished'); // still there for this session
  });

  it('streams nothing while the stream_manager flag is off; the result still arrives', async () => {
    const { s, events } = service({ flags: () => ({ stream_manager: false, metric_sink: true }) });
    const { runId } = await s.start({ adapter: 'onnx', model: TINY, options: { iterations: 50 } });
    const record = await s.wait(runId);
    expect(events.map((e) => e.type)).toEqual(['started', 'finished']);
    expect(record.samples).toHaveLength(50);
  });

  it('keeps working without saving when the database is corrupted, giving the reason', async () => {
    fs.writeFileSync(path.join(dir, 'coral.db'), 'this is not a database'.repeat(300));
    const { s, events } = service();
    expect(s.historyStatus()).toMatchObject({ saving: false, reason: { code: 'DB_CORRUPT' } });
    expect(s.historyStatus().reason?.message).toMatch(/^Runs are not saved: .*coral\.db/);
    const { runId } = await s.start({ adapter: 'onnx', model: TINY, options: { iterations: 20 } });
    const record = await s.wait(runId);
    expect(record.status).toBe('finished');
    expect(events.at(-1)).toMatchObject({ saved: false, notSavedReason: { code: 'DB_CORRUPT' } });
    expect(() => s.list()).toThrow(expect.objectContaining({ code: 'DB_CORRUPT' }));
  });

  it('refuses bad input before starting: unknown adapter, missing model, bad shape, bad option, disabled adapter', async () => {
    const { s, events } = service();
    await expect(s.start({ adapter: 'tpu', model: TINY })).rejects.toMatchObject({
      code: 'BENCH_UNKNOWN_ADAPTER',
      hint: expect.stringContaining('onnx'),
    });
    await expect(
      s.start({ adapter: 'onnx', model: path.join(dir, 'gone.onnx') }),
    ).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
    await expect(
      s.start({ adapter: 'onnx', model: TINY, options: { shapes: { images: [1, 3, 8, 8] } } }),
    ).rejects.toMatchObject({
      code: 'BENCH_BAD_SHAPE',
    });
    await expect(
      s.start({ adapter: 'onnx', model: TINY, options: { iterations: 0 } }),
    ).rejects.toMatchObject({
      code: 'BENCH_BAD_OPTIONS',
    });
    const gated = service({ adapterGate: () => 'it is disabled by disabledBackends' }).s;
    await expect(gated.start({ adapter: 'onnx', model: TINY })).rejects.toMatchObject({
      code: 'BENCH_ADAPTER_UNAVAILABLE',
    });
    expect(events).toEqual([]);
    expect(s.list()).toEqual([]);
  });

  it('records a run that onnxruntime cannot load as failed, with the error', async () => {
    const { s } = service();
    const model = path.join(REPO_ROOT, 'test/fixtures/onnx/ir3-initializer-inputs.onnx');
    const { runId } = await s.start({ adapter: 'onnx', model, options: { iterations: 5 } });
    const record = await s.wait(runId);
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'ONNX_LOAD_FAILED' });
    expect(s.get(runId).error?.code).toBe('ONNX_LOAD_FAILED');
  });

  it('cancels running runs on dispose and saves them', async () => {
    const { s } = service();
    const { runId } = await s.start({
      adapter: 'onnx',
      model: TINY,
      options: { durationMs: 60_000 },
    });
    await s.dispose();
    const h = openHistory(dir);
    expect(h.store?.get(runId).status).toBe('cancelled');
    h.store?.close();
  });
});
