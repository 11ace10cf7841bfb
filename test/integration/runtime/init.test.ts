import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../electron/runtime/config';
import { init, reset } from '../../../electron/runtime/init';
import { detectPlatform, rockchipSocFromCompatible } from '../../../electron/runtime/platform';
import { RuntimeService } from '../../../electron/runtime/service';
import { FLAG_NAMES } from '../../../electron/runtime/types';
import { adapterSource, tempDir, writePlugin } from '../../helpers/plugins';

function fakeRoot(compatible?: string, libs: string[] = []): string {
  const root = tempDir('coral-root-');
  if (compatible !== undefined) {
    fs.mkdirSync(path.join(root, 'proc/device-tree'), { recursive: true });
    fs.writeFileSync(path.join(root, 'proc/device-tree/compatible'), compatible);
  }
  for (const lib of libs) {
    fs.mkdirSync(path.dirname(path.join(root, lib)), { recursive: true });
    fs.writeFileSync(path.join(root, lib), '');
  }
  return root;
}

describe('init() with the built-in adapters', () => {
  it('enables onnx on this machine, with the onnxruntime version and execution providers', async () => {
    const config = resolveConfig({ env: {}, dataDir: tempDir() });
    const ctx = await init(config, { fsRoot: fakeRoot() });
    expect(ctx.state.platform).toEqual({ value: 'onnx', source: 'detected:default' });
    expect(ctx.state.backendsEnabled).toContain('onnx');
    const onnx = ctx.state.adapters.find((a) => a.name === 'onnx');
    expect(onnx).toMatchObject({ origin: 'builtin', status: 'enabled' });
    expect(onnx?.detail?.onnxruntimeVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(onnx?.detail?.executionProviders).toContain('cpu');
    const rknn = ctx.state.adapters.find((a) => a.name === 'rknn');
    expect(rknn?.status).toBe('unsupported');
    expect(rknn?.reason).toMatch(/ssh and adb/);
    expect(ctx.state.failures).toEqual([]);
    expect(ctx.adapter('onnx')?.modelFormats).toEqual(['.onnx']);
    await reset(ctx);
  });

  it('logs each patch as enabled or disabled via config', async () => {
    const config = resolveConfig({ env: { CORAL_ENABLE_WEBRTC: '0' }, dataDir: tempDir() });
    const ctx = await init(config, { builtins: [], fsRoot: fakeRoot() });
    const messages = ctx.log.map((e) => e.message);
    expect(messages).toContain('Patch webrtc disabled via config (env:CORAL_ENABLE_WEBRTC).');
    expect(messages).toContain('Patch camera enabled.');
    expect(ctx.state.patchesEnabled).toEqual(FLAG_NAMES.filter((f) => f !== 'webrtc'));
  });

  it('applies patches contributed by plugin packages and by CORAL_EXTRA_PATCHES', async () => {
    const dir = tempDir();
    writePlugin(dir, {
      name: 'coral-patcher',
      coral: { patches: ['./patch.js'] },
      files: {
        'patch.js': `export default { name: 'fast_io', description: 'faster I/O', apply() {}, revert() {} };`,
      },
    });
    const extra = path.join(tempDir(), 'extra.mjs');
    fs.writeFileSync(
      extra,
      `export default [{ name: 'extra_one', description: 'x', apply() {} }];`,
    );
    const config = resolveConfig({
      env: { CORAL_EXTRA_PATCHES: extra },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
    });
    const ctx = await init(config, { builtins: [], fsRoot: fakeRoot() });
    expect(ctx.state.patches.find((p) => p.name === 'fast_io')).toMatchObject({
      enabled: true,
      origin: 'plugin:coral-patcher',
    });
    expect(ctx.state.patchesEnabled).toContain('extra_one');
    expect(ctx.state.failures).toEqual([]);
  });
});

describe('platform', () => {
  it('detects rknn from a device tree naming a Rockchip NPU SoC, including RK3588S', () => {
    expect(detectPlatform(fakeRoot('radxa,rock-5b\0rockchip,rk3588\0'))).toMatchObject({
      value: 'rknn',
      source: 'detected:device-tree',
      soc: 'rk3588',
    });
    expect(rockchipSocFromCompatible('friendlyelec,nanopi-r6s\0rockchip,rk3588s\0')).toBe(
      'rk3588s',
    );
    expect(rockchipSocFromCompatible('rockchip,rv1106\0')).toBe('rv1106');
    expect(rockchipSocFromCompatible('raspberrypi,5-model-b\0brcm,bcm2712\0')).toBeUndefined();
  });

  it('detects rknn from librknnrt when the device tree does not say', () => {
    expect(detectPlatform(fakeRoot('raspberrypi,5\0', ['usr/lib/librknnrt.so']))).toMatchObject({
      value: 'rknn',
      source: 'detected:librknnrt',
    });
    expect(detectPlatform(fakeRoot(undefined, ['oem/usr/lib/librknnmrt.so'])).value).toBe('rknn');
  });

  it('prefers an override, then the environment, over detection', async () => {
    const root = fakeRoot('rockchip,rk3588\0');
    const fromEnv = await init(
      resolveConfig({ env: { CORAL_RUNTIME_PLATFORM: 'onnx' }, dataDir: tempDir() }),
      { builtins: [], fsRoot: root },
    );
    expect(fromEnv.state.platform).toEqual({ value: 'onnx', source: 'env:CORAL_RUNTIME_PLATFORM' });
    const fromOverride = await init(
      resolveConfig({
        env: { CORAL_RUNTIME_PLATFORM: 'onnx' },
        overrides: { platform: 'tpu' },
        dataDir: tempDir(),
      }),
      { builtins: [], fsRoot: root },
    );
    expect(fromOverride.state.platform).toEqual({ value: 'tpu', source: 'override' });
  });

  it('does not auto-activate rknn on an rknn platform when auto_patch_rknn is off', async () => {
    const root = fakeRoot('rockchip,rk3566\0');
    const on = await init(resolveConfig({ env: {}, dataDir: tempDir() }), { fsRoot: root });
    expect(on.state.adapters.find((a) => a.name === 'rknn')?.status).not.toBe('disabled');
    const off = await init(
      resolveConfig({ env: { CORAL_AUTO_PATCH_RKNN: 'off' }, dataDir: tempDir() }),
      { fsRoot: root },
    );
    expect(off.state.adapters.find((a) => a.name === 'rknn')).toMatchObject({
      status: 'disabled',
      reason: 'auto_patch_rknn is off (env:CORAL_AUTO_PATCH_RKNN)',
    });
    await reset(on);
    await reset(off);
  });
});

describe('RuntimeService', () => {
  it('re-initialises on an override, logs what changed, and resets back to env/file values', async () => {
    const dir = tempDir();
    writePlugin(dir, { name: 'coral-extra', files: { 'adapter.js': adapterSource('extra') } });
    const service = new RuntimeService({
      env: { CORAL_ENABLE_CAMERA: 'no' },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
      initOptions: { builtins: [], fsRoot: fakeRoot() },
    });
    const seen: string[][] = [];
    service.onChange((ctx) => seen.push(ctx.state.backendsEnabled));
    await service.start();
    expect(service.context.state.backendsEnabled).toEqual(['extra']);

    const ctx = await service.applyOverrides({ 'flags.camera': true, disabledBackends: ['extra'] });
    expect(ctx.config.flags.camera).toEqual({ value: true, source: 'override' });
    expect(ctx.state.adapters[0]).toMatchObject({ name: 'extra', status: 'disabled' });
    const log = service.log.list().map((e) => e.message);
    expect(log).toContain('flags.camera: false (env:CORAL_ENABLE_CAMERA) → true (override)');
    expect(log).toContain('Adapter extra: enabled → disabled (switched off (override))');

    await service.applyOverrides({ disabledBackends: null });
    expect(service.context.state.backendsEnabled).toEqual(['extra']);
    expect(service.overrides).toEqual({ 'flags.camera': true });

    await service.resetOverrides();
    expect(service.context.config.flags.camera).toEqual({
      value: false,
      source: 'env:CORAL_ENABLE_CAMERA',
    });
    expect(seen).toHaveLength(4);
    await service.dispose();
  });

  it('rejects an invalid override before touching the running context', async () => {
    const service = new RuntimeService({
      env: {},
      dataDir: tempDir(),
      initOptions: { builtins: [], fsRoot: fakeRoot() },
    });
    const before = await service.start();
    expect(() => service.applyOverrides({ 'flags.camera': 'sure' })).toThrow(/flags.camera/);
    expect(() => service.applyOverrides({ 'flags.nope': true })).toThrow(/Unknown config key/);
    expect(service.context).toBe(before);
    await service.dispose();
  });

  it('keeps running with a broken config file and shows the problem as a diagnostic', async () => {
    const file = path.join(tempDir(), 'coral.config.json');
    fs.writeFileSync(file, '{ nope');
    const service = new RuntimeService({
      env: { CORAL_CONFIG: file },
      dataDir: tempDir(),
      initOptions: { builtins: [], fsRoot: fakeRoot() },
    });
    const ctx = await service.start();
    expect(ctx.config.diagnostics[0]).toMatchObject({ level: 'error', variable: 'CORAL_CONFIG' });
    expect(ctx.config.diagnostics[0].message).toContain(file);
    await service.dispose();
  });
});
