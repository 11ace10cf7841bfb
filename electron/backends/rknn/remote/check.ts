/**
 * "Will this model run on that board?" against the board itself: one probe (SoC, librknnrt,
 * NPU driver) and the rknn_benchmark lookup, then the compatibility check. Used before every
 * remote run, by `coral rknn check MODEL --board TARGET` and by the UI's verdict.
 */
import type { ProbeReport } from '../../../boards/probe';
import { CoralError, toCoralError, type CoralErrorShape } from '../../../runtime/errors';
import { checkCompatibility, validateCoreMask, type CompatResult } from '../compat';
import type { RknnModelInfo } from '../inspect';
import type { RemoteBoard } from './board-link';
import { npuLoadUnavailable } from './npu-load';
import { findBenchmark, type BenchmarkTool } from './tool';

export interface BoardFacts {
  id: string;
  name: string;
  target: string;
  transport: 'ssh' | 'adb';
  virtual: boolean;
  soc: string | null;
  boardModel: string | null;
  npuCores: number | null;
  driverVersion: string | null;
  librknnrt: string | null;
}

export interface BoardCheck {
  board: BoardFacts;
  compat: CompatResult;
  /** Where rknn_benchmark is, or why it cannot run there. */
  benchmark: { tool: BenchmarkTool } | { error: CoralErrorShape };
  /** Why NPU load cannot be recorded on this board (null when it can). */
  npuLoadUnavailable: string | null;
  probe: ProbeReport;
}

export function boardFacts(board: RemoteBoard, report: ProbeReport): BoardFacts {
  const npu = report.npu === 'none' ? null : report.npu;
  return {
    id: board.id,
    name: board.name,
    target: board.target,
    transport: board.transport.kind,
    virtual: board.virtual || report.virtual,
    soc: report.soc,
    boardModel: report.boardModel,
    npuCores: npu?.cores ?? null,
    driverVersion: npu?.driverVersion ?? null,
    librknnrt: report.runtime.librknnrt,
  };
}

/** Throws RKNN_CORE_MASK_INVALID for a mask no SoC accepts (before anything connects). */
export function assertCoreMaskValue(mask: number | null | undefined): void {
  if (mask === null || mask === undefined) return;
  const f = validateCoreMask(null, mask);
  if (f.verdict === 'error') {
    throw new CoralError(f.code, f.message, { ...(f.hint ? { hint: f.hint } : {}) });
  }
}

/** Probes the board and checks the model against it; never deploys anything. */
export async function checkOnBoard(
  info: Pick<RknnModelInfo, 'file' | 'toolkitVersion' | 'targetPlatforms'>,
  board: RemoteBoard,
  options: {
    coreMask?: number | null;
    configuredBenchmark?: string | null;
    signal?: AbortSignal;
    workDir?: string;
  } = {},
): Promise<BoardCheck> {
  const report = await board.probe({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.workDir ? { workDir: options.workDir } : {}),
  });
  const compat = checkCompatibility(
    info,
    { soc: report.soc, librknnrtVersion: report.runtime.librknnrt, name: board.name },
    options.coreMask !== null && options.coreMask !== undefined
      ? { coreMask: options.coreMask }
      : {},
  );
  if (report.npu === 'none' && !report.soc) {
    compat.findings.unshift({
      check: 'target',
      verdict: 'error',
      code: 'RKNN_BOARD_NO_NPU',
      message: `Board ${board.name} has no Rockchip NPU (no rockchip SoC in its device tree, no rknpu driver, no librknnrt).`,
      hint: 'Pick a Rockchip board (RK3588, RK3576, RK3566/68, RK3562, RV1103/06).',
    });
    compat.verdict = 'error';
    compat.message = compat.findings[0].message;
    compat.hint = compat.findings[0].hint;
  }
  let benchmark: BoardCheck['benchmark'];
  try {
    benchmark = {
      tool: await findBenchmark(board.transport, {
        configured: options.configuredBenchmark ?? null,
        boardName: board.name,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    };
  } catch (e) {
    const err = toCoralError(e, 'RKNN_BENCHMARK_NOT_FOUND');
    if (err.code !== 'RKNN_BENCHMARK_NOT_FOUND') throw err;
    benchmark = { error: err.toJSON() };
  }
  return {
    board: boardFacts(board, report),
    compat,
    benchmark,
    npuLoadUnavailable: npuLoadUnavailable(report),
    probe: report,
  };
}
