import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, fromEnv, parseBoolean, parseList } from '../../../electron/runtime/env';
import { FLAG_NAMES } from '../../../electron/runtime/types';

describe('fromEnv', () => {
  describe('booleans', () => {
    const truthy = [
      '1',
      'true',
      'TRUE',
      'True',
      'yes',
      'YES',
      'y',
      'Y',
      'on',
      'ON',
      '  on  ',
      '\ttrue\n',
    ];
    const falsy = ['0', 'false', 'FALSE', 'no', 'No', 'n', 'N', 'off', 'OFF', ' 0 '];
    it.each(truthy)('accepts %j as true', (raw) => {
      expect(parseBoolean(raw)).toBe(true);
      expect(fromEnv({ CORAL_ENABLE_WEBRTC: raw }).flags.webrtc).toEqual({
        value: true,
        variable: 'CORAL_ENABLE_WEBRTC',
      });
    });
    it.each(falsy)('accepts %j as false', (raw) => {
      expect(
        fromEnv({ CORAL_AUTO_DISCOVER_BACKENDS: raw }).fields.autoDiscoverBackends?.value,
      ).toBe(false);
    });
    it.each(['maybe', '', ' ', '2', 'truee', 'enable', '-1', 'yes please'])(
      'rejects %j with a diagnostic naming the variable and the value',
      (raw) => {
        const r = fromEnv({ CORAL_ENABLE_WEBRTC: raw });
        expect(r.flags.webrtc).toBeUndefined();
        expect(r.diagnostics).toHaveLength(1);
        expect(r.diagnostics[0]).toMatchObject({
          level: 'error',
          variable: 'CORAL_ENABLE_WEBRTC',
          field: 'flags.webrtc',
        });
        expect(r.diagnostics[0].message).toContain(JSON.stringify(raw));
        expect(r.diagnostics[0].hint).toMatch(/1\/true\/yes/);
      },
    );
  });

  it.each(FLAG_NAMES)('reads CORAL_ENABLE_%s for the flag of that name', (flag) => {
    const variable = `CORAL_ENABLE_${flag.toUpperCase()}`;
    expect(fromEnv({ [variable]: 'off' }).flags[flag]).toEqual({ value: false, variable });
  });

  it('reads CORAL_AUTO_PATCH_RKNN as the auto_patch_rknn flag and lets it win over CORAL_ENABLE_AUTO_PATCH_RKNN', () => {
    expect(fromEnv({ CORAL_AUTO_PATCH_RKNN: 'no' }).flags.auto_patch_rknn).toEqual({
      value: false,
      variable: 'CORAL_AUTO_PATCH_RKNN',
    });
    const both = fromEnv({ CORAL_AUTO_PATCH_RKNN: 'no', CORAL_ENABLE_AUTO_PATCH_RKNN: 'yes' });
    expect(both.flags.auto_patch_rknn?.value).toBe(false);
    expect(both.diagnostics[0].message).toMatch(/disagree/);
  });

  it('reads the platform, lower-cased and trimmed, and rejects names that cannot be platforms', () => {
    expect(fromEnv({ CORAL_RUNTIME_PLATFORM: ' RKNN ' }).fields.platform?.value).toBe('rknn');
    const bad = fromEnv({ CORAL_RUNTIME_PLATFORM: 'rk nn!' });
    expect(bad.fields.platform).toBeUndefined();
    expect(bad.diagnostics[0]).toMatchObject({
      variable: 'CORAL_RUNTIME_PLATFORM',
      field: 'platform',
    });
  });

  describe('lists', () => {
    it('splits on commas, trims, drops empties and removes duplicates in order', () => {
      expect(parseList(' a, b ,,c , a,  ,b')).toEqual(['a', 'b', 'c']);
      expect(
        fromEnv({ CORAL_DISABLED_BACKENDS: 'rknn, onnx,rknn,' }).fields.disabledBackends?.value,
      ).toEqual(['rknn', 'onnx']);
      expect(fromEnv({ CORAL_EXTRA_PATCHES: './p.js' }).fields.extraPatches?.value).toEqual([
        './p.js',
      ]);
    });
    it('treats an empty list variable as an explicit empty list', () => {
      expect(fromEnv({ CORAL_BACKENDS: '' }).fields.backendEntryPoints).toEqual({
        value: [],
        variable: 'CORAL_BACKENDS',
      });
    });
    it('accepts CORAL_BACKEND_MODULES as an alias of CORAL_BACKENDS and combines both', () => {
      expect(fromEnv({ CORAL_BACKEND_MODULES: 'x' }).fields.backendEntryPoints).toEqual({
        value: ['x'],
        variable: 'CORAL_BACKEND_MODULES',
      });
      expect(
        fromEnv({ CORAL_BACKENDS: 'a,b', CORAL_BACKEND_MODULES: 'b,c' }).fields.backendEntryPoints,
      ).toEqual({
        value: ['a', 'b', 'c'],
        variable: 'CORAL_BACKENDS,CORAL_BACKEND_MODULES',
      });
    });
    it('splits CORAL_PLUGIN_PATH on the OS path delimiter', () => {
      const raw = ['/opt/a', '', '/opt/b', '/opt/a'].join(path.delimiter);
      expect(fromEnv({ CORAL_PLUGIN_PATH: raw }).fields.pluginDirs?.value).toEqual([
        '/opt/a',
        '/opt/b',
      ]);
    });
  });

  it('reads the register time-out as a positive whole number only', () => {
    expect(fromEnv({ CORAL_REGISTER_TIMEOUT_MS: '250' }).fields.registerTimeoutMs?.value).toBe(250);
    for (const raw of ['0', '-5', '1.5', '5s', '']) {
      const r = fromEnv({ CORAL_REGISTER_TIMEOUT_MS: raw });
      expect(r.fields.registerTimeoutMs).toBeUndefined();
      expect(r.diagnostics[0].variable).toBe('CORAL_REGISTER_TIMEOUT_MS');
    }
  });

  it('warns about an unknown CORAL_ variable and suggests the nearest known name', () => {
    const r = fromEnv({
      CORAL_ENABLE_WEBTRC: '1',
      CORAL_PLUGINS_PATH: '/x',
      CORAL_ZZZZZZZZZZZZZZZZZZZZZZ: '1',
    });
    const byVar = Object.fromEntries(r.diagnostics.map((d) => [d.variable, d]));
    expect(byVar.CORAL_ENABLE_WEBTRC).toMatchObject({
      level: 'warn',
      hint: 'Did you mean CORAL_ENABLE_WEBRTC?',
    });
    expect(byVar.CORAL_PLUGINS_PATH.hint).toBe('Did you mean CORAL_PLUGIN_PATH?');
    expect(byVar.CORAL_ZZZZZZZZZZZZZZZZZZZZZZ.hint).toMatch(/README/);
    expect(r.flags.webrtc).toBeUndefined();
  });

  it('ignores variables without the prefix and honours a custom prefix', () => {
    expect(fromEnv({ HOME: '/root', ENABLE_WEBRTC: '0' }).diagnostics).toEqual([]);
    const r = fromEnv({ MYAPP_ENABLE_WEBRTC: '0', CORAL_ENABLE_WEBRTC: '1' }, 'MYAPP_');
    expect(r.flags.webrtc).toEqual({ value: false, variable: 'MYAPP_ENABLE_WEBRTC' });
  });

  it('records every variable it saw, raw', () => {
    expect(fromEnv({ CORAL_ENABLE_WEBRTC: 'maybe', CORAL_X: '1', OTHER: '2' }).seen).toEqual({
      CORAL_ENABLE_WEBRTC: 'maybe',
      CORAL_X: '1',
    });
  });

  it('documents every variable with a description', () => {
    for (const v of ENV_VARIABLES) expect(v.description.length, v.name).toBeGreaterThan(10);
  });
});
