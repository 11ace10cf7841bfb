import { useShallow } from 'zustand/react/shallow';
import type { FieldInfo, RuntimeSnapshot } from '../../../electron/ipc/contract';
import type { Diagnostic } from '../../../electron/runtime/types';
import { SourceBadge, Badge } from '../components/Badge';
import { Panel, ViewHeader } from '../components/Panel';
import { ErrorNotice, Loading, Notice } from '../components/States';
import { Toggle } from '../components/Toggle';
import { useRuntimeStore } from '../store/runtime';

type Sourced = { value: unknown; source: string };

function sourcedOf(snap: RuntimeSnapshot, key: string): Sourced {
  const cfg = snap.config as unknown as Record<string, Sourced> & {
    flags: Record<string, Sourced>;
  };
  return key.startsWith('flags.') ? cfg.flags[key.slice(6)] : cfg[key];
}

function DiagnosticNote({ d }: { d: Diagnostic }) {
  return (
    <div className={`diag diag-${d.level}`} data-testid="env-diagnostic">
      <span className="diag-icon" aria-hidden>
        {d.level === 'error' ? '!' : 'i'}
      </span>
      <div>
        <div>{d.message}</div>
        {d.hint && <div className="diag-hint">{d.hint}</div>}
      </div>
    </div>
  );
}

function showValue(v: unknown) {
  if (Array.isArray(v)) {
    return v.length === 0 ? (
      <span className="muted">none</span>
    ) : (
      <ul className="chips">
        {v.map((x) => (
          <li key={String(x)} className="chip mono" title={String(x)}>
            {String(x)}
          </li>
        ))}
      </ul>
    );
  }
  if (v === null) return <span className="muted">auto-detect</span>;
  return <span className="mono">{String(v)}</span>;
}

function FieldRow({ field, snap }: { field: FieldInfo; snap: RuntimeSnapshot }) {
  const { draft, setDraft } = useRuntimeStore(
    useShallow((s) => ({ draft: s.draft, setDraft: s.setDraft })),
  );
  const current = sourcedOf(snap, field.key);
  if (!current) return null;
  const pending = Object.hasOwn(draft, field.key);
  const value = pending ? draft[field.key] : current.value;
  const diagnostics = snap.config.diagnostics.filter((d) => d.field === field.key);
  const overridden = Object.hasOwn(snap.overrides, field.key);
  const edit = (v: unknown) =>
    setDraft(field.key, v === current.value && !overridden ? undefined : v);
  const platforms = [
    ...new Set(['onnx', 'rknn', ...(typeof current.value === 'string' ? [current.value] : [])]),
  ];

  let control;
  if (field.kind === 'flag' || field.kind === 'boolean') {
    control = (
      <Toggle
        checked={value === true}
        onChange={edit}
        label={`${field.key} ${value ? 'on' : 'off'}`}
        testId={`toggle-${field.key}`}
      />
    );
  } else if (field.kind === 'platform') {
    control = (
      <select
        aria-label="Platform"
        data-testid="platform-select"
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => edit(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">Detect automatically</option>
        {platforms.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    );
  } else control = showValue(value);

  return (
    <tr data-testid={`field-${field.key}`} className={pending ? 'row-pending' : ''}>
      <td className="field-name">
        <div className="mono strong">{field.key}</div>
        <div className="muted small">{field.description}</div>
        {field.effect === 'board' && (
          <Badge tone="neutral" title="passed on to the board runtime as CORAL_ENABLE_*">
            board runtime
          </Badge>
        )}
      </td>
      <td className="field-value">
        {control}
        {pending && <span className="pending-note">pending</span>}
      </td>
      <td className="field-source" data-testid={`source-${field.key}`}>
        <SourceBadge source={current.source} />
        {overridden && (
          <button
            className="link small"
            onClick={() => setDraft(field.key, null)}
            title="Back to the file/env value on Apply"
          >
            remove override
          </button>
        )}
      </td>
      <td className="field-notes">
        {diagnostics.map((d, i) => (
          <DiagnosticNote key={i} d={d} />
        ))}
        {diagnostics.length === 0 && field.variables.length > 0 && (
          <span className="muted small mono">{field.variables.join(', ')}</span>
        )}
      </td>
    </tr>
  );
}

function AdapterToggles({ snap }: { snap: RuntimeSnapshot }) {
  const { draft, setDraft } = useRuntimeStore(
    useShallow((s) => ({ draft: s.draft, setDraft: s.setDraft })),
  );
  const disabled = (
    Object.hasOwn(draft, 'disabledBackends')
      ? draft.disabledBackends
      : snap.config.disabledBackends.value
  ) as string[] | null;
  const list = disabled ?? [];
  const set = (name: string, on: boolean) => {
    const next = on ? list.filter((n) => n !== name) : [...new Set([...list, name])];
    const same =
      JSON.stringify([...next].sort()) ===
      JSON.stringify([...snap.config.disabledBackends.value].sort());
    setDraft(
      'disabledBackends',
      same && !Object.hasOwn(snap.overrides, 'disabledBackends') ? undefined : next,
    );
  };
  return (
    <Panel
      title="Adapters"
      actions={<SourceBadge source={snap.config.disabledBackends.source} />}
      testId="adapter-toggles"
    >
      <div className="adapter-toggles">
        {snap.state.adapters.map((a) => (
          <div key={a.name} className="adapter-toggle">
            <Toggle
              checked={!list.includes(a.name)}
              onChange={(on) => set(a.name, on)}
              label={`Enable ${a.name}`}
              testId={`adapter-toggle-${a.name}`}
            />
            <div>
              <div className="strong">{a.displayName}</div>
              <div className="muted small mono">
                {a.name} · {a.status}
              </div>
            </div>
          </div>
        ))}
      </div>
    </Panel>
  );
}

function EnvironmentPanel({ snap }: { snap: RuntimeSnapshot }) {
  const loose = snap.config.diagnostics.filter((d) => !d.field);
  const vars = Object.entries(snap.config.env);
  return (
    <Panel title="Environment and config file" testId="environment-panel">
      <div className="kv">
        <span className="muted">Config file</span>
        <span className="mono">
          {snap.config.configFile ?? 'none (defaults, environment and overrides only)'}
        </span>
      </div>
      {loose.map((d, i) => (
        <DiagnosticNote key={i} d={d} />
      ))}
      {vars.length > 0 ? (
        <table className="table compact">
          <thead>
            <tr>
              <th>Variable</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {vars.map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{k}</td>
                <td className="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">No CORAL_* variables are set.</p>
      )}
    </Panel>
  );
}

export function ConfigView() {
  const s = useRuntimeStore(
    useShallow((st) => ({
      snap: st.snapshot,
      status: st.status,
      error: st.error,
      draft: st.draft,
      applying: st.applying,
      applyError: st.applyError,
      apply: st.apply,
      discard: st.discardDraft,
      reset: st.resetOverrides,
      load: st.load,
    })),
  );
  const pending = Object.keys(s.draft).length;
  const overrides = s.snap ? Object.keys(s.snap.overrides).length : 0;
  const fields = s.snap?.fields ?? [];

  return (
    <div className="view" data-testid="view-config">
      <ViewHeader
        title="Configuration"
        subtitle="Every setting with its value and where it came from: default, config file, CORAL_* variable, or an override made here."
        actions={
          <>
            <button
              className="btn"
              onClick={() => void s.reset()}
              disabled={s.applying || overrides === 0}
              data-testid="reset-overrides"
            >
              Reset overrides{overrides ? ` (${overrides})` : ''}
            </button>
            <button className="btn" onClick={s.discard} disabled={s.applying || pending === 0}>
              Discard
            </button>
            <button
              className="btn btn-primary"
              onClick={() => void s.apply()}
              disabled={s.applying || pending === 0}
              data-testid="apply"
            >
              {s.applying
                ? 'Applying…'
                : pending
                  ? `Apply ${pending} change${pending > 1 ? 's' : ''}`
                  : 'Apply'}
            </button>
          </>
        }
      />
      {s.status === 'error' && s.error && (
        <ErrorNotice
          error={s.error}
          action={
            <button className="btn" onClick={() => void s.load()}>
              Retry
            </button>
          }
        />
      )}
      {s.applyError && <ErrorNotice error={s.applyError} />}
      {!s.snap && s.status !== 'error' && <Loading label="Reading the configuration…" />}
      {s.snap && s.snap.changes.length > 0 && (
        <Notice tone="good">
          <strong>Re-initialised.</strong> Changed:{' '}
          <span className="mono">{s.snap.changes.join('; ')}</span>
        </Notice>
      )}
      {s.snap && (
        <>
          <Panel title="Flags" testId="flags-panel">
            <table className="table fields">
              <thead>
                <tr>
                  <th>Flag</th>
                  <th>Value</th>
                  <th>Source</th>
                  <th>Environment</th>
                </tr>
              </thead>
              <tbody>
                {fields
                  .filter((f) => f.kind === 'flag')
                  .map((f) => (
                    <FieldRow key={f.key} field={f} snap={s.snap as RuntimeSnapshot} />
                  ))}
              </tbody>
            </table>
          </Panel>
          <AdapterToggles snap={s.snap} />
          <Panel title="Settings" testId="settings-panel">
            <table className="table fields">
              <thead>
                <tr>
                  <th>Setting</th>
                  <th>Value</th>
                  <th>Source</th>
                  <th>Environment</th>
                </tr>
              </thead>
              <tbody>
                {fields
                  .filter((f) => f.kind !== 'flag')
                  .map((f) => (
                    <FieldRow key={f.key} field={f} snap={s.snap as RuntimeSnapshot} />
                  ))}
              </tbody>
            </table>
          </Panel>
          <EnvironmentPanel snap={s.snap} />
        </>
      )}
    </div>
  );
}
