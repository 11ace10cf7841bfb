import { useShallow } from 'zustand/react/shallow';
import type { RunComparison } from '../../../../electron/ipc/contract';
import { StatusBadge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { EmptyState, ErrorNotice, Notice, SkeletonRows } from '../../components/States';
import { useBenchStore } from '../../store/bench';
import { baseName, bytes, count, ms, rate, when } from './format';
import { useImportLog } from './ImportLog';
import { boardLabel, NpuCompareRows } from './RknnRunExtras';

function fmt(unit: string, v: number | null): string {
  if (unit === 'ms') return ms(v);
  if (unit === '/s') return rate(v);
  if (unit === 'B') return bytes(v);
  return v === null ? '—' : count(v);
}

function Comparison({ c, onClose }: { c: RunComparison; onClose: () => void }) {
  return (
    <Panel
      title="Comparison"
      testId="comparison"
      actions={
        <button className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      {!c.sameModel && (
        <Notice tone="warn">These runs timed different model files; compare with care.</Notice>
      )}
      <table className="table compare">
        <thead>
          <tr>
            <th />
            <th>
              A · <span className="mono small">{c.a.label ?? c.a.id}</span>
              <div className="muted small">
                {baseName(c.a.model.path)} · {c.a.adapter}
                {boardLabel(c.a) ? ` on ${boardLabel(c.a)}` : ''}
              </div>
            </th>
            <th>
              B · <span className="mono small">{c.b.label ?? c.b.id}</span>
              <div className="muted small">
                {baseName(c.b.model.path)} · {c.b.adapter}
                {boardLabel(c.b) ? ` on ${boardLabel(c.b)}` : ''}
              </div>
            </th>
            <th>B / A</th>
          </tr>
        </thead>
        <tbody>
          {c.rows.map((r) => {
            // For latencies lower is better; for throughput higher is better.
            const better =
              r.ratio === null || r.ratio === 1
                ? ''
                : (r.unit === '/s' ? r.ratio > 1 : r.ratio < 1)
                  ? 'better'
                  : 'worse';
            return (
              <tr key={r.key}>
                <td className="muted">{r.label}</td>
                <td className="mono">{fmt(r.unit, r.a)}</td>
                <td className="mono">{fmt(r.unit, r.b)}</td>
                <td className={`mono ratio ${r.unit && r.unit !== 'B' ? better : ''}`}>
                  {r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`}
                </td>
              </tr>
            );
          })}
          <NpuCompareRows a={c.a} b={c.b} />
        </tbody>
      </table>
    </Panel>
  );
}

export function History() {
  const s = useBenchStore(
    useShallow((st) => ({
      runs: st.runs,
      status: st.historyStatus,
      error: st.historyError,
      selected: st.selected,
      toggle: st.toggleSelected,
      compare: st.compare,
      comparison: st.comparison,
      compareError: st.compareError,
      close: st.closeComparison,
      reload: st.loadHistory,
      saving: st.info?.history,
    })),
  );
  const importLog = useImportLog();
  return (
    <>
      {s.comparison && <Comparison c={s.comparison} onClose={s.close} />}
      {s.compareError && <ErrorNotice error={s.compareError} />}
      <Panel
        title={
          <>
            History <span className="count">{s.runs.length}</span>
          </>
        }
        testId="history"
        actions={
          <span className="panel-actions-row">
            {importLog.button}
            <button
              className="btn"
              disabled={s.selected.length !== 2}
              onClick={() => void s.compare()}
              data-testid="compare"
            >
              Compare {s.selected.length}/2
            </button>
          </span>
        }
      >
        {importLog.notice}
        {s.saving && !s.saving.saving && s.saving.reason && (
          <Notice tone="warn">
            {s.saving.reason.message} {s.saving.reason.hint}
          </Notice>
        )}
        {s.status === 'error' && s.error ? (
          <ErrorNotice
            error={s.error}
            action={
              <button className="btn" onClick={() => void s.reload()}>
                Retry
              </button>
            }
          />
        ) : s.status === 'ready' && s.runs.length === 0 ? (
          <EmptyState title="No runs yet">
            Finished runs appear here. Select two to compare them side by side.
          </EmptyState>
        ) : (
          <table className="table history">
            <thead>
              <tr>
                <th aria-label="Select" />
                <th>Started</th>
                <th>Model</th>
                <th>Adapter</th>
                <th>Status</th>
                <th>Samples</th>
                <th>p50</th>
                <th>p99</th>
                <th>Throughput</th>
              </tr>
            </thead>
            <tbody>
              {s.status !== 'ready' && s.runs.length === 0 ? (
                <SkeletonRows rows={3} cols={9} />
              ) : (
                s.runs.map((r) => (
                  <tr
                    key={r.id}
                    className={s.selected.includes(r.id) ? 'selected' : ''}
                    data-testid="history-row"
                  >
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select run ${r.id}`}
                        checked={s.selected.includes(r.id)}
                        onChange={() => s.toggle(r.id)}
                      />
                    </td>
                    <td className="small">{when(r.startedAt)}</td>
                    <td className="mono small" title={r.model.path}>
                      {r.label ?? baseName(r.model.path)}
                    </td>
                    <td className="mono small" title={r.target}>
                      {r.adapter}
                      {r.target !== 'local' ? ` @ ${boardLabel(r) ?? r.target}` : ''}
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="mono">{count(r.sampleCount)}</td>
                    <td className="mono">{ms(r.stats.p50)}</td>
                    <td className="mono">{ms(r.stats.p99)}</td>
                    <td className="mono">{rate(r.stats.throughput)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
