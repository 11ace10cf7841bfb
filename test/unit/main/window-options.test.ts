import { describe, expect, it } from 'vitest';
import { buildWindowOptions, DEFAULT_SIZE, MIN_SIZE } from '../../../electron/main/window-options';

describe('the main window options', () => {
  const options = buildWindowOptions({ preloadPath: '/app/out/preload/index.cjs' });

  it('isolates the page: context isolation, sandbox, no Node, web security on', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('does not navigate when a file is dropped outside the drop zone', () => {
    expect(options.webPreferences.navigateOnDragDrop).toBe(false);
  });

  it('opens at 1280x800 by default, hidden until the first paint is ready', () => {
    expect(options).toMatchObject({ ...DEFAULT_SIZE, show: false, title: 'Coral Studio' });
    expect(options.x).toBeUndefined();
  });

  it('reuses remembered bounds but never goes below the minimum usable size', () => {
    expect(
      buildWindowOptions({ preloadPath: 'p', bounds: { x: 10, y: 20, width: 1500, height: 900 } }),
    ).toMatchObject({ x: 10, y: 20, width: 1500, height: 900 });
    const tiny = buildWindowOptions({ preloadPath: 'p', bounds: { width: 10, height: 10 } });
    expect(tiny.width).toBe(MIN_SIZE.width);
    expect(tiny.height).toBe(MIN_SIZE.height);
    expect(tiny.minWidth).toBe(MIN_SIZE.width);
  });

  it('paints the first frame in the theme colour, so dark mode does not flash white', () => {
    expect(buildWindowOptions({ preloadPath: 'p', dark: true }).backgroundColor).toBe('#0f1319');
    expect(buildWindowOptions({ preloadPath: 'p', dark: false }).backgroundColor).toBe('#f5f6f8');
  });

  it('turns dev tools off when asked (packaged builds)', () => {
    expect(buildWindowOptions({ preloadPath: 'p', devTools: false }).webPreferences.devTools).toBe(
      false,
    );
  });
});
