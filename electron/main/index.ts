/**
 * The Electron main process: lifecycle, the one window, menus, security policy, and IPC wired
 * onto the shared handler table. Everything else runs in electron/runtime, bench, … in plain Node.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeTheme,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { createServices } from '../ipc/create-services';
import { IpcServer } from '../ipc/handlers';
import type { Services } from '../ipc/services';
import { contentSecurityPolicy } from '../host/csp';
import { formatLogEntry, RuntimeLog } from '../runtime/log';
import { resolveDataDir } from '../runtime/paths';
import type { Disposable } from '../runtime/types';
import { APP_VERSION } from '../runtime/version';
import { fitToDisplays, loadWindowState, saveWindowState } from './bounds';
import { wireIpc, type IpcWiring } from './ipc';
import { aboutText, buildMenuTemplate } from './menu';
import { isAppUrl, isSafeExternalUrl } from './navigation';
import { buildWindowOptions } from './window-options';
import { setChildForker } from '../runtime/child-process';
import { utilityForker } from './utility-forker';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererIndex = path.join(here, '../renderer/index.html');
const appUrl = () => devServerUrl ?? pathToFileURL(rendererIndex).href;
const dataDir = resolveDataDir(process.env);
// Out-of-process inference workers run as utility processes (the RunAsNode fuse is off).
setChildForker(utilityForker);

let mainWindow: BrowserWindow | null = null;
let services: (Services & Disposable) | null = null;
let ipc: IpcServer | null = null;
let wiring: IpcWiring | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another Coral Studio is running: it gets focused (second-instance below); this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, (e: unknown) => fatal(e));
}

function fatal(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  dialog.showErrorBox(
    'Coral Studio could not start',
    `${message}\n\nRun \`coral init\` in a terminal for details.`,
  );
  app.exit(1);
}

function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // file:// pages get the CSP from their meta tag; the dev server's responses get it as a header.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (devServerUrl && details.url.startsWith(devServerUrl)) {
      // Vite's dev client needs inline scripts/styles; the packaged app never does.
      headers['Content-Security-Policy'] = [
        contentSecurityPolicy('header')
          .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
          .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
          .replace("connect-src 'self'", "connect-src 'self' ws:"),
      ];
    }
    callback({ responseHeaders: headers });
  });
}

app.on('web-contents-created', (_event, contents: WebContents) => {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url, appUrl())) return;
    event.preventDefault();
    // A plain https link the user clicked opens in the OS browser; anything else goes nowhere.
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, appUrl())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

function versions(): Record<string, string> {
  const onnx = services?.runtime.context.state.adapters.find((a) => a.name === 'onnx')?.version;
  return {
    electron: process.versions.electron,
    chrome: process.versions.chrome,
    v8: process.versions.v8,
    ...(onnx ? { onnxruntime: onnx } : {}),
  };
}

/** The native open dialog for a model (menu File > Open Model and the app.pickModel route). */
async function pickModel(): Promise<string | null> {
  const win = BrowserWindow.getFocusedWindow() ?? mainWindow;
  const options = {
    title: 'Open a model to benchmark',
    properties: ['openFile' as const],
    filters: [
      { name: 'Models', extensions: ['onnx', 'rknn', 'ort'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = win
    ? await dialog.showOpenDialog(win, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function installMenu(): void {
  const send = (command: {
    command: 'open-model' | 'export-report' | 'navigate';
    path?: string;
    view?: string;
  }) => {
    const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
    if (target && wiring) wiring.push(target.webContents, 'app.command', command);
  };
  const template = buildMenuTemplate(
    {
      async openModel() {
        const path = await pickModel();
        if (path) send({ command: 'open-model', path });
      },
      exportReport: () => send({ command: 'export-report' }),
      navigate: (view) => send({ command: 'navigate', view }),
      about() {
        const detail = aboutText({
          coral: APP_VERSION,
          node: process.versions.node,
          ...versions(),
        });
        void dialog.showMessageBox({
          type: 'info',
          title: 'About Coral Studio',
          message: `Coral Studio ${APP_VERSION}`,
          detail,
          buttons: ['OK'],
        });
      },
      openDataFolder: () => void shell.openPath(dataDir),
    },
    { isMac: process.platform === 'darwin', devTools: !app.isPackaged },
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(template as Electron.MenuItemConstructorOptions[]),
  );
}

function createWindow(): void {
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const state = fitToDisplays(loadWindowState(dataDir), workAreas);
  const win = new BrowserWindow(
    buildWindowOptions({
      preloadPath: path.join(here, '../preload/index.cjs'),
      bounds: state,
      dark: nativeTheme.shouldUseDarkColors,
      devTools: !app.isPackaged,
    }),
  );
  mainWindow = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    saveWindowState(dataDir, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', remember);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void (devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(rendererIndex));
}

async function start(): Promise<void> {
  hardenSessions();
  const log = new RuntimeLog({
    echo: (e) => process.stderr.write(`${formatLogEntry(e)}\n`),
    echoLevel: 'warn',
  });
  services = await createServices({
    mode: 'electron',
    dataDir,
    log,
    versions: {
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      v8: process.versions.v8,
    },
  });
  ipc = new IpcServer({ ...services, shell: { pickModel } });
  wiring = wireIpc(ipc, appUrl);
  installMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let stopping = false;
app.on('will-quit', (event) => {
  if (stopping || !services) return;
  // Cancel runs, close the history, reset the runtime; then quit for real.
  event.preventDefault();
  stopping = true;
  wiring?.dispose();
  ipc?.dispose();
  void Promise.resolve(services.dispose()).finally(() => app.quit());
});
