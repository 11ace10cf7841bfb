/**
 * The application menu as a template (plain data + callbacks; no 'electron' import), so a test
 * can check what is in it. Structurally compatible with MenuItemConstructorOptions[].
 */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: 'separator';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

export interface MenuActions {
  openModel(): void;
  exportReport(): void;
  navigate(view: string): void;
  about(): void;
  openDataFolder(): void;
}

export const MENU_VIEWS: Array<[string, string]> = [
  ['runtime', 'Runtime'],
  ['config', 'Configuration'],
  ['bench', 'Benchmarks'],
  ['boards', 'Boards'],
  ['diagnostics', 'Diagnostics'],
];

export function buildMenuTemplate(
  actions: MenuActions,
  opts: { isMac: boolean; devTools: boolean },
): MenuItem[] {
  const sep: MenuItem = { type: 'separator' };
  const file: MenuItem = {
    label: 'File',
    submenu: [
      { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: actions.openModel },
      {
        label: 'Export Diagnostic Report…',
        accelerator: 'CmdOrCtrl+Shift+E',
        click: actions.exportReport,
      },
      sep,
      { label: 'Open Data Folder', click: actions.openDataFolder },
      sep,
      opts.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItem = {
    label: 'View',
    submenu: [
      ...MENU_VIEWS.map(([id, label], i): MenuItem => ({
        label,
        accelerator: `CmdOrCtrl+${i + 1}`,
        click: () => actions.navigate(id),
      })),
      sep,
      { role: 'reload' },
      ...(opts.devTools ? [{ role: 'toggleDevTools' }] : []),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItem = {
    label: 'Help',
    submenu: [
      // Where people look when something is wrong (the issue tracker asks for this report).
      { label: 'Export Diagnostic Report…', click: actions.exportReport },
      sep,
      { label: 'About Coral Studio', click: actions.about },
    ],
  };
  const edit: MenuItem = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const appMenu: MenuItem[] = opts.isMac
    ? [
        {
          label: 'Coral Studio',
          submenu: [
            { label: 'About Coral Studio', click: actions.about },
            sep,
            { role: 'hide' },
            { role: 'hideOthers' },
            sep,
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, help];
}

/** The About box text: every version a bug report needs. */
export function aboutText(versions: Record<string, string | undefined>): string {
  const order = ['coral', 'electron', 'chrome', 'node', 'v8', 'onnxruntime'];
  const names: Record<string, string> = {
    coral: 'Coral Studio',
    electron: 'Electron',
    chrome: 'Chromium',
    node: 'Node.js',
    v8: 'V8',
    onnxruntime: 'ONNX Runtime',
  };
  const keys = [
    ...order.filter((k) => versions[k]),
    ...Object.keys(versions).filter((k) => !order.includes(k) && versions[k]),
  ];
  return keys.map((k) => `${names[k] ?? k}: ${versions[k]}`).join('\n');
}
