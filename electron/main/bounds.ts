/**
 * Remembered window bounds: read and written as JSON in the data directory, and fitted to the
 * displays that exist now (a monitor unplugged since last time must not leave the window
 * off-screen). No 'electron' import: the displays are passed in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SIZE, MIN_SIZE, type Bounds } from './window-options';

export interface WindowState extends Bounds {
  maximized?: boolean;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WINDOW_STATE_FILE = 'window-state.json';

export function loadWindowState(dataDir: string): WindowState | undefined {
  try {
    const raw = JSON.parse(
      fs.readFileSync(path.join(dataDir, WINDOW_STATE_FILE), 'utf8'),
    ) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const width = num(raw.width);
    const height = num(raw.height);
    if (!width || !height) return undefined;
    const state: WindowState = { width, height };
    const x = num(raw.x);
    const y = num(raw.y);
    if (x !== undefined && y !== undefined) Object.assign(state, { x, y });
    if (raw.maximized === true) state.maximized = true;
    return state;
  } catch {
    return undefined; // First start, or a damaged file: fall back to the defaults.
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, WINDOW_STATE_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}

/**
 * Keeps saved bounds only if enough of the window (100x50 px of its title area) lands on a
 * display that exists now; shrinks it to that display's work area. Otherwise the default size,
 * centred by Electron.
 */
export function fitToDisplays(state: WindowState | undefined, workAreas: Area[]): WindowState {
  if (!state) return { ...DEFAULT_SIZE };
  const visible = (a: Area) =>
    state.x !== undefined &&
    state.y !== undefined &&
    state.x + state.width - 100 >= a.x &&
    state.x + 100 <= a.x + a.width &&
    state.y >= a.y - 10 &&
    state.y + 50 <= a.y + a.height;
  const area = workAreas.find(visible);
  if (!area) {
    return {
      width: Math.max(MIN_SIZE.width, Math.min(state.width, workAreas[0]?.width ?? state.width)),
      height: Math.max(
        MIN_SIZE.height,
        Math.min(state.height, workAreas[0]?.height ?? state.height),
      ),
      ...(state.maximized ? { maximized: true } : {}),
    };
  }
  return {
    x: state.x,
    y: state.y,
    width: Math.min(state.width, area.width),
    height: Math.min(state.height, area.height),
    ...(state.maximized ? { maximized: true } : {}),
  };
}
