import { Component, useEffect, type ReactNode } from 'react';
import { onEvent } from './api/client';
import { Sidebar } from './components/Sidebar';
import { ErrorNotice } from './components/States';
import { useBenchStore } from './store/bench';
import { connectRuntime } from './store/runtime';
import { useUiStore, VIEWS, type ViewId } from './store/ui';
import { BenchView } from './views/BenchView';
import { ConfigView } from './views/ConfigView';
import { BoardsView } from './views/BoardsView';
import { BoardPrompts } from './views/boards/PromptDialog';
import { DiagnosticsView } from './views/DiagnosticsView';
import { RuntimeView } from './views/RuntimeView';

const VIEW_COMPONENTS: Record<ViewId, () => ReactNode> = {
  runtime: RuntimeView,
  config: ConfigView,
  bench: BenchView,
  boards: BoardsView,
  diagnostics: DiagnosticsView,
};

/** The central handler for the unexpected: a view that throws shows the error, not a blank page. */
class ViewBoundary extends Component<
  { children: ReactNode; view: string },
  { error: Error | null }
> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(prev: { view: string }) {
    if (prev.view !== this.props.view && this.state.error) this.setState({ error: null });
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="view">
          <ErrorNotice
            error={{
              code: 'VIEW_CRASHED',
              message: `This view failed: ${this.state.error.message}`,
              hint: 'Switch views or reload the page; the Diagnostics view can export a report for a bug ticket.',
            }}
            action={
              <button className="btn" onClick={() => this.setState({ error: null })}>
                Try again
              </button>
            }
          />
        </div>
      );
    }
    return this.props.children;
  }
}

function useTheme() {
  const theme = useUiStore((s) => s.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const resolved = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
      document.documentElement.dataset.theme = resolved;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

export function App() {
  const view = useUiStore((s) => s.view);
  useTheme();
  useEffect(() => connectRuntime(), []);
  // Menu commands from the desktop shell (File > Open model, Help, …).
  useEffect(
    () =>
      onEvent('app.command', (cmd) => {
        const ui = useUiStore.getState();
        if (
          cmd.command === 'navigate' &&
          cmd.view &&
          (VIEWS as readonly string[]).includes(cmd.view)
        )
          ui.setView(cmd.view as ViewId);
        if (cmd.command === 'export-report') ui.setView('diagnostics');
        if (cmd.command === 'open-model' && cmd.path) {
          ui.setView('bench');
          const name = cmd.path.split(/[\\/]/).pop() ?? cmd.path;
          useBenchStore.getState().chooseModel({ path: cmd.path, name, origin: 'dialog' });
        }
      }),
    [],
  );
  const View = VIEW_COMPONENTS[view];
  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <ViewBoundary view={view}>
          <View />
        </ViewBoundary>
      </main>
      {/* questions of board connections (trust a host key, a password), from any view */}
      <BoardPrompts />
    </div>
  );
}
