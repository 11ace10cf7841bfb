/**
 * Live rknn_benchmark output → the benchmark runner. The remote (board) path pipes the
 * process's stdout/stderr chunks in; each measured iteration line becomes a sample as it
 * arrives, the "Warmup ..." / "Begin perf ..." lines become phases, and at the end the parsed
 * header (versions, memory, tensors) becomes the run's `extra`.
 */
import type { SourceResult, SourceSink } from '../../bench/types';
import { summarizeBenchmarkLog } from './benchmark-import';
import { RknnBenchmarkLogParser, type RknnBenchmarkLog } from './benchmark-log';

export interface BenchmarkLogSink {
  /** Feed output as it arrives (split anywhere; CRLF and partial lines are fine). */
  push(chunk: string | Uint8Array): void;
  /**
   * The stream ended. Returns what the runner stores; throws RknnBenchmarkLogError
   * RKNN_BENCHMARK_FAILED (with the RKNN_ERR_* name and advice) when nothing was measured.
   */
  finish(): SourceResult & { log: RknnBenchmarkLog };
}

export function benchmarkLogSink(
  sink: SourceSink,
  options: { source: string; board?: string | null },
): BenchmarkLogSink {
  let started = false;
  const parser = new RknnBenchmarkLogParser({
    source: options.source,
    onEvent: (e) => {
      if (!started && e.type !== 'runtime-message') {
        started = true;
        sink.phase('prepare');
      }
      if (e.type === 'phase') sink.phase(e.phase);
      else if (e.type === 'iteration' && e.iteration.phase === 'measure')
        sink.samples([e.iteration.ms]);
      else if (e.type === 'failure')
        sink.warn(`${e.failure.message}${e.failure.hint ? ` (${e.failure.hint})` : ''}`);
    },
  });
  return {
    push: (chunk) => parser.push(chunk),
    finish: () => {
      const log = parser.end();
      const run = summarizeBenchmarkLog(log, {
        source: options.source,
        board: options.board ?? null,
      });
      for (const w of log.warnings) sink.warn(w);
      return {
        log,
        firstInferenceMs: run.warmup[0] ?? null,
        // rknn_benchmark prints no wall time: the measured iterations back to back.
        wallMs: run.stats.samples.reduce((a, b) => a + b, 0),
        extra: {
          runtimeVersion: run.runtimeVersion,
          driverVersion: run.driverVersion,
          memory: run.memory,
          inputs: run.inputs,
          outputs: run.outputs,
          warmup: run.warmup,
          logAvgMs: log.summary?.avgMs ?? null,
          logAvgFps: log.summary?.avgFps ?? null,
          complete: log.complete,
        },
      };
    },
  };
}
