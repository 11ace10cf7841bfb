/**
 * Did the warm-up reach steady state? A run whose first samples are clearly slower than the
 * rest measured part of the warm-up (a fresh worker's allocator and caches, the JavaScript
 * engine optimising the call path for sub-millisecond models). Found by comparing the median
 * of the first samples with the median of the second half; medians, so that a few slow
 * iterations caused by other programs do not trigger it.
 */
export interface WarmupVerdict {
  /** Median of the first `window` samples over the median of the second half. */
  headRatio: number;
  window: number;
  /** Measured iterations after which windows stay within 10% of the steady median. */
  settledAfter: number;
  suggestedWarmup: number;
}

/** Fewer samples than this say too little to judge. */
export const MIN_SAMPLES_FOR_CHECK = 40;
/** The head may be this much slower than the steady state before the run says so. */
export const HEAD_RATIO_LIMIT = 1.25;

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  return s[Math.floor(s.length / 2)];
}

/** Null when the run looks steady (or is too short to tell), else what was found. */
export function checkWarmup(samples: Float64Array, warmup: number): WarmupVerdict | null {
  const n = samples.length;
  if (n < MIN_SAMPLES_FOR_CHECK) return null;
  const window = Math.max(10, Math.floor(n / 10));
  const steady = median(samples.subarray(Math.floor(n / 2)));
  const headRatio = median(samples.subarray(0, window)) / steady;
  if (!(headRatio > HEAD_RATIO_LIMIT)) return null;
  let settledAfter = n;
  for (let start = 0; start + window <= n; start += Math.max(1, Math.floor(window / 2))) {
    if (median(samples.subarray(start, start + window)) <= steady * 1.1) {
      settledAfter = start;
      break;
    }
  }
  const needed = Math.max(warmup * 2, warmup + settledAfter + window);
  return { headRatio, window, settledAfter, suggestedWarmup: niceCeil(needed) };
}

/** The next value of the 1-2-5 series (10, 20, 50, 100, …) at or above n. */
export function niceCeil(n: number): number {
  for (let decade = 10; ; decade *= 10) {
    for (const step of [1, 2, 5]) if (step * decade >= n) return step * decade;
  }
}

export function warmupWarning(v: WarmupVerdict, warmup: number): string {
  return (
    `The first ${v.window} measured iterations were ${v.headRatio.toFixed(2)}x slower (median) than ` +
    `the second half: ${warmup} warm-up iterations were probably too short (steady after about ` +
    `${v.settledAfter} more), unless the machine just got less busy. ` +
    `Use --warmup ${v.suggestedWarmup} for numbers you can compare.`
  );
}
