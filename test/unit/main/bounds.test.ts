import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fitToDisplays,
  loadWindowState,
  saveWindowState,
  WINDOW_STATE_FILE,
} from '../../../electron/main/bounds';
import { tempDir } from '../../helpers/plugins';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('remembered window bounds', () => {
  it('round-trips through the data directory', () => {
    const dir = tempDir('coral-bounds-');
    saveWindowState(dir, { x: 100, y: 50, width: 1300, height: 850, maximized: true });
    expect(loadWindowState(dir)).toEqual({
      x: 100,
      y: 50,
      width: 1300,
      height: 850,
      maximized: true,
    });
  });

  it('falls back to defaults on a missing or damaged file', () => {
    const dir = tempDir('coral-bounds-');
    expect(loadWindowState(dir)).toBeUndefined();
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"width": "wide"');
    expect(loadWindowState(dir)).toBeUndefined();
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"width": "wide", "height": 3}');
    expect(loadWindowState(dir)).toBeUndefined();
  });

  it('keeps a position that is on a display now', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1300, height: 850 }, [screen])).toEqual({
      x: 100,
      y: 50,
      width: 1300,
      height: 850,
    });
  });

  it('drops the position when its display is gone (window would be off-screen)', () => {
    const fitted = fitToDisplays({ x: 2500, y: 100, width: 1300, height: 850 }, [screen]);
    expect(fitted.x).toBeUndefined();
    expect(fitted.width).toBe(1300);
  });

  it('shrinks a window larger than the display it is on', () => {
    expect(fitToDisplays({ x: 0, y: 0, width: 3000, height: 2000 }, [screen])).toMatchObject({
      width: 1920,
      height: 1080,
    });
  });

  it('uses the second display when the window was there', () => {
    const second = { x: 1920, y: 0, width: 2560, height: 1440 };
    expect(fitToDisplays({ x: 2100, y: 100, width: 1400, height: 900 }, [screen, second])).toEqual({
      x: 2100,
      y: 100,
      width: 1400,
      height: 900,
    });
  });
});
