/**
 * Turns a parsed rknn_benchmark log into a benchmark run summary: the log's own Avg Time as the
 * mean, the measured iterations as samples (warm-up apart), versions, tensors and memory.
 * Used by `coral bench import LOG` and, for live runs on a board, at the end of the run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { newRunId } from '../../bench/history';
import { resolveBenchOptions } from '../../bench/options';
import { computeStats } from '../../bench/stats';
import type { FinalStatus, ModelRef, RunRecord } from '../../bench/types';
import {
  parseRknnBenchmarkLog,
  RknnBenchmarkLogError,
  type RknnBenchmarkLog,
  type RknnLogFailure,
  type RknnLogMemory,
  type RknnLogTensor,
} from './benchmark-log';

export interface ImportedTensor {
  index: number;
  name: string;
  dims: number[];
  fmt: string | null;
  type: string | null;
  qntType: string | null;
}

export interface ImportedStats {
  unit: 'ms';
  /** The log's "Avg Time" (or the samples' mean when the summary line is missing). */
  mean: number;
  /** Where `mean` came from. */
  meanFrom: 'summary' | 'samples';
  /** The log's "Avg FPS" (or 1000 / mean). */
  fps: number | null;
  /** Measured iteration times in ms, in order; warm-up iterations are in `warmup`. */
  samples: number[];
  count: number;
  min: number | null;
  max: number | null;
  stddev: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** Mean of the printed iteration times (rounded to 0.01 ms by rknn_benchmark). */
  computedMean: number | null;
}

export interface ImportedRknnRun {
  source: string;
  board: string | null;
  /** False when the log stops before its summary (cut off, or failed mid-run). */
  complete: boolean;
  stats: ImportedStats;
  warmup: number[];
  runtimeVersion: string | null;
  driverVersion: string | null;
  inputs: ImportedTensor[];
  outputs: ImportedTensor[];
  memory: RknnLogMemory;
  failures: Array<Pick<RknnLogFailure, 'line' | 'message' | 'codeName' | 'code' | 'api'>>;
  warnings: string[];
}

function tensor(t: RknnLogTensor): ImportedTensor {
  return {
    index: t.index,
    name: t.name,
    dims: t.dims,
    fmt: t.fmt,
    type: t.type,
    qntType: t.qntType,
  };
}

/**
 * Summarizes a parsed log. Throws RknnBenchmarkLogError RKNN_BENCHMARK_FAILED when the run
 * failed before measuring anything (the message carries the failure and its RKNN_ERR_* name),
 * or RKNN_LOG_NO_SAMPLES when the log has no measured iteration for another reason.
 */
export function summarizeBenchmarkLog(
  log: RknnBenchmarkLog,
  options: { source: string; board?: string | null },
): ImportedRknnRun {
  const { source } = options;
  if (log.samples.length === 0) {
    const failure = log.failures[0];
    const runtimeErrors = log.runtimeMessages.filter((m) => m.level === 'E').map((m) => m.message);
    if (failure || runtimeErrors.length > 0) {
      const what = failure ? failure.message : runtimeErrors[0];
      const said =
        runtimeErrors.length > 0 ? ` The runtime said: ${runtimeErrors.join(' / ')}` : '';
      throw new RknnBenchmarkLogError(
        'RKNN_BENCHMARK_FAILED',
        `The run in ${source} failed before measuring: ${what}.${said}`,
        {
          hint: failure?.hint ?? 'Fix the failure above and run rknn_benchmark again.',
          detail: { failures: log.failures, runtimeMessages: log.runtimeMessages },
        },
      );
    }
    throw new RknnBenchmarkLogError(
      'RKNN_LOG_NO_SAMPLES',
      `${source} has no measured iterations ("N: Elapse Time = ...ms" after "Begin perf ...").`,
      {
        hint: 'The run was cut off before measuring; run rknn_benchmark again and keep its whole output.',
      },
    );
  }
  const samples = log.samples.map((s) => s.ms);
  const stats = computeStats(Float64Array.from(samples));
  const computedMean = stats.mean;
  const fromSummary = log.summary !== null;
  const mean = fromSummary ? (log.summary as { avgMs: number }).avgMs : (computedMean as number);
  const warnings = [...log.warnings];
  if (!fromSummary)
    warnings.push(
      `No summary line: the mean is computed from the ${samples.length} measured iterations.`,
    );
  for (const f of log.failures) warnings.push(`Line ${f.line}: ${f.message}.`);
  return {
    source,
    board: options.board ?? null,
    complete: log.complete,
    stats: {
      unit: 'ms',
      mean,
      meanFrom: fromSummary ? 'summary' : 'samples',
      fps: log.summary?.avgFps ?? (mean > 0 ? round3(1000 / mean) : null),
      samples,
      count: samples.length,
      min: stats.min,
      max: stats.max,
      stddev: stats.stddev,
      p50: stats.p50,
      p90: stats.p90,
      p99: stats.p99,
      computedMean,
    },
    warmup: log.warmup.map((w) => w.ms),
    runtimeVersion: log.runtimeVersion,
    driverVersion: log.driverVersion,
    inputs: log.inputs.map(tensor),
    outputs: log.outputs.map(tensor),
    memory: log.memory,
    failures: log.failures.map((f) => ({
      line: f.line,
      message: f.message,
      ...(f.code !== undefined ? { code: f.code } : {}),
      ...(f.codeName ? { codeName: f.codeName } : {}),
      ...(f.api ? { api: f.api } : {}),
    })),
    warnings,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

const MAX_LOG_BYTES = 64 * 1024 * 1024;

/** Reads, parses and summarizes a saved log file; errors name the file. */
export async function importBenchmarkLogFile(
  file: string,
  options: { board?: string | null } = {},
): Promise<ImportedRknnRun> {
  const abs = path.resolve(file);
  let bytes: Buffer;
  try {
    const stat = await fs.stat(abs);
    if (!stat.isFile()) {
      throw new RknnBenchmarkLogError('RKNN_LOG_NOT_A_FILE', `${abs} is not a file.`, {
        hint: 'Give the path of a saved rknn_benchmark output.',
      });
    }
    if (stat.size > MAX_LOG_BYTES) {
      throw new RknnBenchmarkLogError(
        'RKNN_LOG_TOO_LARGE',
        `${abs} is ${stat.size} bytes; a benchmark log is far smaller.`,
        {
          hint: 'Is this the right file? Split a concatenated log into one file per run.',
        },
      );
    }
    bytes = await fs.readFile(abs);
  } catch (e) {
    if (e instanceof RknnBenchmarkLogError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new RknnBenchmarkLogError(
      code === 'ENOENT' ? 'RKNN_LOG_NOT_FOUND' : 'RKNN_LOG_UNREADABLE',
      code === 'ENOENT'
        ? `${abs} does not exist.`
        : `${abs} cannot be read (${code ?? String(e)}).`,
      { hint: 'Check the path of the saved rknn_benchmark output.', cause: e },
    );
  }
  const log = parseRknnBenchmarkLog(bytes, { source: abs });
  return summarizeBenchmarkLog(log, { source: abs, board: options.board ?? null });
}

/**
 * A stand-in identity for the model of a log imported without `--model`: rknn_benchmark does
 * not print the model path, but its tensor table identifies the model well enough to group runs.
 */
export function logModelRef(run: ImportedRknnRun): ModelRef {
  const signature = JSON.stringify({ inputs: run.inputs, outputs: run.outputs });
  return {
    path: `(from ${path.basename(run.source)})`,
    sha256: `io:${createHash('sha256').update(signature).digest('hex')}`,
    size: 0,
    format: '.rknn',
  };
}

/** The history record of an imported run (adapter `rknn`, target = the board name). */
export function importedRunRecord(
  run: ImportedRknnRun,
  options: { model?: ModelRef; label?: string; startedAt?: Date; id?: string } = {},
): RunRecord {
  const started = (options.startedAt ?? new Date()).toISOString();
  const failure = run.failures[0];
  const status: FinalStatus = run.complete ? 'finished' : failure ? 'failed' : 'interrupted';
  const computed = computeStats(Float64Array.from(run.stats.samples));
  const record: RunRecord = {
    id: options.id ?? newRunId(options.startedAt),
    startedAt: started,
    finishedAt: started,
    adapter: 'rknn',
    target: run.board ?? 'unknown-board',
    model: options.model ?? logModelRef(run),
    options: resolveBenchOptions({
      warmup: run.warmup.length,
      iterations: Math.max(1, run.stats.count),
      executionProvider: 'npu',
      inputData: 'zeros',
    }),
    status,
    // The log's own average wins over the mean of its 0.01 ms-rounded lines.
    stats: { ...computed, mean: run.stats.mean, throughput: run.stats.fps },
    sampleCount: run.stats.count,
    warnings: run.warnings,
    extra: {
      source: 'rknn_benchmark log',
      logFile: run.source,
      board: run.board,
      complete: run.complete,
      runtimeVersion: run.runtimeVersion,
      driverVersion: run.driverVersion,
      memory: run.memory,
      inputs: run.inputs,
      outputs: run.outputs,
      warmup: run.warmup,
    },
    samples: Float64Array.from(run.stats.samples),
  };
  if (options.label) record.label = options.label;
  if (status === 'failed' && failure) {
    record.error = {
      code: failure.codeName ?? 'RKNN_BENCHMARK_FAILED',
      message: `Line ${failure.line}: ${failure.message}.`,
    };
  }
  return record;
}
