import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Panel, ViewHeader } from '../components/Panel';
import { ErrorNotice, Notice } from '../components/States';
import { connectBench, useBenchStore } from '../store/bench';
import { connectRknn, rknnReady, useRknnStore } from '../store/rknn';
import { useRuntimeStore } from '../store/runtime';
import { History } from './bench/History';
import { ModelPicker } from './bench/ModelPicker';
import { RknnTargetForm } from './bench/RknnTarget';
import { RunPanel } from './bench/RunPanel';

function RunForm() {
  const s = useBenchStore(
    useShallow((st) => ({
      info: st.info,
      status: st.catalogueStatus,
      error: st.catalogueError,
      reload: st.loadCatalogue,
      model: st.model,
      adapter: st.adapter,
      mode: st.mode,
      iterations: st.iterations,
      durationS: st.durationS,
      warmup: st.warmup,
      setForm: st.setForm,
      start: st.start,
      run: st.run,
      uploading: st.uploading,
    })),
  );
  const adapters = useRuntimeStore((st) => st.snapshot?.state.adapters);
  const active = s.run?.status === 'starting' || s.run?.status === 'running';
  const benchable = s.info?.adapters ?? [];
  const adapterState = adapters?.find((a) => a.name === s.adapter);
  // rknn on a board: the board brings the NPU, so only a switched-off adapter blocks it
  const rknn = s.adapter === 'rknn';
  const rknnTarget = useRknnStore((st) => st.target);
  const rknnOk = useRknnStore((st) => rknnReady(st, s.model?.path ?? null));
  const onBoard = rknn && rknnTarget !== null && rknnTarget !== 'local';
  const blocked =
    adapterState &&
    adapterState.status !== 'enabled' &&
    !(onBoard && adapterState.status === 'unsupported')
      ? `${adapterState.displayName} is ${adapterState.status}${adapterState.reason ? `: ${adapterState.reason}` : ''}.`
      : null;
  // a .rknn model goes to the rknn adapter, anything else away from it
  const modelName = s.model?.name ?? null;
  const { setForm } = s;
  useEffect(() => {
    if (!modelName || active) return;
    const isRknn = /\.rknn$/i.test(modelName);
    if (isRknn && s.adapter !== 'rknn' && benchable.includes('rknn')) setForm({ adapter: 'rknn' });
    if (!isRknn && s.adapter === 'rknn')
      setForm({ adapter: benchable.find((a) => a !== 'rknn') ?? 'onnx' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new model switches the adapter
  }, [modelName]);
  const num = (v: string, min: number) => Math.max(min, Math.floor(Number(v) || min));

  return (
    <Panel title="New run" className="run-form" testId="run-form">
      {s.status === 'error' && s.error && (
        <ErrorNotice
          error={s.error}
          compact
          action={
            <button className="btn" onClick={() => void s.reload()}>
              Retry
            </button>
          }
        />
      )}
      <ModelPicker disabled={active} />
      <label className="field">
        <span className="label">Adapter</span>
        <select
          value={s.adapter}
          onChange={(e) => s.setForm({ adapter: e.target.value })}
          disabled={active}
          data-testid="adapter-select"
        >
          {(benchable.length ? benchable : [s.adapter]).map((a) => (
            <option key={a} value={a}>
              {adapters?.find((x) => x.name === a)?.displayName ?? a}
            </option>
          ))}
        </select>
      </label>
      {blocked && <Notice tone="warn">{blocked} Enable it in the Configuration view.</Notice>}
      {rknn && <RknnTargetForm model={s.model?.path ?? null} disabled={active} />}
      {!rknn && (
        <div className="field">
          <span className="label">Length</span>
          <div className="segmented" role="group">
            <button
              className={s.mode === 'iterations' ? 'active' : ''}
              onClick={() => s.setForm({ mode: 'iterations' })}
              disabled={active}
            >
              Iterations
            </button>
            <button
              className={s.mode === 'duration' ? 'active' : ''}
              onClick={() => s.setForm({ mode: 'duration' })}
              disabled={active}
            >
              Duration
            </button>
          </div>
        </div>
      )}
      <div className="field-row">
        {s.mode === 'iterations' || rknn ? (
          <label className="field">
            <span className="label">{rknn ? 'Loops' : 'Iterations'}</span>
            <input
              type="number"
              min={1}
              value={s.iterations}
              disabled={active}
              data-testid="iterations"
              onChange={(e) => s.setForm({ iterations: num(e.target.value, 1) })}
            />
          </label>
        ) : (
          <label className="field">
            <span className="label">Seconds</span>
            <input
              type="number"
              min={1}
              value={s.durationS}
              disabled={active}
              data-testid="duration"
              onChange={(e) => s.setForm({ durationS: num(e.target.value, 1) })}
            />
          </label>
        )}
        {rknn ? (
          <div className="field">
            <span className="label">Warm-up</span>
            <span className="muted small">5 (rknn_benchmark's own)</span>
          </div>
        ) : (
          <label className="field">
            <span className="label">Warm-up</span>
            <input
              type="number"
              min={0}
              value={s.warmup}
              disabled={active}
              onChange={(e) => s.setForm({ warmup: num(e.target.value, 0) })}
            />
          </label>
        )}
      </div>
      <button
        className="btn btn-primary btn-wide"
        disabled={active || !s.model || s.uploading || Boolean(blocked) || (rknn && !rknnOk)}
        onClick={() => void s.start()}
        data-testid="start"
      >
        {active ? 'Running…' : 'Start'}
      </button>
      {!s.model && s.status === 'ready' && <p className="muted small">Choose a model first.</p>}
    </Panel>
  );
}

export function BenchView() {
  useEffect(() => connectBench(), []);
  useEffect(() => connectRknn(), []);
  return (
    <div className="view" data-testid="view-bench">
      <ViewHeader
        title="Benchmarks"
        subtitle="Time a model on an adapter, watch latencies live, and compare runs."
      />
      <div className="bench-grid">
        <RunForm />
        <RunPanel />
      </div>
      <History />
    </div>
  );
}
