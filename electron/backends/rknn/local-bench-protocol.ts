/** Messages between the local RKNN benchmark (local-bench.ts) and its child process (local-bench-host.ts). */
import type { CoralErrorShape } from '../../runtime/errors';
import type { BenchOptions, RunPhase, SourceResult } from '../../bench/types';

export type LocalBenchRequest =
  | {
      type: 'run';
      model: string;
      library: string;
      options: BenchOptions;
      /** Core mask to set before running (null: leave the runtime's default). */
      coreMask: number | null;
      /** Found before starting (compatibility warnings); reported as the run's warnings. */
      warnings: string[];
    }
  | { type: 'cancel' };

export type LocalBenchMessage =
  | { type: 'phase'; phase: RunPhase }
  | { type: 'samples'; values: Float64Array }
  | { type: 'warn'; message: string }
  | { type: 'done'; result: SourceResult }
  | { type: 'error'; error: CoralErrorShape };
