import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalRknnModel,
  RknnNativeError,
  rknnLocalStatus,
} from '../../../../electron/backends/rknn/local';
import { type CoralError } from '../../../../electron/runtime/errors';
import { loadRknnAddon } from '../../../../native';
import { buildRknnFile } from '../../../../scripts/make-rknn';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../../helpers/rknn-native';

let lib: string;
let dir: string;
let modelFile: string;
const image = Uint8Array.from({ length: 192 }, (_, i) => i);
const gain = new Float32Array([0.5, 1, 1.5, 2]);

function caught(fn: () => unknown): CoralError {
  try {
    fn();
  } catch (e) {
    return e as CoralError;
  }
  throw new Error('expected a throw');
}

beforeAll(() => {
  ensureRknnAddon();
  loadRknnAddon({ reload: true });
  lib = fakeRknnrtLibrary();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-local-rknn-'));
  modelFile = path.join(dir, 'model.rknn');
  fs.writeFileSync(modelFile, buildRknnFile());
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('rknnLocalStatus', () => {
  it('is available with the addon and a librknnrt, and reports the library version', () => {
    const s = rknnLocalStatus({ CORAL_RKNN_LIB: lib });
    expect(s.available).toBe(true);
    expect(s.reason).toBeUndefined();
    expect(s.library).toMatchObject({
      ok: true,
      path: lib,
      version: '2.3.0 (fake0000@2024-01-01T00:00:00)',
      fromEnv: true,
    });
  });

  it('says the library is missing, naming the variable, when CORAL_RKNN_LIB points nowhere', () => {
    const s = rknnLocalStatus({ CORAL_RKNN_LIB: path.join(dir, 'nope.so') });
    expect(s.available).toBe(false);
    expect(s.reason).toContain('CORAL_RKNN_LIB=');
    expect(s.addon.ok).toBe(true);
  });

  it('says a library that is not an RKNN runtime cannot be used', () => {
    const s = rknnLocalStatus({ CORAL_RKNN_LIB: loadRknnAddon().path });
    expect(s.available).toBe(false);
    expect(s.reason).toMatch(/cannot be used: .*not an RKNN runtime/);
  });
});

describe('LocalRknnModel', () => {
  it('opens a model file, exposes its tensors and runs it with typed arrays', () => {
    const m = LocalRknnModel.open(modelFile, { env: { CORAL_RKNN_LIB: lib } });
    expect(m.info.inputs.map((i) => i.name)).toEqual(['image', 'gain']);
    // Uint8Array → UINT8, Float32Array → FP32; the layout defaults to the model's (NHWC).
    const r = m.run([{ data: image }, { data: gain }]);
    expect(r.outputs.map((o) => o.name)).toEqual(['scores', 'scaled']);
    expect(Array.from(r.outputs[1].float32 ?? [])).toEqual([1, 2, 3, 4]);
    expect(r.outputs[0].float32?.[0]).toBe(
      [
        0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
      ].reduce((a, b) => a + b),
    );
    expect(m.perfRunUs()).toBe(1001);
    m.dispose();
    m.dispose();
    expect(m.closed).toBe(true);
  });

  it('turns runtime failures into errors with the RKNN_ERR_* code, the model and a hint', () => {
    const m = LocalRknnModel.open(buildRknnFile({ extra: { fake_fail: 'rknn_run=-3' } }), {
      library: lib,
    });
    const e = caught(() => m.run([{ data: image }, { data: gain }]));
    m.dispose();
    expect(e).toBeInstanceOf(RknnNativeError);
    expect(e.code).toBe('RKNN_ERR_DEVICE_UNAVAILABLE');
    expect(e.message).toBe(
      'rknn_run failed for <model buffer>: RKNN_ERR_DEVICE_UNAVAILABLE (-3): the NPU device is not available.',
    );
    expect(e.hint).toContain('rknpu driver');
  });

  it('names the model file when rknn_init refuses it', () => {
    const bad = path.join(dir, 'bad.rknn');
    fs.writeFileSync(bad, buildRknnFile({ extra: { fake_fail: 'rknn_init=-13' } }));
    const e = caught(() => LocalRknnModel.open(bad, { library: lib }));
    expect(e.code).toBe('RKNN_ERR_TARGET_PLATFORM_UNMATCH');
    expect(e.message).toContain(bad);
    expect(e.hint).toContain('target_platform');
  });

  it('says a missing model file does not exist before calling the runtime', () => {
    const e = caught(() => LocalRknnModel.open(path.join(dir, 'missing.rknn'), { library: lib }));
    expect(e).toMatchObject({ code: 'RKNN_MODEL_NOT_FOUND' });
    expect(e.message).toContain('missing.rknn');
  });

  it('says the runtime library is missing, with how to provide it', () => {
    const e = caught(() =>
      LocalRknnModel.open(modelFile, { env: { CORAL_RKNN_LIB: '/nope/librknnrt.so' } }),
    );
    expect(e.code).toBe('RKNN_LIBRARY_MISSING');
    expect(e.hint).toContain('CORAL_RKNN_LIB');
  });

  it('rejects unknown tensor type names and layouts with the accepted ones', () => {
    const m = LocalRknnModel.open(modelFile, { library: lib });
    expect(caught(() => m.run([{ data: image, type: 'u8' }, { data: gain }])).hint).toContain(
      'UINT8',
    );
    expect(caught(() => m.run([{ data: image, fmt: 'HWC' }, { data: gain }])).code).toBe(
      'RKNN_BAD_INPUT',
    );
    m.dispose();
  });

  it('refuses calls after dispose with RKNN_CONTEXT_DESTROYED', () => {
    const m = LocalRknnModel.open(modelFile, { library: lib });
    m.dispose();
    expect(caught(() => m.run([{ data: image }, { data: gain }])).code).toBe(
      'RKNN_CONTEXT_DESTROYED',
    );
  });
});
