/** Which view is shown and the theme; remembered in localStorage. */
import { create } from 'zustand';
import { subscribeWithSelector } from 'zustand/middleware';

export const VIEWS = ['runtime', 'config', 'bench', 'boards', 'diagnostics'] as const;
export type ViewId = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark' | 'system';

interface UiState {
  view: ViewId;
  theme: Theme;
}
interface UiActions {
  setView(view: ViewId): void;
  setTheme(theme: Theme): void;
}

const stored = (key: string) => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};

const viewFromHash = (): ViewId | undefined => {
  const v = location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(v) ? (v as ViewId) : undefined;
};

export const uiInitialState = (): UiState => ({
  view: viewFromHash() ?? 'runtime',
  theme: (['light', 'dark', 'system'].includes(stored('coral.theme') ?? '')
    ? stored('coral.theme')
    : 'system') as Theme,
});

export const useUiStore = create<UiState & UiActions>()(
  subscribeWithSelector((set) => ({
    ...uiInitialState(),
    setView(view) {
      set({ view });
      if (location.hash !== `#/${view}`)
        history.replaceState(null, '', `${location.pathname}${location.search}#/${view}`);
    },
    setTheme(theme) {
      set({ theme });
      try {
        localStorage.setItem('coral.theme', theme);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
    },
  })),
);

export const resetUiStore = () => useUiStore.setState(uiInitialState());
