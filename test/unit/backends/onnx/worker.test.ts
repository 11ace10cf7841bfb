import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OnnxWorker, withWorker } from '../../../../electron/backends/onnx/worker';
import { resolveBenchOptions } from '../../../../electron/bench/options';
import type { RunPhase } from '../../../../electron/bench/types';
import { REPO_ROOT } from '../../../helpers/cli';

const TINY = path.join(REPO_ROOT, 'resources/models/tiny-classifier.onnx');
const DETECTOR = path.join(REPO_ROOT, 'resources/models/yolo-detector.onnx');

const workers: OnnxWorker[] = [];
function worker(): OnnxWorker {
  const w = new OnnxWorker();
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.dispose()));
});

function sink() {
  const samples: number[] = [];
  const phases: RunPhase[] = [];
  const warnings: string[] = [];
  return {
    samples,
    phases,
    warnings,
    sink: {
      samples: (v: Float64Array | readonly number[]) => samples.push(...Array.from(v)),
      phase: (p: RunPhase) => phases.push(p),
      warn: (m: string) => warnings.push(m),
    },
  };
}

describe('OnnxWorker (onnxruntime in a child process)', () => {
  it('runs in another process and reports the onnxruntime version and providers', async () => {
    const w = worker();
    const info = await w.info();
    expect(w.pid).not.toBe(process.pid);
    expect(info.onnxruntimeVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.executionProviders).toContainEqual({ name: 'cpu', bundled: true });
  });

  it('loads a model and reports what onnxruntime sees, symbolic dimensions by name', async () => {
    const info = await worker().load(
      path.join(REPO_ROOT, 'resources/models/dynamic-classifier.onnx'),
      resolveBenchOptions({}),
    );
    expect(info.inputs).toEqual([
      { name: 'input', type: 'float32', shape: ['batch', 3, 'height', 'width'] },
    ]);
    expect(info.sessionCreateMs).toBeGreaterThan(0);
  });

  it('benchmarks the tiny model: exact sample count, sane ordered latencies', async () => {
    const s = sink();
    const result = await worker().bench(
      TINY,
      resolveBenchOptions({ warmup: 5, iterations: 300 }),
      s.sink,
      new AbortController().signal,
    );
    expect(s.samples).toHaveLength(300);
    expect(s.phases).toEqual(['prepare', 'warmup', 'measure']);
    for (const v of s.samples) expect(v > 0 && v < 1000).toBe(true);
    expect(result.sessionCreateMs).toBeGreaterThan(0);
    expect(result.firstInferenceMs).toBeGreaterThan(0);
    expect(result.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(result.extra).toMatchObject({ inputs: [{ name: 'input', shape: [1, 3, 64, 64] }] });
  });

  it('warns (and uses 1) for symbolic dimensions without a value, and takes --shape values', async () => {
    const model = path.join(REPO_ROOT, 'resources/models/dynamic-classifier.onnx');
    const s = sink();
    const options = resolveBenchOptions({
      warmup: 1,
      iterations: 5,
      shapes: { batch: [2], height: [32] },
    });
    const result = await worker().bench(model, options, s.sink, new AbortController().signal);
    expect(s.warnings.filter((w) => w.includes('dimension'))).toEqual([
      expect.stringContaining('"width"'),
    ]);
    expect(result.extra).toMatchObject({ inputs: [{ shape: [2, 3, 32, 1] }] });
  });

  it('stops a run on abort and hands back the samples so far', async () => {
    const s = sink();
    const controller = new AbortController();
    const w = worker();
    const running = w.bench(
      TINY,
      resolveBenchOptions({ warmup: 0, durationMs: 60_000 }),
      s.sink,
      controller.signal,
    );
    while (s.samples.length === 0) await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    controller.abort();
    await running;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.samples.length).toBeGreaterThan(0);
    expect(w.alive).toBe(true);
  });

  it('turns a native crash of the worker into ONNX_WORKER_DIED; this process carries on', async () => {
    const s = sink();
    const w = worker();
    const running = w.bench(
      DETECTOR,
      resolveBenchOptions({ warmup: 0, durationMs: 60_000 }),
      s.sink,
      new AbortController().signal,
    );
    while (!s.phases.includes('measure')) await new Promise((r) => setTimeout(r, 20));
    process.kill(w.pid as number, 'SIGSEGV');
    const err = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ONNX_WORKER_DIED', detail: { signal: 'SIGSEGV' } });
    expect((err as Error).message).toContain(DETECTOR);
    expect(w.alive).toBe(false);
    // A new worker works as before.
    expect((await worker().info()).onnxruntimeVersion).toBeTruthy();
  });

  it('reports an onnxruntime load failure as ONNX_LOAD_FAILED naming the model', async () => {
    const model = path.join(REPO_ROOT, 'test/fixtures/onnx/ir3-initializer-inputs.onnx'); // uses com.example.Fancy
    await expect(worker().load(model, resolveBenchOptions({}))).rejects.toMatchObject({
      code: 'ONNX_LOAD_FAILED',
      message: expect.stringContaining(model),
    });
  });

  it('refuses an execution provider onnxruntime-node does not have', async () => {
    const s = sink();
    await expect(
      worker().bench(
        TINY,
        resolveBenchOptions({ executionProvider: 'npu9000' }),
        s.sink,
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ code: 'BENCH_BAD_PROVIDER', hint: expect.stringContaining('cpu') });
  });

  it('leaves no process behind after dispose', async () => {
    let pid = 0;
    await withWorker(async (w) => {
      pid = w.pid as number;
      await w.info();
    });
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
