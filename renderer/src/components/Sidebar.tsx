import { useEffect, useState } from 'react';
import { connection } from '../api/client';
import type { ConnectionState } from '../api/transport';
import { useRuntimeStore } from '../store/runtime';
import { useUiStore, type Theme, type ViewId } from '../store/ui';
import {
  IconAuto,
  IconBench,
  IconBoards,
  IconConfig,
  IconDiag,
  IconMoon,
  IconRuntime,
  IconSun,
} from './Icons';

const NAV: Array<{ id: ViewId; label: string; icon: () => React.JSX.Element }> = [
  { id: 'runtime', label: 'Runtime', icon: IconRuntime },
  { id: 'config', label: 'Configuration', icon: IconConfig },
  { id: 'bench', label: 'Benchmarks', icon: IconBench },
  { id: 'boards', label: 'Boards', icon: IconBoards },
  { id: 'diagnostics', label: 'Diagnostics', icon: IconDiag },
];

const THEMES: Array<{ id: Theme; label: string; icon: () => React.JSX.Element }> = [
  { id: 'light', label: 'Light theme', icon: IconSun },
  { id: 'dark', label: 'Dark theme', icon: IconMoon },
  { id: 'system', label: 'Follow the system', icon: IconAuto },
];

function useConnectionState(): ConnectionState {
  const [state, setState] = useState<ConnectionState>(() => connection().transport.state);
  useEffect(() => connection().transport.onState(setState), []);
  return state;
}

export function Sidebar() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const failures = useRuntimeStore((s) => s.snapshot?.state.failures.length ?? 0);
  const app = useRuntimeStore((s) => s.app);
  const conn = useConnectionState();

  return (
    <nav className="sidebar" aria-label="Views">
      <div className="brand">
        <span className="brand-mark" aria-hidden />
        <div>
          <div className="brand-name">Coral Studio</div>
          <div className="brand-sub">
            {app
              ? `v${app.version} · ${app.mode === 'browser' ? 'browser mode' : 'desktop'}`
              : '\u00a0'}
          </div>
        </div>
      </div>
      <ul>
        {NAV.map(({ id, label, icon: Icon }) => (
          <li key={id}>
            <button
              className={`nav-item ${view === id ? 'active' : ''}`}
              aria-current={view === id ? 'page' : undefined}
              onClick={() => setView(id)}
              data-testid={`nav-${id}`}
            >
              <Icon />
              <span>{label}</span>
              {id === 'runtime' && failures > 0 && (
                <span className="nav-count" title={`${failures} load failure(s)`}>
                  {failures}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <div className={`conn conn-${conn}`} title="Connection to the Coral runtime">
          <span className="dot" />
          {conn === 'open'
            ? 'Connected'
            : conn === 'connecting'
              ? 'Connecting…'
              : 'Disconnected, retrying…'}
        </div>
        <div className="theme-switch" role="group" aria-label="Theme">
          {THEMES.map(({ id, label, icon: Icon }) => (
            <button
              key={id}
              className={theme === id ? 'active' : ''}
              title={label}
              aria-label={label}
              aria-pressed={theme === id}
              onClick={() => setTheme(id)}
            >
              <Icon />
            </button>
          ))}
        </div>
      </div>
    </nav>
  );
}
