/**
 * For .rknn models in the run form: where to run (this machine when its NPU works, or a saved
 * board), the NPU core mask, and the compatibility verdict, asked as soon as model, target or
 * mask change — before Start, so a wrong SoC or an old librknnrt is seen before anything is
 * deployed.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RknnCheck, RknnTarget } from '../../../../electron/ipc/contract';
import { Badge } from '../../components/Badge';
import { ErrorNotice, Loading, Notice } from '../../components/States';
import { useRknnStore } from '../../store/rknn';
import './rknn.css';

const MASKS: Array<{ mask: number | null; label: string; cores: number }> = [
  { mask: null, label: 'Default (tool decides)', cores: 1 },
  { mask: 0, label: '0 · auto', cores: 1 },
  { mask: 1, label: '1 · core 0', cores: 1 },
  { mask: 2, label: '2 · core 1', cores: 2 },
  { mask: 4, label: '4 · core 2', cores: 3 },
  { mask: 3, label: '3 · cores 0+1', cores: 2 },
  { mask: 7, label: '7 · cores 0+1+2', cores: 3 },
];

function targetLabel(t: RknnTarget): string {
  if (t.id === 'local')
    return t.available ? 'This machine (local NPU)' : 'This machine — no NPU here';
  const soc = t.soc ? ` · ${t.soc}` : '';
  return `${t.name}${soc}${t.virtual && !/virtual/i.test(t.name) ? ' (virtual)' : ''}`;
}

const VERDICT_TONE = { ok: 'good', warning: 'warn', error: 'bad' } as const;
const VERDICT_TEXT = {
  ok: 'Compatible',
  warning: 'Runs, with a warning',
  error: 'Will not run',
} as const;

function Verdict({ check }: { check: RknnCheck }) {
  const b = check.board;
  const others = check.findings.filter((f) => f.message !== check.message && f.verdict !== 'ok');
  return (
    <div
      className={`verdict verdict-${check.verdict}`}
      data-testid="rknn-verdict"
      data-verdict={check.verdict}
    >
      <div className="verdict-head">
        <Badge tone={VERDICT_TONE[check.verdict]}>{VERDICT_TEXT[check.verdict]}</Badge>
      </div>
      <div className="verdict-message">{check.message}</div>
      {check.hint && check.verdict !== 'ok' && <div className="verdict-hint">{check.hint}</div>}
      {others.map((f) => (
        <div key={f.code} className={`verdict-finding verdict-${f.verdict}`}>
          {f.message}
        </div>
      ))}
      {b && (
        <dl className="verdict-facts small" data-testid="rknn-board-facts">
          <dt>SoC</dt>
          <dd className="mono">
            {b.soc ?? '?'}
            {b.npuCores ? ` · ${b.npuCores} NPU core${b.npuCores === 1 ? '' : 's'}` : ''}
          </dd>
          <dt>librknnrt</dt>
          <dd className="mono">{b.librknnrt?.split(' ')[0] ?? 'not found'}</dd>
          <dt>driver</dt>
          <dd className="mono">{b.driverVersion ?? '?'}</dd>
          {check.benchmark && 'path' in check.benchmark && (
            <>
              <dt>tool</dt>
              <dd className="mono" title={check.benchmark.path}>
                {check.benchmark.path}
              </dd>
            </>
          )}
        </dl>
      )}
      {check.npuLoadUnavailable && (
        <div className="muted small">
          NPU load will not be recorded: {check.npuLoadUnavailable}.
        </div>
      )}
    </div>
  );
}

export function RknnTargetForm({ model, disabled }: { model: string | null; disabled: boolean }) {
  const s = useRknnStore(
    useShallow((st) => ({
      targets: st.targets,
      status: st.targetsStatus,
      error: st.targetsError,
      target: st.target,
      coreMask: st.coreMask,
      check: st.check,
      checkStatus: st.checkStatus,
      checkError: st.checkError,
      checkedModel: st.checkedModel,
      setTarget: st.setTarget,
      setCoreMask: st.setCoreMask,
      runCheck: st.runCheck,
      reload: st.loadTargets,
    })),
  );
  const { target, coreMask, runCheck } = s;

  useEffect(() => {
    if (!disabled) void runCheck(model);
  }, [model, target, coreMask, runCheck, disabled]);

  const chosen = s.targets.find((t) => t.id === s.target);
  const npuCores = s.check?.board?.npuCores ?? null;
  // every mask stays listed (so the one chosen is the one shown); those the NPU lacks are disabled
  const tooMany = (m: (typeof MASKS)[number]) => npuCores !== null && m.cores > npuCores;
  const boards = s.targets.filter((t) => t.id !== 'local');
  const current = s.checkedModel === model ? s.check : null;

  return (
    <div className="rknn-target" data-testid="rknn-target">
      <label className="field">
        <span className="label">Run on</span>
        <select
          value={s.target ?? ''}
          disabled={disabled || s.status !== 'ready'}
          onChange={(e) => s.setTarget(e.target.value)}
          data-testid="rknn-target-select"
        >
          {s.status !== 'ready' && <option value="">Loading boards…</option>}
          {s.targets.map((t) => (
            <option key={t.id} value={t.id} disabled={t.id === 'local' && !t.available}>
              {targetLabel(t)}
            </option>
          ))}
        </select>
      </label>
      {s.status === 'error' && s.error && <ErrorNotice error={s.error} compact />}
      {s.status === 'ready' && boards.length === 0 && (
        <Notice tone="info">
          No saved boards yet. Add one in the Boards view (or start a virtual board there), then
          come back.
          {chosen?.reason ? ` This machine cannot run .rknn models: ${chosen.reason}.` : ''}
        </Notice>
      )}
      <label className="field">
        <span className="label">NPU cores (core mask)</span>
        <select
          value={s.coreMask === null ? '' : String(s.coreMask)}
          disabled={disabled}
          onChange={(e) => s.setCoreMask(e.target.value === '' ? null : Number(e.target.value))}
          data-testid="rknn-core-mask"
        >
          {MASKS.map((m) => (
            <option
              key={String(m.mask)}
              value={m.mask === null ? '' : String(m.mask)}
              disabled={tooMany(m) && m.mask !== s.coreMask}
            >
              {m.label}
              {tooMany(m) ? ` (needs ${m.cores} cores)` : ''}
            </option>
          ))}
        </select>
      </label>
      {!model ? null : s.checkStatus === 'loading' ? (
        <Loading label={`Checking on ${chosen?.name ?? 'the target'}…`} />
      ) : s.checkStatus === 'error' && s.checkError ? (
        <ErrorNotice
          error={s.checkError}
          compact
          action={
            <button className="btn" onClick={() => void s.runCheck(model)}>
              Retry
            </button>
          }
        />
      ) : current ? (
        <Verdict check={current} />
      ) : null}
    </div>
  );
}
