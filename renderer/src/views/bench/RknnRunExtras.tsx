/**
 * What an rknn run adds to the live run panel: the model upload's progress, NPU load per core
 * beside the latencies (live, from the `npu` gauge), and, once finished, the board it ran on
 * with the NPU load summary and rknn_benchmark's own average.
 */
import { useSyncExternalStore } from 'react';
import type { RunRecord } from '../../../../electron/ipc/contract';
import { liveGauges } from '../../live/gauges';
import type { CurrentRun } from '../../store/bench';
import { useRknnStore } from '../../store/rknn';
import { ms } from './format';
import { NpuChart } from './NpuChart';

interface RknnExtra {
  board?: {
    name: string;
    soc: string | null;
    virtual: boolean;
    librknnrt: string | null;
    npuCores: number | null;
  };
  npuLoad?: {
    unavailable?: string;
    summary: Array<{ core: number; mean: number; max: number }>;
    absurdReadings: number;
  };
  benchmarkTool?: { path: string };
  logAvgMs?: number | null;
  logAvgFps?: number | null;
  coreMask?: number | null;
}

/** The rknn facts of a run; `board` of a run imported from a log is only its name: normalized. */
export function rknnExtra(r: Pick<RunRecord, 'extra'>): RknnExtra {
  const x = r.extra as RknnExtra & { board?: unknown };
  if (typeof x.board === 'string') {
    return {
      ...x,
      board: { name: x.board, soc: null, virtual: false, librknnrt: null, npuCores: null },
    };
  }
  return x.board && typeof x.board === 'object' ? x : { ...x, board: undefined };
}

/** `rock5b (rk3588)`, for tables and titles; null for runs that were not on a board. */
export function boardLabel(r: Pick<RunRecord, 'extra' | 'target'>): string | null {
  const b = rknnExtra(r).board;
  if (!b) return null;
  return `${b.name}${b.soc ? ` (${b.soc})` : ''}`;
}

function usePush(): number | null {
  return useSyncExternalStore(
    (cb) => liveGauges.subscribe(cb),
    () => liveGauges.push,
  );
}

function BoardSummary({ record }: { record: RunRecord }) {
  const x = rknnExtra(record);
  if (!x.board) return null;
  return (
    <div className="final-stats rknn-summary" data-testid="rknn-summary">
      <div className="kv">
        <span className="muted">board</span>
        <span className="mono">
          {x.board.name}
          {x.board.virtual && !/virtual/i.test(x.board.name) ? ' (virtual)' : ''}
        </span>
      </div>
      <div className="kv">
        <span className="muted">SoC · librknnrt</span>
        <span className="mono">
          {x.board.soc ?? '?'} · {x.board.librknnrt?.split(' ')[0] ?? '?'}
        </span>
      </div>
      <div className="kv">
        <span className="muted">core mask</span>
        <span className="mono">{record.options.coreMask ?? 'default'}</span>
      </div>
      <div className="kv">
        <span className="muted">rknn_benchmark Avg Time</span>
        <span className="mono">{ms(x.logAvgMs ?? null)}</span>
      </div>
      {x.npuLoad?.unavailable ? (
        <div className="kv">
          <span className="muted">NPU load</span>
          <span className="small">{x.npuLoad.unavailable}</span>
        </div>
      ) : (
        x.npuLoad?.summary.map((c) => (
          <div className="kv" key={c.core}>
            <span className="muted">NPU core {c.core} load</span>
            <span className="mono">
              {c.mean}% avg · {c.max}% max
            </span>
          </div>
        ))
      )}
      {(x.npuLoad?.absurdReadings ?? 0) > 0 && (
        <div className="kv">
          <span className="muted">NPU load readings</span>
          <span className="small warn-text">
            {x.npuLoad?.absurdReadings} above 100% (a driver quirk), shown as 100%
          </span>
        </div>
      )}
    </div>
  );
}

export function RknnRunExtras({ run }: { run: CurrentRun }) {
  const push = usePush();
  const readings = useSyncExternalStore(
    (cb) => liveGauges.subscribe(cb),
    () => liveGauges.t.length,
  );
  // a board run reports NPU load; this machine's runs (and boards without a load file) do not
  const chosenBoard = useRknnStore((s) => s.target !== null && s.target !== 'local');
  const onBoard =
    push !== null || readings > 0 || (run.record ? run.record.target !== 'local' : chosenBoard);
  const uploading = run.phase === 'prepare' && push !== null && push < 1;
  return (
    <>
      {onBoard && (run.phase === 'prepare' || run.phase === 'starting') && (
        <div className="upload-note small" data-testid="rknn-upload">
          {uploading
            ? `Uploading the model to the board… ${Math.round((push ?? 0) * 100)}%`
            : push === 1
              ? 'Model on the board; starting rknn_benchmark…'
              : 'Connecting to the board…'}
        </div>
      )}
      {onBoard && (readings > 0 || run.phase !== 'done') && <NpuChart />}
      {run.record && <BoardSummary record={run.record} />}
    </>
  );
}

/** Comparison rows for two board runs: where each ran, and NPU load per core side by side. */
export function NpuCompareRows({ a, b }: { a: RunRecord; b: RunRecord }) {
  const xa = rknnExtra(a);
  const xb = rknnExtra(b);
  if (!xa.board && !xb.board) return null;
  const cores = Math.max(xa.npuLoad?.summary.length ?? 0, xb.npuLoad?.summary.length ?? 0);
  const load = (x: RknnExtra, core: number) => {
    const c = x.npuLoad?.summary.find((s) => s.core === core);
    return c ? `${c.mean}%` : '—';
  };
  const mask = (r: RunRecord) =>
    (r.options.coreMask ?? null) === null ? 'default' : String(r.options.coreMask);
  return (
    <>
      <tr className="compare-section">
        <td className="muted">board</td>
        <td className="small">{boardLabel(a) ?? a.target}</td>
        <td className="small">{boardLabel(b) ?? b.target}</td>
        <td />
      </tr>
      <tr>
        <td className="muted">librknnrt</td>
        <td className="mono small">{xa.board?.librknnrt?.split(' ')[0] ?? '—'}</td>
        <td className="mono small">{xb.board?.librknnrt?.split(' ')[0] ?? '—'}</td>
        <td />
      </tr>
      <tr>
        <td className="muted">core mask</td>
        <td className="mono">{mask(a)}</td>
        <td className="mono">{mask(b)}</td>
        <td />
      </tr>
      {Array.from({ length: cores }, (_, core) => (
        <tr key={core}>
          <td className="muted">NPU core {core} load (avg)</td>
          <td className="mono">{load(xa, core)}</td>
          <td className="mono">{load(xb, core)}</td>
          <td />
        </tr>
      ))}
    </>
  );
}
