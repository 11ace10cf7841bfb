import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunRecord } from '../../../../electron/ipc/contract';
import { StatusBadge } from '../../components/Badge';
import { IconBench } from '../../components/Icons';
import { LatencyChart } from '../../components/LatencyChart';
import { Panel } from '../../components/Panel';
import { EmptyState, ErrorNotice, Notice } from '../../components/States';
import { useBenchStore, type CurrentRun } from '../../store/bench';
import { bytes, count, ms, rate } from './format';
import { RknnRunExtras } from './RknnRunExtras';

function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
    </div>
  );
}

function LiveTiles({ run }: { run: CurrentRun }) {
  const final = run.record?.stats;
  const live = run.live;
  const pick = (k: 'p50' | 'p90' | 'p99') => (final ? final[k] : (live?.[k] ?? null));
  return (
    <div className="tiles" data-testid="live-stats">
      <Tile label="p50" value={ms(pick('p50'))} testId="stat-p50" />
      <Tile label="p90" value={ms(pick('p90'))} testId="stat-p90" />
      <Tile label="p99" value={ms(pick('p99'))} testId="stat-p99" />
      <Tile
        label="throughput"
        value={rate(final ? final.throughput : run.rate)}
        testId="stat-throughput"
      />
      <Tile label="samples" value={count(final ? final.count : run.total)} testId="stat-count" />
    </div>
  );
}

const FINAL_ROWS: Array<[keyof RunRecord['stats'], string, (v: number | null) => string]> = [
  ['mean', 'mean', ms],
  ['stddev', 'std. deviation', ms],
  ['min', 'min', ms],
  ['p95', 'p95', ms],
  ['p999', 'p99.9', ms],
  ['max', 'max', ms],
  ['firstInferenceMs', 'first inference', ms],
  ['sessionCreateMs', 'session create', ms],
  ['wallMs', 'measured for', ms],
  ['peakRssBytes', 'peak memory', bytes],
];

function FinalStats({ record }: { record: RunRecord }) {
  return (
    <div className="final-stats" data-testid="final-stats">
      {FINAL_ROWS.map(([k, label, fmt]) => (
        <div key={k} className="kv">
          <span className="muted">{label}</span>
          <span className="mono">{fmt(record.stats[k])}</span>
        </div>
      ))}
    </div>
  );
}

export function RunPanel() {
  const run = useBenchStore((s) => s.run);
  const [logScale, setLogScale] = useState(false);
  const { cancel } = useBenchStore(useShallow((s) => ({ cancel: s.cancel })));
  const active = run && (run.status === 'starting' || run.status === 'running');
  const pct =
    run?.progress !== null && run?.progress !== undefined ? Math.round(run.progress * 100) : null;

  return (
    <Panel
      className="run-panel"
      testId="run-panel"
      title={
        run ? (
          <span className="run-title">
            <span>{run.modelName}</span>
            <span className="muted small mono">{run.adapter}</span>
            <span data-testid="run-status">
              <StatusBadge status={run.status} />
            </span>
            {run.phase !== 'done' && run.phase !== 'starting' && (
              <span className="muted small">{run.phase}</span>
            )}
          </span>
        ) : (
          'Live run'
        )
      }
      actions={
        active && (
          <button
            className="btn btn-danger"
            onClick={() => void cancel()}
            disabled={run.cancelling || !run.runId}
            data-testid="cancel"
          >
            {run.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )
      }
    >
      {!run ? (
        <EmptyState title="No run yet" icon={<IconBench />}>
          Pick a model and an adapter, then Start. Latencies stream into the chart as they are
          measured; the finished run lands in the history below.
        </EmptyState>
      ) : (
        <>
          <div className="progress" aria-label="Progress" data-testid="progress">
            <div
              className={`progress-bar ${pct === null && active ? 'indeterminate' : ''} ${run.status === 'cancelled' ? 'cancelled' : ''} ${run.status === 'failed' ? 'failed' : ''}`}
              style={{ width: pct === null ? (active ? '30%' : '100%') : `${pct}%` }}
            />
          </div>
          <div className="progress-note muted small">
            {pct !== null ? `${pct}% · ` : ''}
            {count(run.total)} samples{run.expected ? ` of ${count(run.expected)}` : ''} ·{' '}
            {(run.elapsedMs / 1000).toFixed(1)} s
            <span className="sr-only" data-testid="received">
              {run.received}
            </span>
            {run.gaps > 0 && <span className="warn-text"> · {run.gaps} batch(es) missed</span>}
          </div>
          <LiveTiles run={run} />
          <LatencyChart log={logScale} />
          <div className="chart-help">
            <span className="muted small">
              Drag across the chart to zoom; double-click to follow the run again.
            </span>
            <label className="small check">
              <input
                type="checkbox"
                checked={logScale}
                onChange={(e) => setLogScale(e.target.checked)}
              />{' '}
              log scale
            </label>
          </div>
          {run.adapter === 'rknn' && <RknnRunExtras run={run} />}
          {run.error && <ErrorNotice error={run.error} />}
          {run.notSaved && run.record && (
            <Notice tone="warn">
              {run.notSaved.message} {run.notSaved.hint}
            </Notice>
          )}
          {run.record && <FinalStats record={run.record} />}
        </>
      )}
    </Panel>
  );
}
