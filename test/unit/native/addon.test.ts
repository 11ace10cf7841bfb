/**
 * The coral_rknn addon against a fake librknnrt.so built from C with the real rknn_api.h ABI
 * (test/fixtures/rknn-fake/fake_rknnrt.c): marshalling of inputs and outputs, every error code,
 * destroy twice, a bad model path and a missing library.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRknnAddon, type NativeError, type RknnAddon } from '../../../native';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../helpers/rknn-native';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const UINT8 = 3;
const INT8 = 2;
const FP32 = 0;
const NCHW = 0;
const NHWC = 1;
const UNDEFINED = 3;

let addon: RknnAddon;
let lib: string;
const model = buildRknnFile({ targetPlatform: ['rk3588'] });
const failing = (spec: string) => buildRknnFile({ extra: { fake_fail: spec } });

function thrown(fn: () => unknown): NativeError {
  try {
    fn();
  } catch (e) {
    return e as NativeError;
  }
  throw new Error('expected a throw');
}

/** 0..191 as an NHWC uint8 image, and the four gains. */
const image = Uint8Array.from({ length: 192 }, (_, i) => i);
const gain = new Float32Array([1, -2, 3.5, 10]);
const inputs = (img: ArrayBufferView = image, type = UINT8, fmt = NHWC) => [
  { index: 0, data: img, type, fmt },
  { index: 1, data: gain, type: FP32, fmt: UNDEFINED },
];
/** scores[k] = sum of NHWC image values at positions i with i % 10 == k. */
function expectedScores(nhwc: ArrayLike<number>): number[] {
  const s = new Array(10).fill(0);
  for (let i = 0; i < nhwc.length; i++) s[i % 10] += nhwc[i];
  return s;
}

beforeAll(() => {
  ensureRknnAddon();
  lib = fakeRknnrtLibrary();
  const status = loadRknnAddon({ reload: true });
  if (!status.ok) throw new Error(status.reason);
  addon = status.addon;
}, 180_000);

describe('coral_rknn addon: ABI', () => {
  it('uses the rknn_api.h layout of rknn_tensor_attr and a 64-bit context here', () => {
    expect(addon.abi).toEqual({ tensorAttrSize: 376, contextBits: 64 });
  });
});

describe('coral_rknn addon: loading', () => {
  it('loads a model from bytes and from a file path', () => {
    const fromBytes = new addon.Context(lib, model);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-native-'));
    const file = path.join(dir, 'm.rknn');
    fs.writeFileSync(file, model);
    const fromPath = new addon.Context(lib, file);
    expect(fromBytes.inputCount).toBe(2);
    expect(fromPath.outputCount).toBe(2);
    fromBytes.destroy();
    fromPath.destroy();
    fs.rmSync(dir, { recursive: true });
  });

  it('reports a missing model file as RKNN_ERR_MODEL_INVALID from rknn_init', () => {
    const e = thrown(() => new addon.Context(lib, '/nonexistent/model.rknn'));
    expect(e).toMatchObject({ code: 'RKNN_ERR_MODEL_INVALID', rknnCode: -6, api: 'rknn_init' });
  });

  it('reports bytes that are not a model as RKNN_ERR_MODEL_INVALID', () => {
    const e = thrown(() => new addon.Context(lib, Buffer.from('<!DOCTYPE html><html></html>')));
    expect(e.code).toBe('RKNN_ERR_MODEL_INVALID');
  });

  it('says which library could not be opened, and why', () => {
    const e = thrown(() => new addon.Context('/nonexistent/librknnrt.so', model));
    expect(e.code).toBe('RKNN_LIBRARY_LOAD_FAILED');
    expect(e.message).toContain('/nonexistent/librknnrt.so');
    expect(thrown(() => addon.openLibrary('/nonexistent/librknnrt.so')).code).toBe(
      'RKNN_LIBRARY_LOAD_FAILED',
    );
  });

  it('refuses a shared library that is not an RKNN runtime, naming the missing function', () => {
    const status = loadRknnAddon();
    const notRknn = status.path; // the addon itself: a valid .so without rknn_* functions
    const e = thrown(() => addon.openLibrary(notRknn));
    expect(e.code).toBe('RKNN_LIBRARY_LOAD_FAILED');
    expect(e.message).toMatch(/is not an RKNN runtime: it has no rknn_init/);
  });

  it('finds rknn_set_core_mask in the runtime', () => {
    expect(addon.openLibrary(lib)).toEqual({ path: lib, hasSetCoreMask: true });
  });
});

describe('coral_rknn addon: query', () => {
  it('returns versions, tensor attributes and memory sizes', () => {
    const ctx = new addon.Context(lib, model);
    const q = ctx.query();
    ctx.destroy();
    expect(q.sdkVersion).toBe('2.3.0 (fake0000@2024-01-01T00:00:00)');
    expect(q.driverVersion).toBe('0.9.8');
    expect(q.inputs[0]).toMatchObject({
      index: 0,
      name: 'image',
      nDims: 4,
      dims: [1, 8, 8, 3],
      nElems: 192,
      size: 192,
      fmt: 'NHWC',
      type: 'INT8',
      qntType: 'AFFINE',
      zp: -128,
      wStride: 8,
    });
    expect(q.inputs[0].scale).toBeCloseTo(1 / 255, 6);
    expect(q.inputs[1]).toMatchObject({
      name: 'gain',
      dims: [1, 4],
      type: 'FP32',
      fmt: 'UNDEFINED',
      qntType: 'NONE',
    });
    expect(q.outputs.map((o) => [o.name, o.dims, o.type])).toEqual([
      ['scores', [1, 10], 'FP32'],
      ['scaled', [1, 4], 'INT8'],
    ]);
    expect(q.outputs[1]).toMatchObject({ zp: 0, scale: 0.5 });
    // total_dma_allocated_size is a uint64: the fake reports more than 4 GiB.
    expect(q.memory).toMatchObject({
      weight: model.length,
      internal: 8192,
      dma: model.length + 8192 + 5_000_000_000,
    });
  });
});

describe('coral_rknn addon: run', () => {
  it('passes inputs and returns outputs as float32', () => {
    const ctx = new addon.Context(lib, model);
    const { outputs, runMs } = ctx.run(inputs());
    ctx.destroy();
    expect(runMs).toBeGreaterThanOrEqual(0);
    expect(outputs.map((o) => [o.index, o.size, o.wantFloat])).toEqual([
      [0, 40, true],
      [1, 16, true],
    ]);
    const scores = new Float32Array(outputs[0].data.buffer, outputs[0].data.byteOffset, 10);
    expect(Array.from(scores)).toEqual(expectedScores(image));
    const scaled = new Float32Array(outputs[1].data.buffer, outputs[1].data.byteOffset, 4);
    expect(Array.from(scaled)).toEqual([2, -4, 7, 20]);
  });

  it('returns the raw quantized output when wantFloat is false', () => {
    const ctx = new addon.Context(lib, model);
    const { outputs } = ctx.run(inputs(), { wantFloat: false });
    ctx.destroy();
    expect(outputs[1].size).toBe(4);
    expect(
      Array.from(new Int8Array(outputs[1].data.buffer, outputs[1].data.byteOffset, 4)),
    ).toEqual([4, -8, 14, 40]);
  });

  it('passes the layout: the same bytes as NCHW give the transposed result', () => {
    const ctx = new addon.Context(lib, model);
    const nchw = ctx.run(inputs(image, UINT8, NCHW)).outputs[0];
    ctx.destroy();
    const nhwc = new Array(192);
    for (let c = 0; c < 3; c++)
      for (let hw = 0; hw < 64; hw++) nhwc[hw * 3 + c] = image[c * 64 + hw];
    expect(Array.from(new Float32Array(nchw.data.buffer, nchw.data.byteOffset, 10))).toEqual(
      expectedScores(nhwc),
    );
  });

  it('passes the element type: float32 and int8 images are read as such', () => {
    const ctx = new addon.Context(lib, model);
    const asFloat = ctx.run(inputs(Float32Array.from(image), FP32)).outputs[0];
    const signed = Int8Array.from({ length: 192 }, (_, i) => (i % 2 ? -i % 128 : i % 128));
    const asInt8 = ctx.run(inputs(signed, INT8)).outputs[0];
    ctx.destroy();
    expect(Array.from(new Float32Array(asFloat.data.buffer, asFloat.data.byteOffset, 10))).toEqual(
      expectedScores(image),
    );
    expect(Array.from(new Float32Array(asInt8.data.buffer, asInt8.data.byteOffset, 10))).toEqual(
      expectedScores(signed),
    );
  });

  it('reads a typed array view at its offset inside a larger buffer', () => {
    const big = new Uint8Array(1000);
    big.set(image, 300);
    const ctx = new addon.Context(lib, model);
    const out = ctx.run(inputs(big.subarray(300, 492))).outputs[0];
    ctx.destroy();
    expect(Array.from(new Float32Array(out.data.buffer, out.data.byteOffset, 10))).toEqual(
      expectedScores(image),
    );
  });

  it('copies outputs into buffers JS owns: they outlive the context and later runs', () => {
    const ctx = new addon.Context(lib, model);
    const first = ctx.run(inputs()).outputs[0].data;
    const before = Buffer.from(first);
    ctx.run(inputs(new Uint8Array(192)));
    ctx.destroy();
    expect(first.equals(before)).toBe(true);
    first[0] ^= 0xff; // writable, ours
  });

  it('reports the perf-run time of the last run', () => {
    const ctx = new addon.Context(lib, model);
    expect(ctx.perfRun()).toBe(0);
    ctx.run(inputs());
    ctx.run(inputs());
    expect(ctx.perfRun()).toBe(1002);
    ctx.destroy();
  });

  it('rejects a wrong input size with RKNN_ERR_PARAM_INVALID from rknn_inputs_set', () => {
    const ctx = new addon.Context(lib, model);
    const e = thrown(() => ctx.run(inputs(new Uint8Array(100))));
    expect(e).toMatchObject({
      code: 'RKNN_ERR_PARAM_INVALID',
      rknnCode: -5,
      api: 'rknn_inputs_set',
    });
    expect(thrown(() => ctx.run([inputs()[0]])).code).toBe('RKNN_ERR_PARAM_INVALID');
    ctx.destroy();
  });

  it('rejects malformed input descriptions before calling the runtime', () => {
    const ctx = new addon.Context(lib, model);
    expect(() => ctx.run('x' as never)).toThrow(TypeError);
    expect(() => ctx.run([{ data: 'nope', type: 3, fmt: 1 } as never])).toThrow(
      /must be a Buffer or typed array/,
    );
    expect(() => ctx.run([{ data: image } as never])).toThrow(/numeric type and fmt/);
    ctx.destroy();
  });

  it('sets valid core masks and passes the runtime error for invalid ones', () => {
    const ctx = new addon.Context(lib, model);
    for (const m of [0, 1, 2, 4, 3, 7]) ctx.setCoreMask(m);
    expect(thrown(() => ctx.setCoreMask(5))).toMatchObject({
      code: 'RKNN_ERR_PARAM_INVALID',
      api: 'rknn_set_core_mask',
    });
    ctx.destroy();
  });
});

describe('coral_rknn addon: error codes', () => {
  const names: Record<number, string> = {
    [-1]: 'RKNN_ERR_FAIL',
    [-2]: 'RKNN_ERR_TIMEOUT',
    [-3]: 'RKNN_ERR_DEVICE_UNAVAILABLE',
    [-4]: 'RKNN_ERR_MALLOC_FAIL',
    [-5]: 'RKNN_ERR_PARAM_INVALID',
    [-6]: 'RKNN_ERR_MODEL_INVALID',
    [-7]: 'RKNN_ERR_CTX_INVALID',
    [-8]: 'RKNN_ERR_INPUT_INVALID',
    [-9]: 'RKNN_ERR_OUTPUT_INVALID',
    [-10]: 'RKNN_ERR_DEVICE_UNMATCH',
    [-11]: 'RKNN_ERR_INCOMPATILE_PRE_COMPILE_MODEL',
    [-12]: 'RKNN_ERR_INCOMPATILE_OPTIMIZATION_LEVEL_VERSION',
    [-13]: 'RKNN_ERR_TARGET_PLATFORM_UNMATCH',
  };
  for (const [code, name] of Object.entries(names)) {
    it(`maps rknn_init returning ${code} to ${name}`, () => {
      const e = thrown(() => new addon.Context(lib, failing(`rknn_init=${code}`)));
      expect(e).toMatchObject({ code: name, rknnCode: Number(code), api: 'rknn_init' });
      expect(e.message).toBe(`rknn_init failed with ${name} (${code})`);
    });
  }

  it('names codes outside rknn_api.h as unknown, keeping the number', () => {
    expect(thrown(() => new addon.Context(lib, failing('rknn_init=-99')))).toMatchObject({
      code: 'RKNN_ERR_UNKNOWN',
      rknnCode: -99,
    });
  });

  it('reports failures of each later call with the API that failed', () => {
    for (const api of ['rknn_run', 'rknn_outputs_get', 'rknn_inputs_set']) {
      const ctx = new addon.Context(lib, failing(`${api}=-2`));
      expect(thrown(() => ctx.run(inputs()))).toMatchObject({ code: 'RKNN_ERR_TIMEOUT', api });
      ctx.destroy();
    }
    expect(thrown(() => new addon.Context(lib, failing('rknn_query=-7')))).toMatchObject({
      code: 'RKNN_ERR_CTX_INVALID',
      api: 'rknn_query',
    });
  });
});

describe('coral_rknn addon: destroy', () => {
  it('is idempotent, and calls after it throw RKNN_CONTEXT_DESTROYED', () => {
    const ctx = new addon.Context(lib, model);
    expect(ctx.destroyed).toBe(false);
    ctx.destroy();
    ctx.destroy();
    expect(ctx.destroyed).toBe(true);
    for (const call of [
      () => ctx.query(),
      () => ctx.run(inputs()),
      () => ctx.perfRun(),
      () => ctx.setCoreMask(0),
    ]) {
      expect(thrown(call).code).toBe('RKNN_CONTEXT_DESTROYED');
    }
  });

  it('frees contexts so many can be opened and closed in a row', () => {
    // The fake has 256 slots: leaking contexts would exhaust them (RKNN_ERR_MALLOC_FAIL).
    for (let i = 0; i < 600; i++) new addon.Context(lib, model).destroy();
  });
});
