import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../../../electron/bench/options';
import { runBench, type RunBatch } from '../../../electron/bench/runner';
import type { BenchSource } from '../../../electron/bench/types';
import { CoralError } from '../../../electron/runtime/errors';

/** A source that emits samples itself, as a board parsing rknn_benchmark lines does. */
function emittingSource(
  total: number,
  everyMs: number,
  opts: { failAfter?: number } = {},
): BenchSource {
  return {
    async run({ sink, signal }) {
      sink.phase('prepare');
      sink.phase('measure');
      for (let i = 0; i < total && !signal.aborted; i++) {
        if (opts.failAfter === i) {
          throw new CoralError('BOARD_GONE', 'The board closed the connection.', {
            hint: 'Check the cable.',
          });
        }
        sink.samples([1 + i / 1000]);
        await sleep(everyMs);
      }
      return { sessionCreateMs: 42, extra: { npu: 'rk3588' } };
    },
  };
}

describe('runBench', () => {
  it('finishes with every sample, the statistics and the source extras', async () => {
    const r = await runBench(emittingSource(30, 1), resolveBenchOptions({ iterations: 30 }));
    expect(r.status).toBe('finished');
    expect(r.samples).toHaveLength(30);
    expect(r.stats.count).toBe(30);
    expect(r.stats.sessionCreateMs).toBe(42);
    expect(r.stats.min).toBe(1);
    expect(r.extra).toEqual({ npu: 'rk3588' });
    expect(r.error).toBeUndefined();
  });

  it('streams batches at most ~20 per second whose samples add up to the run', async () => {
    const batches: RunBatch[] = [];
    const r = await runBench(emittingSource(200, 2), resolveBenchOptions({ iterations: 200 }), {
      onBatch: (b) => batches.push(b),
    });
    const joined = batches.flatMap((b) => Array.from(b.samples));
    expect(joined).toEqual(Array.from(r.samples));
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    const last = batches[batches.length - 1];
    expect(last).toMatchObject({ phase: 'done', total: 200, progress: 1 });
    const seconds = (batches[batches.length - 1].elapsedMs - batches[0].elapsedMs) / 1000;
    expect(batches.length - 1).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2);
    expect(
      batches.some(
        (b) => b.phase === 'measure' && b.progress !== null && b.progress > 0 && b.progress < 1,
      ),
    ).toBe(true);
  });

  it('sends no batches when streaming is off (flag stream_manager), only the result', async () => {
    const batches: RunBatch[] = [];
    const r = await runBench(emittingSource(50, 1), resolveBenchOptions({ iterations: 50 }), {
      stream: false,
      onBatch: (b) => batches.push(b),
    });
    expect(batches).toEqual([]);
    expect(r.samples).toHaveLength(50);
  });

  it('ends as cancelled on abort and keeps the samples so far', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await runBench(
      emittingSource(10_000, 2),
      resolveBenchOptions({ iterations: 10_000 }),
      {
        signal: controller.signal,
      },
    );
    expect(r.status).toBe('cancelled');
    expect(r.samples.length).toBeGreaterThan(5);
    expect(r.stats.count).toBe(r.samples.length);
  });

  it('ends as failed with the error, keeping the samples measured before it', async () => {
    const r = await runBench(
      emittingSource(100, 1, { failAfter: 12 }),
      resolveBenchOptions({ iterations: 100 }),
    );
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'BOARD_GONE', hint: 'Check the cable.' });
    expect(r.samples).toHaveLength(12);
  });

  it('passes warnings on as they happen and keeps them', async () => {
    const seen: string[] = [];
    const source: BenchSource = {
      async run({ sink }) {
        sink.warn('dimension batch set to 1');
        return {};
      },
    };
    const r = await runBench(source, resolveBenchOptions({}), { onWarning: (m) => seen.push(m) });
    expect(seen).toEqual(['dimension batch set to 1']);
    expect(r.warnings).toEqual(seen);
    expect(r.status).toBe('finished');
  });
  it('ends as interrupted when the source reports it, keeping samples and the reason', async () => {
    const source: BenchSource = {
      async run({ sink }) {
        sink.phase('measure');
        sink.samples([2, 3, 4]);
        return {
          interrupted: { code: 'BOARD_DISCONNECTED', message: 'The board went away.' },
        };
      },
    };
    const r = await runBench(source, resolveBenchOptions({ iterations: 100 }));
    expect(r.status).toBe('interrupted');
    expect(r.error).toMatchObject({ code: 'BOARD_DISCONNECTED' });
    expect(Array.from(r.samples)).toEqual([2, 3, 4]);
    expect(r.stats.mean).toBe(3);
  });

  it('streams gauge readings in the next batch with the run time they were taken at', async () => {
    const batches: RunBatch[] = [];
    const source: BenchSource = {
      async run({ sink }) {
        sink.gauge?.('npu', [90, 10, 0]);
        await sleep(80);
        sink.gauge?.('npu', [95, 12, 1]);
        return {};
      },
    };
    await runBench(source, resolveBenchOptions({}), { onBatch: (b) => batches.push(b) });
    const readings = batches.flatMap((b) => b.gauges ?? []);
    expect(readings.map((g) => g.values)).toEqual([
      [90, 10, 0],
      [95, 12, 1],
    ]);
    expect(readings[1].elapsedMs).toBeGreaterThan(readings[0].elapsedMs);
    expect(readings.every((g) => g.name === 'npu')).toBe(true);
  });
});

describe('runBench warm-up check', () => {
  it('warns when the measurement started before the source reached steady state', async () => {
    const source: BenchSource = {
      async run({ sink }) {
        sink.samples(Float64Array.from({ length: 100 }, (_, i) => (i < 15 ? 30 : 10)));
        return {};
      },
    };
    const seen: string[] = [];
    const r = await runBench(source, resolveBenchOptions({ warmup: 5, iterations: 100 }), {
      onWarning: (m) => seen.push(m),
    });
    expect(r.status).toBe('finished');
    expect(r.warnings).toEqual([
      expect.stringMatching(/warm-up iterations were probably too short.*--warmup \d+/),
    ]);
    expect(seen).toEqual(r.warnings);
  });
});
