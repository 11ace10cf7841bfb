import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BATCH_INTERVAL_MS, runDriverLoop } from '../../../electron/bench/loop';
import { resolveBenchOptions } from '../../../electron/bench/options';
import type { BenchDriver, RunPhase } from '../../../electron/bench/types';

/** Burns the CPU for `ms` (timers may fire up to 1 ms early, a busy wait never does). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** A driver whose iterations take `ms`: a yield to the event loop, then busy work. */
function timedDriver(ms: number, opts: { failAt?: number } = {}) {
  const calls = { prepare: 0, run: 0, dispose: 0 };
  const driver: BenchDriver = {
    prepare: async () => {
      calls.prepare++;
      await sleep(5);
      return { warnings: ['something to know'], extra: { from: 'driver' } };
    },
    runOnce: async () => {
      calls.run++;
      if (opts.failAt === calls.run) throw new Error('boom at iteration ' + calls.run);
      await sleep(0);
      spin(ms);
    },
    dispose: () => {
      calls.dispose++;
    },
  };
  return { driver, calls };
}

function collector() {
  const batches: Float64Array[] = [];
  const phases: RunPhase[] = [];
  const warnings: string[] = [];
  const times: number[] = [];
  return {
    sink: {
      samples: (v: Float64Array | readonly number[]) => {
        batches.push(Float64Array.from(v));
        times.push(performance.now());
      },
      phase: (p: RunPhase) => phases.push(p),
      warn: (m: string) => warnings.push(m),
    },
    batches,
    phases,
    warnings,
    times,
    all: () => Float64Array.from(batches.flatMap((b) => Array.from(b))),
  };
}

describe('runDriverLoop', () => {
  it('runs warm-up plus the measured iterations, recording only the measured ones', async () => {
    const { driver, calls } = timedDriver(1);
    const c = collector();
    const result = await runDriverLoop(driver, {
      options: resolveBenchOptions({ warmup: 3, iterations: 20 }),
      signal: new AbortController().signal,
      sink: c.sink,
    });
    expect(calls).toEqual({ prepare: 1, run: 23, dispose: 1 });
    expect(c.all()).toHaveLength(20);
    expect(c.phases).toEqual(['prepare', 'warmup', 'measure']);
    expect(c.warnings).toEqual(['something to know']);
    expect(result.extra).toEqual({ from: 'driver' });
    expect(result.sessionCreateMs).toBeGreaterThanOrEqual(4);
    expect(result.firstInferenceMs).toBeGreaterThanOrEqual(0.9);
    expect(result.peakRssBytes).toBeGreaterThan(1e6);
    // Each sample is the time of one ~1 ms iteration, not of the loop around it.
    for (const v of c.all()) expect(v).toBeGreaterThanOrEqual(0.9);
    expect(result.wallMs as number).toBeGreaterThanOrEqual(c.all().reduce((a, b) => a + b, 0));
  });

  it('measures for a duration when asked', async () => {
    const { driver } = timedDriver(2);
    const c = collector();
    const result = await runDriverLoop(driver, {
      options: resolveBenchOptions({ warmup: 0, durationMs: 300 }),
      signal: new AbortController().signal,
      sink: c.sink,
    });
    expect(result.wallMs as number).toBeGreaterThanOrEqual(300);
    expect(result.wallMs as number).toBeLessThan(600);
    expect(c.all().length).toBeGreaterThan(20);
  });

  it('hands samples over in batches about every 50 ms, each with the samples since the last', async () => {
    let n = 0;
    const driver: BenchDriver = {
      prepare: () => ({}),
      runOnce: () => {
        n++;
        spin(0.02);
      },
      dispose: () => {},
    };
    const c = collector();
    await runDriverLoop(driver, {
      options: resolveBenchOptions({ warmup: 0, durationMs: 400 }),
      signal: new AbortController().signal,
      sink: c.sink,
    });
    expect(c.all().length).toBe(n);
    expect(c.batches.length).toBeGreaterThanOrEqual(5);
    expect(c.batches.length).toBeLessThanOrEqual(400 / BATCH_INTERVAL_MS + 2);
  });

  it('stops promptly on abort, keeping the samples so far, and still disposes', async () => {
    const { driver, calls } = timedDriver(5);
    const c = collector();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const t0 = performance.now();
    await runDriverLoop(driver, {
      options: resolveBenchOptions({ warmup: 0, iterations: 10_000 }),
      signal: controller.signal,
      sink: c.sink,
    });
    // Promptly: one iteration after the abort, not the 10 000 asked for (50 s).
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(c.all().length).toBeGreaterThan(0);
    expect(c.all().length).toBeLessThan(10_000);
    expect(calls.dispose).toBe(1);
  });

  it('lets a cancel in even when the driver never yields', async () => {
    const driver: BenchDriver = {
      prepare: () => ({}),
      runOnce: () => spin(0.01),
      dispose: () => {},
    };
    const c = collector();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await runDriverLoop(driver, {
      options: resolveBenchOptions({ warmup: 0, iterations: 10_000_000 }),
      signal: controller.signal,
      sink: c.sink,
    });
    expect(c.all().length).toBeLessThan(10_000_000);
  });

  it('passes on a failure after handing over the samples measured before it', async () => {
    const { driver, calls } = timedDriver(1, { failAt: 8 });
    const c = collector();
    await expect(
      runDriverLoop(driver, {
        options: resolveBenchOptions({ warmup: 2, iterations: 50 }),
        signal: new AbortController().signal,
        sink: c.sink,
      }),
    ).rejects.toThrow('boom at iteration 8');
    expect(c.all()).toHaveLength(5);
    expect(calls.dispose).toBe(1);
  });
});
