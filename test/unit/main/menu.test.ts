import { describe, expect, it, vi } from 'vitest';
import { aboutText, buildMenuTemplate, type MenuItem } from '../../../electron/main/menu';

const actions = () => ({
  openModel: vi.fn(),
  exportReport: vi.fn(),
  navigate: vi.fn(),
  about: vi.fn(),
  openDataFolder: vi.fn(),
});
const find = (items: MenuItem[], label: string) => items.find((i) => i.label === label);

describe('the application menu', () => {
  it('has File, View and Help menus with open model, export report and about', () => {
    const a = actions();
    const menu = buildMenuTemplate(a, { isMac: false, devTools: false });
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    find(find(menu, 'File')!.submenu!, 'Open Model…')!.click!();
    find(find(menu, 'File')!.submenu!, 'Export Diagnostic Report…')!.click!();
    find(find(menu, 'Help')!.submenu!, 'About Coral Studio')!.click!();
    find(find(menu, 'Help')!.submenu!, 'Export Diagnostic Report…')!.click!();
    expect(a.openModel).toHaveBeenCalledOnce();
    expect(a.exportReport).toHaveBeenCalledTimes(2);
    expect(a.about).toHaveBeenCalledOnce();
  });

  it('lets View switch to every view with a shortcut', () => {
    const a = actions();
    const view = find(buildMenuTemplate(a, { isMac: false, devTools: false }), 'View')!.submenu!;
    const bench = find(view, 'Benchmarks')!;
    expect(bench.accelerator).toBe('CmdOrCtrl+3');
    bench.click!();
    expect(a.navigate).toHaveBeenCalledWith('bench');
  });

  it('offers dev tools only in development builds', () => {
    const roles = (devTools: boolean) =>
      find(buildMenuTemplate(actions(), { isMac: false, devTools }), 'View')!.submenu!.map(
        (i) => i.role,
      );
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('puts an app menu first on macOS', () => {
    expect(buildMenuTemplate(actions(), { isMac: true, devTools: false })[0].label).toBe(
      'Coral Studio',
    );
  });

  it('lists every version in the About box, app first', () => {
    const text = aboutText({
      node: '20.20.0',
      coral: '0.1.0',
      electron: '45.5.0',
      chrome: '140',
      v8: '14',
      onnxruntime: '1.30.0',
    });
    expect(text.split('\n')).toEqual([
      'Coral Studio: 0.1.0',
      'Electron: 45.5.0',
      'Chromium: 140',
      'Node.js: 20.20.0',
      'V8: 14',
      'ONNX Runtime: 1.30.0',
    ]);
  });
});
