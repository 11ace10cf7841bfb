import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flattenConfig,
  parseOverrides,
  resolveConfig,
  validateConfigFile,
  validateOverrides,
} from '../../../electron/runtime/config';
import { CoralError } from '../../../electron/runtime/errors';
import { tempDir } from '../../helpers/plugins';

function writeFile(name: string, content: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

describe('resolveConfig', () => {
  const dataDir = tempDir();

  it('uses defaults, each marked as such, when nothing is set', () => {
    const c = resolveConfig({ env: {}, dataDir });
    expect(c.platform).toEqual({ value: null, source: 'default' });
    expect(c.autoDiscoverBackends).toEqual({ value: true, source: 'default' });
    expect(c.registerTimeoutMs).toEqual({ value: 5000, source: 'default' });
    expect(c.flags.webrtc).toEqual({ value: true, source: 'default' });
    expect(c.pluginDirs).toEqual({ value: [path.join(dataDir, 'plugins')], source: 'default' });
    expect(c.configFile).toBeNull();
  });

  it('layers file < env < override and records where each value came from', () => {
    const file = writeFile(
      'coral.config.json',
      JSON.stringify({
        platform: 'onnx',
        disabledBackends: ['a'],
        flags: { webrtc: false, camera: false, sink: false },
      }),
    );
    const c = resolveConfig({
      env: {
        CORAL_CONFIG: file,
        CORAL_ENABLE_CAMERA: 'yes',
        CORAL_ENABLE_SINK: '1',
        CORAL_DISABLED_BACKENDS: 'b',
      },
      overrides: { 'flags.sink': false, platform: 'rknn' },
      dataDir,
    });
    expect(c.configFile).toBe(file);
    expect(c.flags.webrtc).toEqual({ value: false, source: `file:${file}` });
    expect(c.flags.camera).toEqual({ value: true, source: 'env:CORAL_ENABLE_CAMERA' });
    expect(c.flags.sink).toEqual({ value: false, source: 'override' });
    expect(c.platform).toEqual({ value: 'rknn', source: 'override' });
    expect(c.disabledBackends).toEqual({ value: ['b'], source: 'env:CORAL_DISABLED_BACKENDS' });
  });

  it('keeps the file value when the env value is invalid, and says so', () => {
    const file = writeFile('c.yaml', 'flags:\n  webrtc: false\n');
    const c = resolveConfig({ env: { CORAL_ENABLE_WEBRTC: 'maybe' }, configPath: file, dataDir });
    expect(c.flags.webrtc).toEqual({ value: false, source: `file:${file}` });
    expect(c.diagnostics.map((d) => d.variable)).toEqual(['CORAL_ENABLE_WEBRTC']);
  });

  it('prefers --config over CORAL_CONFIG', () => {
    const a = writeFile('a.json', '{"registerTimeoutMs": 111}');
    const b = writeFile('b.json', '{"registerTimeoutMs": 222}');
    expect(
      resolveConfig({ env: { CORAL_CONFIG: a }, configPath: b, dataDir }).registerTimeoutMs.value,
    ).toBe(222);
  });

  it('finds coral.config.yaml in the data directory when no path is given', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'coral.config.yaml'), 'autoDiscoverBackends: false\n');
    const c = resolveConfig({ env: {}, dataDir: dir });
    expect(c.autoDiscoverBackends).toEqual({
      value: false,
      source: `file:${path.join(dir, 'coral.config.yaml')}`,
    });
  });

  it('accumulates plugin directories from the default, the file, CORAL_PLUGIN_PATH and --plugin-dir', () => {
    const file = writeFile('coral.config.json', '{"pluginDirs": ["./from-file"]}');
    const c = resolveConfig({
      env: { CORAL_PLUGIN_PATH: ['/env/one', '/env/two'].join(path.delimiter) },
      configPath: file,
      extraPluginDirs: ['/cli/dir'],
      dataDir,
    });
    expect(c.pluginDirs.value).toEqual([
      path.join(dataDir, 'plugins'),
      path.join(path.dirname(file), 'from-file'),
      '/env/one',
      '/env/two',
      '/cli/dir',
    ]);
    expect(c.pluginDirs.source).toBe('override');
  });

  it('resolves relative module paths in a config file against the file, not the cwd', () => {
    const file = writeFile(
      'coral.config.json',
      '{"backendEntryPoints": ["./mods/a.js", "some-package"]}',
    );
    expect(resolveConfig({ env: {}, configPath: file, dataDir }).backendEntryPoints.value).toEqual([
      path.join(path.dirname(file), 'mods/a.js'),
      'some-package',
    ]);
  });

  it('throws a CONFIG_INVALID error naming the file for a bad file, or records it when asked to keep going', () => {
    const file = writeFile('coral.config.json', '{"flags": {"webrtc": "nope"}}');
    expect(() => resolveConfig({ env: {}, configPath: file, dataDir })).toThrow(CoralError);
    try {
      resolveConfig({ env: {}, configPath: file, dataDir });
    } catch (e) {
      expect((e as CoralError).code).toBe('CONFIG_INVALID');
      expect((e as CoralError).message).toContain(file);
    }
    const c = resolveConfig({
      env: { CORAL_ENABLE_WEBRTC: '0' },
      configPath: file,
      dataDir,
      onFileError: 'diagnose',
    });
    expect(c.flags.webrtc).toEqual({ value: false, source: 'env:CORAL_ENABLE_WEBRTC' });
    expect(c.diagnostics[0].message).toContain(file);
  });

  it('says which file is missing', () => {
    expect(() =>
      resolveConfig({ env: {}, configPath: '/nope/coral.config.json', dataDir }),
    ).toThrow(/\/nope\/coral.config.json/);
  });

  it('flattens to field → {value, source} with flags as flags.<name>', () => {
    const flat = flattenConfig(resolveConfig({ env: {}, dataDir }));
    expect(Object.keys(flat)).toContain('flags.stream_manager');
    expect(flat['flags.plugins']).toEqual({ value: true, source: 'default' });
  });
});

describe('validateConfigFile', () => {
  it('returns nothing for a valid JSON or YAML file', () => {
    expect(
      validateConfigFile(writeFile('ok.json', '{"platform": "rknn", "flags": {"webrtc": true}}')),
    ).toEqual([]);
    expect(validateConfigFile(writeFile('ok.yaml', 'disabledBackends: [rknn]\n'))).toEqual([]);
    expect(validateConfigFile(writeFile('empty.yaml', ''))).toEqual([]);
  });

  it('lists one line per problem with the path of the bad value', () => {
    const problems = validateConfigFile(
      writeFile(
        'bad.json',
        '{"flags": {"webrtc": 1, "nope": true}, "pluginDirs": "x", "registerTimeoutMs": -1, "extra": 1}',
      ),
    );
    expect(problems).toHaveLength(5);
    expect(problems.some((p) => p.startsWith('flags.webrtc:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('flags: unknown key "nope"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('pluginDirs:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('registerTimeoutMs:'))).toBe(true);
    expect(problems.some((p) => p.includes('unknown key "extra"'))).toBe(true);
  });

  it('reports a syntax error instead of crashing', () => {
    expect(validateConfigFile(writeFile('broken.json', '{"platform": '))[0]).toMatch(/\(file\)/);
    expect(validateConfigFile(writeFile('broken.yaml', 'a: [\n'))[0]).toMatch(/\(file\)/);
  });
});

describe('overrides', () => {
  it('parses --set key=value into typed values', () => {
    expect(
      parseOverrides([
        'flags.webrtc=off',
        'disabledBackends=a, b',
        'platform=RKNN',
        'registerTimeoutMs=100',
        'platform=auto',
      ]),
    ).toEqual({
      'flags.webrtc': false,
      disabledBackends: ['a', 'b'],
      platform: null,
      registerTimeoutMs: 100,
    });
  });

  it('rejects unknown keys with the nearest key, and bad values with a hint', () => {
    expect(() => parseOverrides(['flags.webrct=1'])).toThrow(/Unknown config key "flags.webrct"/);
    try {
      parseOverrides(['flags.webrct=1']);
    } catch (e) {
      expect((e as CoralError).hint).toMatch(/Did you mean flags.webrtc\?/);
      expect((e as CoralError).code).toBe('USAGE');
    }
    expect(() => parseOverrides(['flags.webrtc=maybe'])).toThrow(/flags.webrtc=maybe/);
    expect(() => parseOverrides(['novalue'])).toThrow(/expected key=value/);
  });

  it('validates typed overrides from the UI', () => {
    expect(validateOverrides({ 'flags.camera': false, platform: null })).toEqual({
      'flags.camera': false,
      platform: null,
    });
    expect(() => validateOverrides({ 'flags.camera': 'no' })).toThrow(/flags.camera/);
    expect(() => validateOverrides({ disabledBackends: 'onnx' })).toThrow(/disabledBackends/);
  });
});
