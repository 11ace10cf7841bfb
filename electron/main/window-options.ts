/**
 * The BrowserWindow options, as a pure function (no 'electron' import) so a unit test can check
 * every security-relevant setting without an Electron binary. Structurally compatible with
 * Electron's BrowserWindowConstructorOptions.
 */
export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowOptionsInput {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  bounds?: Bounds;
  /** Matches the page background, so the first frame is not a white flash in dark mode. */
  dark?: boolean;
  platform?: NodeJS.Platform;
  /** Absolute path of the window icon (Linux and Windows; macOS uses the bundle's). */
  iconPath?: string;
}

export const MIN_SIZE = { width: 1024, height: 700 } as const;
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;

export interface CoralWindowOptions {
  title: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  backgroundColor: string;
  autoHideMenuBar: boolean;
  icon?: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    experimentalFeatures: false;
    navigateOnDragDrop: false;
    spellcheck: false;
    safeDialogs: true;
    devTools: boolean;
  };
}

export function buildWindowOptions(
  input: WindowOptionsInput & { devTools?: boolean },
): CoralWindowOptions {
  const b = input.bounds;
  const width = Math.max(MIN_SIZE.width, Math.round(b?.width ?? DEFAULT_SIZE.width));
  const height = Math.max(MIN_SIZE.height, Math.round(b?.height ?? DEFAULT_SIZE.height));
  const options: CoralWindowOptions = {
    title: 'Coral Studio',
    width,
    height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    // Shown on ready-to-show: no half-painted window.
    show: false,
    backgroundColor: input.dark ? '#0f1319' : '#f5f6f8',
    autoHideMenuBar: false,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A model dropped outside the drop zone must not navigate the window to file://.
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: input.devTools ?? true,
    },
  };
  if (b && Number.isFinite(b.x) && Number.isFinite(b.y)) {
    options.x = Math.round(b.x as number);
    options.y = Math.round(b.y as number);
  }
  if (input.iconPath && (input.platform ?? process.platform) !== 'darwin')
    options.icon = input.iconPath;
  return options;
}
