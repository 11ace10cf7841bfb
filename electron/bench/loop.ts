import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SampleBuffer } from './stats';
import type { BenchDriver, SourceContext, SourceResult } from './types';

/** How often the loop hands samples to its sink (~20 Hz, the UI's refresh budget). */
export const BATCH_INTERVAL_MS = 50;
/** A run stops measuring here (40 MB of float64) and says so, rather than exhaust memory. */
export const MAX_SAMPLES = 5_000_000;

/**
 * Times a driver: prepare, warm-up (the first iteration is the cold "first inference"),
 * then measured iterations until the count or the duration is reached or the signal aborts.
 * The only work between two timed calls is a clock read, one store into a typed array and,
 * every BATCH_INTERVAL_MS, one hand-off to the sink, so the loop adds next to nothing.
 * Samples measured before a failure or a cancel reach the sink before this returns/throws.
 */
export async function runDriverLoop(
  driver: BenchDriver,
  ctx: SourceContext,
): Promise<SourceResult> {
  const { options, signal, sink } = ctx;
  const now = () => performance.now();
  const pending = new SampleBuffer(4096);
  let flushed = 0;
  const flush = () => {
    if (pending.length > flushed) {
      sink.samples(pending.slice(flushed));
      flushed = pending.length;
    }
  };
  const result: SourceResult = { sessionCreateMs: null, firstInferenceMs: null, wallMs: null };
  try {
    sink.phase('prepare');
    const t0 = now();
    const prep = await driver.prepare(signal);
    result.sessionCreateMs = prep.sessionCreateMs ?? now() - t0;
    for (const w of prep.warnings ?? []) sink.warn(w);
    if (prep.extra) result.extra = prep.extra;
    if (signal.aborted) return result;

    sink.phase('warmup');
    for (let i = 0; i < options.warmup && !signal.aborted; i++) {
      const t = now();
      await driver.runOnce();
      if (i === 0) result.firstInferenceMs = now() - t;
      if (i % 16 === 15) await yieldToEventLoop();
    }
    if (signal.aborted) return result;

    sink.phase('measure');
    const limit = Math.min(options.iterations ?? Number.POSITIVE_INFINITY, MAX_SAMPLES);
    const deadline = options.durationMs ?? Number.POSITIVE_INFINITY;
    const start = now();
    let lastFlush = start;
    let t1 = start;
    for (let i = 0; i < limit && !signal.aborted; i++) {
      const t = now();
      await driver.runOnce();
      t1 = now();
      pending.push(t1 - t);
      if (t1 - lastFlush >= BATCH_INTERVAL_MS) {
        flush();
        lastFlush = t1;
        // Synchronous drivers never give the event loop a turn; a cancel must still get in.
        await yieldToEventLoop();
        t1 = now();
      }
      if (t1 - start >= deadline) break;
    }
    result.wallMs = t1 - start;
    if (pending.length >= MAX_SAMPLES) {
      sink.warn(
        `Stopped at ${MAX_SAMPLES} samples (the most one run keeps); use a shorter duration.`,
      );
    }
    if (result.firstInferenceMs === null && pending.length)
      result.firstInferenceMs = pending.view()[0];
    return result;
  } finally {
    flush();
    result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
    await driver.dispose();
  }
}
