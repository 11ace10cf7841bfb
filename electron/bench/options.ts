import { z } from 'zod';
import { CoralError } from '../runtime/errors';
import type { BenchOptions } from './types';

export const DEFAULT_ITERATIONS = 100;

const threads = z.number().int().min(1).max(256).nullable();

/**
 * Benchmark options as the CLI, the IPC layer and stored runs give them. Everything has a
 * default; `iterations` and `durationMs` are exclusive (neither → DEFAULT_ITERATIONS).
 */
export const benchOptionsSchema = z
  .object({
    warmup: z.number().int().min(0).max(100_000).default(10),
    iterations: z.number().int().min(1).max(10_000_000).nullable().default(null),
    durationMs: z
      .number()
      .min(1)
      .max(24 * 3600 * 1000)
      .nullable()
      .default(null),
    intraOpThreads: threads.default(null),
    interOpThreads: threads.default(null),
    graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
    executionProvider: z.string().trim().min(1).max(64).default('cpu'),
    shapes: z
      .record(
        z.string().min(1),
        z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(1 << 30),
          )
          .min(1),
      )
      .default({}),
    inputData: z.enum(['random', 'zeros']).default('random'),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** RKNN core mask (checked against the board's SoC by the rknn adapter); null = auto. */
    coreMask: z.number().int().min(0).max(255).nullable().default(null),
  })
  .strict()
  .refine((o) => o.iterations === null || o.durationMs === null, {
    message: 'give either iterations or a duration, not both',
    path: ['durationMs'],
  })
  .transform((o): BenchOptions => ({
    ...o,
    iterations: o.iterations === null && o.durationMs === null ? DEFAULT_ITERATIONS : o.iterations,
  }));

export type BenchOptionsInput = z.input<typeof benchOptionsSchema>;

/** Validates options; a bad value becomes BENCH_BAD_OPTIONS naming the option. */
export function resolveBenchOptions(input: unknown = {}): BenchOptions {
  const parsed = benchOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'options';
  throw new CoralError(
    'BENCH_BAD_OPTIONS',
    `Invalid benchmark option ${where}: ${issue.message}.`,
    {
      hint: 'See `coral bench --help` for the accepted values.',
      detail: parsed.error.issues,
    },
  );
}

/** `10s`, `500ms`, `2m`, `1.5s`, `90` (seconds) → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(text);
  const unit = (m?.[2] ?? 's').toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[unit] ?? 0;
  const ms = m ? Number(m[1]) * factor : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new CoralError('BENCH_BAD_OPTIONS', `Invalid duration "${text}".`, {
      hint: 'Write a positive number with a unit: 500ms, 10s, 2m.',
    });
  }
  return ms;
}

/**
 * `images=1x3x640x640` (a whole input shape) or `batch=4` (a symbolic dimension) → an entry
 * of BenchOptions.shapes. Repeated flags accumulate.
 */
export function parseShape(
  text: string,
  into: Record<string, number[]> = {},
): Record<string, number[]> {
  const m = /^\s*([^=\s]+)\s*=\s*(\d+(?:\s*[x,]\s*\d+)*)\s*$/i.exec(text);
  if (!m) {
    throw new CoralError('BENCH_BAD_OPTIONS', `Invalid shape "${text}".`, {
      hint: 'Write name=AxBxC for an input (images=1x3x640x640) or name=N for a symbolic dimension (batch=4).',
    });
  }
  into[m[1]] = m[2].split(/\s*[x,]\s*/i).map(Number);
  return into;
}
