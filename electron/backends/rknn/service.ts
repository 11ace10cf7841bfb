/**
 * What the app's RKNN screens ask (through IPC): the targets a .rknn model can run on (this
 * machine when its NPU is usable, and the saved boards), a model's facts, and the verdict of
 * the compatibility check against a target before Start.
 */
import type { HistoryHandle } from '../../bench/history';
import type { BoardsService } from '../../boards/service';
import { CoralError } from '../../runtime/errors';
import { detectPlatform } from '../../runtime/platform';
import type { Logger } from '../../runtime/types';
import { importedRunRecord, summarizeBenchmarkLog } from './benchmark-import';
import { parseRknnBenchmarkLog } from './benchmark-log';
import { checkCompatibility, type CompatFinding, type Verdict } from './compat';
import { inspectRknn, type RknnModelInfo } from './inspect';
import { rknnLocalStatus } from './local';
import { socInfo } from './platforms';
import { serviceBoards } from './remote/board-link';
import { assertCoreMaskValue, checkOnBoard, type BoardFacts } from './remote/check';
import { resolveWorkDir } from './remote/source';

export interface RknnTarget {
  /** `local`, or a saved board's id (what bench.start takes as `target`). */
  id: string;
  name: string;
  kind: 'local' | 'ssh' | 'adb' | 'adb-tcp' | 'virtual';
  /** The connection target, for boards. */
  target?: string;
  /** Local: whether the NPU path works here. Boards: always true (checked on use). */
  available: boolean;
  reason?: string;
  /** From the last probe (boards) or the device tree (local). */
  soc: string | null;
  boardModel?: string | null;
  virtual: boolean;
  /** Boards: the connection state now. */
  state?: string;
}

export interface RknnCheckResult {
  model: Pick<
    RknnModelInfo,
    'file' | 'size' | 'sha256' | 'toolkitVersion' | 'targetPlatforms' | 'modelName'
  >;
  target: string;
  verdict: Verdict;
  message: string;
  hint?: string;
  findings: CompatFinding[];
  /** For boards: what the probe found. */
  board?: BoardFacts;
  /** For boards: rknn_benchmark's path, or why it is missing. */
  benchmark?: { path: string } | { error: { code: string; message: string; hint?: string } };
  /** Why NPU load will not be recorded (boards), when it will not. */
  npuLoadUnavailable?: string | null;
}

export interface ImportedLog {
  /** The stored run's id; null when it was not saved (and why). */
  runId: string | null;
  notSavedReason?: string;
  status: 'finished' | 'failed' | 'interrupted';
  samples: number;
  meanMs: number;
  fps: number | null;
  runtimeVersion: string | null;
  driverVersion: string | null;
  warnings: string[];
}

export interface RknnServiceOptions {
  /** The app's boards; null when this front door has none. */
  boards: BoardsService | null;
  /** Where imported logs are stored (the bench history); absent: imports are not saved. */
  history?: HistoryHandle | null;
  /** Whether runs are saved now (flag metric_sink); a string says why not. */
  saving?: () => true | string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export class RknnService {
  constructor(private readonly o: RknnServiceOptions) {}

  private get env(): NodeJS.ProcessEnv {
    return this.o.env ?? process.env;
  }

  inspect(model: string): Promise<RknnModelInfo> {
    return inspectRknn(model);
  }

  /** A saved rknn_benchmark output (as uploaded) → a run in the history, as `coral bench import`. */
  importLog(req: { name: string; bytes: Uint8Array; board?: string; label?: string }): ImportedLog {
    if (req.bytes.byteLength > 64 * 1024 * 1024) {
      throw new CoralError(
        'RKNN_LOG_TOO_LARGE',
        `${req.name} is far larger than a benchmark log.`,
        {
          hint: 'Split a concatenated log into one file per run.',
        },
      );
    }
    const log = parseRknnBenchmarkLog(req.bytes, { source: req.name });
    const run = summarizeBenchmarkLog(log, { source: req.name, board: req.board ?? null });
    const record = importedRunRecord(run, { ...(req.label ? { label: req.label } : {}) });
    const saving = this.o.saving?.() ?? true;
    const store = this.o.history?.store ?? null;
    let runId: string | null = null;
    let notSavedReason: string | undefined;
    if (saving !== true) notSavedReason = saving;
    else if (!store) notSavedReason = this.o.history?.error?.message ?? 'no run history is open';
    else {
      store.save(record);
      runId = record.id;
    }
    return {
      runId,
      ...(notSavedReason ? { notSavedReason } : {}),
      status: record.status as ImportedLog['status'],
      samples: run.stats.count,
      meanMs: run.stats.mean,
      fps: run.stats.fps,
      runtimeVersion: run.runtimeVersion,
      driverVersion: run.driverVersion,
      warnings: run.warnings,
    };
  }

  /** This machine (always listed, with why it cannot run models) and every saved board. */
  targets(): RknnTarget[] {
    const status = rknnLocalStatus(this.env);
    const soc = detectPlatform().soc ?? null;
    const local: RknnTarget = {
      id: 'local',
      name: 'This machine',
      kind: 'local',
      available: status.available,
      ...(status.available ? {} : { reason: status.reason ?? 'the local NPU path is unavailable' }),
      soc,
      virtual: false,
    };
    const boards: RknnTarget[] = (this.o.boards?.list() ?? []).map((b) => ({
      id: b.id,
      name: b.name,
      kind: b.kind,
      target: b.target,
      available: true,
      soc: b.lastProbe?.soc ?? null,
      boardModel: b.lastProbe?.boardModel ?? null,
      virtual: b.virtual,
      state: b.state,
    }));
    return [local, ...boards];
  }

  /** The verdict for a model on a target (a board is connected and probed; nothing is pushed). */
  async check(
    req: { model: string; target: string; coreMask?: number | null },
    signal?: AbortSignal,
  ): Promise<RknnCheckResult> {
    assertCoreMaskValue(req.coreMask);
    const info = await inspectRknn(req.model);
    const model = {
      file: info.file,
      size: info.size,
      sha256: info.sha256,
      toolkitVersion: info.toolkitVersion,
      targetPlatforms: info.targetPlatforms,
      modelName: info.modelName,
    };
    const coreMask = req.coreMask ?? null;
    if (req.target === 'local') {
      const status = rknnLocalStatus(this.env);
      const soc = detectPlatform().soc ?? null;
      const compat = checkCompatibility(
        info,
        { soc, librknnrtVersion: status.library.version ?? null, label: 'this machine' },
        coreMask !== null ? { coreMask } : {},
      );
      if (!status.available) {
        const finding: CompatFinding = {
          check: 'runtime',
          verdict: 'error',
          code: 'RKNN_LOCAL_UNAVAILABLE',
          message: `This machine cannot run .rknn models: ${status.reason}.`,
          hint: socInfo(soc)
            ? 'Build the native addon (npm run build:native) and install librknnrt; see `coral rknn status`.'
            : 'Pick a board instead.',
        };
        return {
          model,
          target: 'local',
          verdict: 'error',
          message: finding.message,
          ...(finding.hint ? { hint: finding.hint } : {}),
          findings: [finding, ...compat.findings],
        };
      }
      return { model, target: 'local', ...compat };
    }
    if (!this.o.boards) {
      return {
        model,
        target: req.target,
        verdict: 'error',
        message: 'Boards are not available in this front door.',
        findings: [],
      };
    }
    const board = await serviceBoards(this.o.boards)(req.target);
    try {
      const c = await checkOnBoard(info, board, {
        coreMask,
        configuredBenchmark: this.env.CORAL_RKNN_BENCHMARK || null,
        workDir: resolveWorkDir(board, this.env),
        ...(signal ? { signal } : {}),
      });
      const compat = { ...c.compat, findings: [...c.compat.findings] };
      if ('error' in c.benchmark) {
        // Start would fail: the verdict says so before it is pressed
        const e = c.benchmark.error;
        compat.findings.push({
          check: 'runtime',
          verdict: 'error',
          code: e.code,
          message: e.message,
          ...(e.hint ? { hint: e.hint } : {}),
        });
        if (compat.verdict !== 'error') {
          compat.verdict = 'error';
          compat.message = e.message;
          if (e.hint) compat.hint = e.hint;
          else delete compat.hint;
        }
      }
      return {
        model,
        target: board.id,
        ...compat,
        board: c.board,
        benchmark: 'tool' in c.benchmark ? { path: c.benchmark.tool.path } : c.benchmark,
        npuLoadUnavailable: c.npuLoadUnavailable,
      };
    } finally {
      await board.release();
    }
  }
}
