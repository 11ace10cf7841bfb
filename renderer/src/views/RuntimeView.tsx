import type { RuntimeSnapshot } from '../../../electron/ipc/contract';
import { OriginBadge, StatusBadge, Badge } from '../components/Badge';
import { LogPanel } from '../components/LogPanel';
import { Panel, ViewHeader } from '../components/Panel';
import { EmptyState, ErrorNotice, Loading, Notice, SkeletonRows } from '../components/States';
import { useRuntimeStore } from '../store/runtime';

const PLATFORM_HOW: Record<string, string> = {
  'detected:device-tree': 'detected from /proc/device-tree',
  'detected:librknnrt': 'detected: librknnrt is installed',
  'detected:default': 'detected: no Rockchip NPU found',
};

function Summary({ snap }: { snap: RuntimeSnapshot }) {
  const { state } = snap;
  const enabled = state.adapters.filter((a) => a.status === 'enabled').length;
  return (
    <div className="cards">
      <div className="card" data-testid="platform-card">
        <div className="card-label">Platform</div>
        <div className="card-value mono">{state.platform.value}</div>
        <div className="card-note">
          {snap.platformReason ?? PLATFORM_HOW[state.platform.source] ?? state.platform.source}
        </div>
        <div className="card-note">
          <Badge tone={state.platform.source.startsWith('detected:') ? 'neutral' : 'override'}>
            {state.platform.source}
          </Badge>
        </div>
      </div>
      <div className="card">
        <div className="card-label">Adapters enabled</div>
        <div className="card-value">
          {enabled} <span className="muted">/ {state.adapters.length}</span>
        </div>
        <div className="card-note mono">{state.backendsEnabled.join(', ') || 'none'}</div>
      </div>
      <div className="card">
        <div className="card-label">Plugin packages</div>
        <div className="card-value">
          {state.pluginsLoaded.length} <span className="muted">/ {state.plugins.length}</span>
        </div>
        <div className="card-note">loaded / found</div>
      </div>
      <div className={`card ${state.failures.length ? 'card-bad' : ''}`}>
        <div className="card-label">Load failures</div>
        <div className="card-value">{state.failures.length}</div>
        <div className="card-note">init took {state.initMs.toFixed(0)} ms</div>
      </div>
    </div>
  );
}

function Failures({ snap }: { snap: RuntimeSnapshot }) {
  const failures = snap.state.failures;
  if (failures.length === 0) {
    return (
      <Notice tone="good">
        <strong>No load failures.</strong> Every adapter and plugin package that was found loaded.
      </Notice>
    );
  }
  return (
    <Panel
      tone="bad"
      testId="failures-panel"
      title={
        <>
          Load failures <span className="count count-bad">{failures.length}</span>
        </>
      }
    >
      <p className="muted small">
        These did not load. Everything else still works. Fix the package or remove it from its
        plugin directory, then press Re-initialise.
      </p>
      <ul className="failures">
        {failures.map((f, i) => (
          <li key={`${f.source}-${i}`} className="failure">
            <div className="failure-head">
              <span className="mono strong">{f.source}</span>
              <Badge tone="bad">{f.phase}</Badge>
            </div>
            <div className="failure-message">{f.message}</div>
            {f.stack && (
              <details>
                <summary>Stack trace</summary>
                <pre className="stack">{f.stack}</pre>
              </details>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function Adapters({ snap }: { snap: RuntimeSnapshot | null }) {
  const adapters = snap?.state.adapters;
  return (
    <Panel title="Adapters" testId="adapters-panel">
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Version</th>
            <th>Origin</th>
            <th>Formats</th>
            <th>Status</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {!adapters ? (
            <SkeletonRows rows={2} cols={6} />
          ) : (
            adapters.map((a) => (
              <tr key={a.name} data-testid={`adapter-${a.name}`}>
                <td>
                  <div className="strong nowrap">{a.displayName}</div>
                  <div className="mono muted small">{a.name}</div>
                </td>
                <td className="mono">{a.version || '—'}</td>
                <td>
                  <OriginBadge origin={a.origin} />
                </td>
                <td className="mono small">{a.modelFormats.join(' ') || '—'}</td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td className="reason">{a.reason ?? <span className="muted">—</span>}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {adapters && adapters.length === 0 && (
        <EmptyState title="No adapters registered">
          Built-in adapters failed to load; the failures above say why.
        </EmptyState>
      )}
    </Panel>
  );
}

export function RuntimeView() {
  const snap = useRuntimeStore((s) => s.snapshot);
  const status = useRuntimeStore((s) => s.status);
  const error = useRuntimeStore((s) => s.error);
  const load = useRuntimeStore((s) => s.load);
  const reinit = useRuntimeStore((s) => s.reinit);
  const applying = useRuntimeStore((s) => s.applying);

  return (
    <div className="view" data-testid="view-runtime">
      <ViewHeader
        title="Runtime"
        subtitle="Backends discovered by the Coral runtime, what failed to load, and what it is doing."
        actions={
          <button className="btn" onClick={() => void reinit()} disabled={applying || !snap}>
            {applying ? 'Re-initialising…' : 'Re-initialise'}
          </button>
        }
      />
      {status === 'error' && error && (
        <ErrorNotice
          error={error}
          action={
            <button className="btn" onClick={() => void load()}>
              Retry
            </button>
          }
        />
      )}
      {status === 'loading' && !snap && <Loading label="Starting the runtime…" />}
      {snap && <Summary snap={snap} />}
      {snap && <Failures snap={snap} />}
      <Adapters snap={snap} />
      <LogPanel />
    </div>
  );
}
