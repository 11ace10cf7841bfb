import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rknnAdapter from '../../../../electron/backends/rknn/adapter';
import { resolveConfig } from '../../../../electron/runtime/config';
import { init, reset } from '../../../../electron/runtime/init';
import { RuntimeLog } from '../../../../electron/runtime/log';
import type { ActivationResult } from '../../../../electron/runtime/types';
import { loadRknnAddon } from '../../../../native';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../../helpers/rknn-native';

let lib: string;
let dataDir: string;
beforeAll(() => {
  ensureRknnAddon();
  loadRknnAddon({ reload: true });
  lib = fakeRknnrtLibrary();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-rknn-adapter-'));
}, 180_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const envWith = (extra: Record<string, string>) => ({
  CORAL_DATA_DIR: dataDir,
  CORAL_AUTO_DISCOVER_BACKENDS: '0',
  ...extra,
});

describe('rknn adapter', () => {
  it('declares .rknn models', () => {
    expect(rknnAdapter).toMatchObject({ name: 'rknn', modelFormats: ['.rknn'] });
  });

  it('supports only the rknn platform, and says boards stay reachable elsewhere', () => {
    expect(rknnAdapter.supports('rknn', resolveConfig({ env: {} }))).toBe(true);
    const why = rknnAdapter.supports('onnx', resolveConfig({ env: {} }));
    expect(why).toMatch(/ssh and adb/);
  });

  it('activates with librknnrt found through CORAL_RKNN_LIB and reports its version', async () => {
    const config = resolveConfig({ env: envWith({ CORAL_RKNN_LIB: lib }) });
    const result = (await rknnAdapter.activate({
      platform: 'rknn',
      config,
      log: new RuntimeLog(),
    })) as ActivationResult;
    expect(result.unavailable).toBeUndefined();
    expect(result.detail).toMatchObject({
      librknnrtVersion: '2.3.0 (fake0000@2024-01-01T00:00:00)',
      libraryPath: lib,
      libraryFromEnv: true,
    });
  });

  it('returns "unavailable" with the reason instead of throwing when the library is missing', async () => {
    const config = resolveConfig({ env: envWith({ CORAL_RKNN_LIB: '/nope/librknnrt.so' }) });
    const log = new RuntimeLog();
    const result = (await rknnAdapter.activate({
      platform: 'rknn',
      config,
      log,
    })) as ActivationResult;
    expect(result.unavailable).toBe('CORAL_RKNN_LIB=/nope/librknnrt.so does not exist');
    expect(log.list().some((e) => e.level === 'warn' && e.source === 'rknn')).toBe(true);
  });
});

describe('rknn adapter in the runtime', () => {
  it('is enabled on an rknn platform with a runtime library, with its detail in the state', async () => {
    const env = envWith({ CORAL_RUNTIME_PLATFORM: 'rknn', CORAL_RKNN_LIB: lib });
    const ctx = await init(resolveConfig({ env }), { env });
    const state = ctx.state.adapters.find((a) => a.name === 'rknn');
    await reset(ctx);
    expect(state).toMatchObject({
      status: 'enabled',
      origin: 'builtin',
      detail: { librknnrtVersion: expect.stringContaining('2.3.0') },
    });
  });

  it('is listed as unsupported with the exact reason when librknnrt is missing', async () => {
    const env = envWith({ CORAL_RUNTIME_PLATFORM: 'rknn', CORAL_RKNN_LIB: '/nope/librknnrt.so' });
    const ctx = await init(resolveConfig({ env }), { env });
    const state = ctx.state.adapters.find((a) => a.name === 'rknn');
    await reset(ctx);
    expect(state).toMatchObject({
      status: 'unsupported',
      reason: expect.stringContaining('CORAL_RKNN_LIB'),
    });
    expect(ctx.state.failures.filter((f) => f.source.includes('rknn'))).toEqual([]);
  });

  it('is unsupported on the onnx platform, pointing at ssh/adb boards', async () => {
    const env = envWith({ CORAL_RUNTIME_PLATFORM: 'onnx' });
    const ctx = await init(resolveConfig({ env }), { env });
    const state = ctx.state.adapters.find((a) => a.name === 'rknn');
    await reset(ctx);
    expect(state).toMatchObject({
      status: 'unsupported',
      reason: expect.stringContaining('ssh and adb'),
    });
  });
});
