/**
 * The RKNN benchmark on a board (the remote path), over any transport:
 *
 *   before the run (bad input → the run does not start): inspect the model, connect, probe,
 *   check the model against the board's SoC and librknnrt and the core mask against its NPU,
 *   find rknn_benchmark;
 *   the run: push the model (progress as the `push` gauge) into a private run directory,
 *   run rknn_benchmark with the board-runtime flags as CORAL_ENABLE_* environment, stream each
 *   measured iteration line to the runner as a sample, record NPU load per core from telemetry
 *   (the `npu` gauge), parse the header and summary, and remove the run directory.
 *
 * Cancel kills the remote process (the transport's exec kills its process group). A dropped
 * connection ends the run as `interrupted` with the samples measured so far.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { PreparedSource, SourceRequest } from '../../../bench/service';
import type { SourceContext, SourceResult } from '../../../bench/types';
import { shQuote } from '../../../boards/exec-wrap';
import { isCancelled } from '../../../boards/transport-base';
import { CoralError, describeError, toCoralError } from '../../../runtime/errors';
import type { Logger } from '../../../runtime/types';
import { benchmarkLogSink } from '../benchmark-stream';
import { inspectRknn } from '../inspect';
import type { BoardResolver, RemoteBoard } from './board-link';
import { assertCoreMaskValue, checkOnBoard, type BoardCheck } from './check';
import { NpuLoadRecorder } from './npu-load';
import {
  benchmarkCommand,
  checkWorkDir,
  cleanupCommand,
  DEFAULT_WORK_DIR,
  type BenchmarkTool,
} from './tool';

export interface RemoteRknnOptions {
  boards: BoardResolver;
  /** CORAL_RKNN_BENCHMARK (tool path on the board) and CORAL_RKNN_WORKDIR are read here. */
  env?: NodeJS.ProcessEnv;
  /** Board-runtime flags as CORAL_ENABLE_* (exported to rknn_benchmark). */
  remoteEnv?: () => Record<string, string>;
  /** NPU load sampling period during the run (default 500 ms). */
  telemetryIntervalMs?: number;
  log?: Logger;
}

/** Errors that mean the board went away rather than that the run failed. */
const CONNECTION_LOST = new Set(['BOARD_DISCONNECTED', 'BOARD_CLOSED']);

export function isConnectionLost(e: unknown): boolean {
  return e instanceof CoralError && CONNECTION_LOST.has(e.code);
}

/** Where on the board: the saved board's option, else CORAL_RKNN_WORKDIR, else /tmp/coral. */
export function resolveWorkDir(
  board: Pick<RemoteBoard, 'workDir' | 'name'>,
  env: NodeJS.ProcessEnv,
): string {
  if (board.workDir) return checkWorkDir(board.workDir, `work directory of board ${board.name}`);
  if (env.CORAL_RKNN_WORKDIR) return checkWorkDir(env.CORAL_RKNN_WORKDIR, 'CORAL_RKNN_WORKDIR');
  return DEFAULT_WORK_DIR;
}

/** Prepares a run on a board; throws for anything that makes the run pointless. */
export async function prepareRemoteRun(
  req: SourceRequest,
  o: RemoteRknnOptions,
): Promise<PreparedSource> {
  const env = o.env ?? process.env;
  const { options } = req;
  if (options.durationMs !== null) {
    throw new CoralError(
      'RKNN_DURATION_UNSUPPORTED',
      'rknn_benchmark runs a fixed number of loops; a benchmark duration cannot be used on a board.',
      { hint: 'Give a loop count instead (--loops N, or Iterations in the app).' },
    );
  }
  const coreMask = options.coreMask ?? null;
  assertCoreMaskValue(coreMask);
  const info = await inspectRknn(req.model);
  const board = await o.boards(req.target);
  let check: BoardCheck;
  let workDir: string;
  try {
    workDir = resolveWorkDir(board, env);
    check = await checkOnBoard(info, board, {
      coreMask,
      configuredBenchmark: env.CORAL_RKNN_BENCHMARK || null,
      workDir,
    });
    if (check.compat.verdict === 'error') {
      throw new CoralError('RKNN_INCOMPATIBLE', check.compat.message, {
        ...(check.compat.hint ? { hint: check.compat.hint } : {}),
        detail: check.compat,
      });
    }
    if ('error' in check.benchmark) {
      const e = check.benchmark.error;
      throw new CoralError(e.code, e.message, { ...(e.hint ? { hint: e.hint } : {}) });
    }
  } catch (e) {
    await board.release();
    throw e;
  }
  const tool = check.benchmark.tool;
  const warnings = check.compat.findings
    .filter((f) => f.verdict === 'warning')
    .map((f) => f.message);
  if (check.npuLoadUnavailable)
    warnings.push(`NPU load is not recorded: ${check.npuLoadUnavailable}.`);
  req.log.info(
    'rknn',
    `Benchmarking ${path.basename(info.file)} on ${board.name} (${check.board.soc ?? '?'}) with ${tool.path}`,
  );
  return {
    model: { path: info.file, sha256: info.sha256, size: info.size, format: 'rknn' },
    target: board.id,
    extra: {
      board: check.board,
      probe: check.probe,
      compatibility: { verdict: check.compat.verdict, findings: check.compat.findings },
      toolkitVersion: info.toolkitVersion,
      targetPlatforms: info.targetPlatforms,
      benchmarkTool: tool,
      workDir,
      coreMask,
    },
    source: {
      run: (ctx) =>
        runOnBoard(ctx, {
          board,
          tool,
          workDir,
          modelFile: info.file,
          coreMask,
          warnings,
          npuUnavailable: check.npuLoadUnavailable,
          remoteEnv: o.remoteEnv?.() ?? {},
          intervalMs: o.telemetryIntervalMs ?? 500,
          ...(o.log ? { log: o.log } : {}),
        }),
    },
  };
}

interface RunPlan {
  board: RemoteBoard;
  tool: BenchmarkTool;
  workDir: string;
  modelFile: string;
  coreMask: number | null;
  warnings: string[];
  npuUnavailable: string | null;
  remoteEnv: Record<string, string>;
  intervalMs: number;
  log?: Logger;
}

/** The last few KB of output, for error messages (the full output is parsed as it streams). */
class Tail {
  private text = '';
  add(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-4096);
  }
  lines(n: number): string {
    return this.text.trim().split(/\r?\n/).slice(-n).join(' / ');
  }
}

async function runOnBoard(ctx: SourceContext, plan: RunPlan): Promise<SourceResult> {
  const { sink, signal, options } = ctx;
  const { board } = plan;
  const t = board.transport;
  for (const w of plan.warnings) sink.warn(w);
  sink.phase('prepare');
  const cmd = benchmarkCommand({
    tool: plan.tool.path,
    workDir: plan.workDir,
    runTag: crypto.randomBytes(6).toString('hex'),
    modelFile: plan.modelFile,
    loops: options.iterations ?? 0,
    coreMask: plan.coreMask,
  });
  const recorder = new NpuLoadRecorder(t, {
    intervalMs: plan.intervalMs,
    unavailable: plan.npuUnavailable,
    onReading: (p) => sink.gauge?.('npu', p),
  });
  const tail = new Tail();
  let interrupted: CoralError | null = null;
  let madeDir = false;
  const extra: Record<string, unknown> = { remoteDir: cmd.runDir };
  try {
    try {
      await t.exec(`mkdir -p ${shQuote(cmd.runDir)}`, {
        killable: false,
        timeoutMs: 15_000,
        signal,
      });
      madeDir = true;
      const pushStarted = performance.now();
      let lastGauge = 0;
      const pushed = await t.push(plan.modelFile, cmd.remoteModel, {
        signal,
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastGauge < 100 && p.bytes < p.total) return;
          lastGauge = now;
          sink.gauge?.('push', [p.total ? p.bytes / p.total : 1]);
        },
      });
      extra.push = { bytes: pushed.bytes, ms: Math.round(performance.now() - pushStarted) };
    } catch (e) {
      if (signal.aborted || isCancelled(e)) return { extra };
      if (isConnectionLost(e)) return { extra, interrupted: toCoralError(e).toJSON() };
      throw e;
    }

    const logSink = benchmarkLogSink(sink, {
      source: `${plan.tool.path} on ${board.name}`,
      board: board.name,
    });
    const feed = (chunk: Buffer) => {
      tail.add(chunk);
      logSink.push(chunk);
    };
    let code: number | null = null;
    recorder.start();
    const started = performance.now();
    try {
      const res = await t.exec(cmd.command, {
        signal,
        env: plan.remoteEnv,
        collect: false,
        killable: true,
        onStdout: feed,
        onStderr: feed,
      });
      code = res.code;
    } catch (e) {
      if (signal.aborted || isCancelled(e)) {
        // cancelled: the remote process was killed; keep what was measured
      } else if (isConnectionLost(e)) {
        interrupted = toCoralError(e);
      } else {
        throw e;
      }
    } finally {
      recorder.stop();
    }
    extra.benchmarkMs = Math.round(performance.now() - started);
    extra.exitCode = code;
    extra.npuLoad = recorder.record();

    if (code === 126 || code === 127) {
      throw new CoralError(
        'RKNN_BENCHMARK_NOT_RUNNABLE',
        `${plan.tool.path} could not be started on board ${board.name} (exit code ${code}): ${tail.lines(3)}`,
        {
          hint: 'Check that it is built for the board (aarch64 vs armhf) and executable; `file` on the board tells.',
        },
      );
    }
    let parsed: ReturnType<typeof logSink.finish> | null = null;
    try {
      parsed = logSink.finish();
    } catch (e) {
      // nothing measured: a failure to report, unless the run was stopped or cut off
      if (!interrupted && !signal.aborted) throw e;
    }
    if (parsed && !parsed.log.complete && !interrupted && !signal.aborted) {
      sink.warn(
        `rknn_benchmark on ${board.name} stopped before its summary (exit code ${code ?? '?'}): ${tail.lines(2)}`,
      );
    }
    const { log: _log, ...result } = parsed ?? {};
    return {
      ...result,
      extra: { ...(parsed?.extra ?? {}), ...extra },
      ...(interrupted ? { interrupted: interrupted.toJSON() } : {}),
    };
  } finally {
    recorder.stop();
    if (madeDir) await cleanup(plan, cmd.runDir, sink);
    await board.release().catch(() => {});
  }
}

async function cleanup(plan: RunPlan, runDir: string, sink: SourceContext['sink']): Promise<void> {
  const t = plan.board.transport;
  const left = `Left ${runDir} on board ${plan.board.name}`;
  if (t.state !== 'connected') {
    sink.warn(`${left}: the connection is gone. Remove it by hand (rm -rf ${runDir}).`);
    return;
  }
  try {
    const res = await t.exec(cleanupCommand(runDir), { killable: false, timeoutMs: 15_000 });
    if (res.code !== 0)
      sink.warn(
        `${left}: rm said ${res.stdout.trim() || res.stderr.trim() || `exit ${res.code}`}.`,
      );
  } catch (e) {
    sink.warn(`${left}: ${describeError(e)}.`);
    plan.log?.warn('rknn', `${left}: ${describeError(e)}`);
  }
}
