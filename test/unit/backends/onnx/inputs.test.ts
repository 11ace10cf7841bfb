import { describe, expect, it } from 'vitest';
import {
  makeInputData,
  resolveInputShapes,
  type InputMeta,
} from '../../../../electron/backends/onnx/inputs';

const dynamic: InputMeta[] = [
  { name: 'input', type: 'float32', shape: ['batch', 3, 'height', 'width'] },
];

describe('resolveInputShapes', () => {
  it('keeps fixed shapes and warns about nothing', () => {
    const r = resolveInputShapes(
      [{ name: 'images', type: 'float32', shape: [1, 3, 640, 640] }],
      {},
      'm.onnx',
    );
    expect(r).toEqual({
      inputs: [{ name: 'images', type: 'float32', shape: [1, 3, 640, 640] }],
      warnings: [],
    });
  });

  it('uses 1 for a symbolic dimension without a value and says how to set it', () => {
    const r = resolveInputShapes(dynamic, {}, 'm.onnx');
    expect(r.inputs[0].shape).toEqual([1, 3, 1, 1]);
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toContain('"batch"');
    expect(r.warnings[0]).toContain('--shape batch=N');
  });

  it('takes a value for a symbolic dimension by its name', () => {
    const r = resolveInputShapes(dynamic, { batch: [4], height: [32], width: [48] }, 'm.onnx');
    expect(r.inputs[0].shape).toEqual([4, 3, 32, 48]);
    expect(r.warnings).toEqual([]);
  });

  it('takes a whole input shape by the input name', () => {
    const r = resolveInputShapes(dynamic, { input: [2, 3, 64, 64] }, 'm.onnx');
    expect(r.inputs[0].shape).toEqual([2, 3, 64, 64]);
  });

  it('treats an unnamed unknown dimension like a symbolic one', () => {
    const r = resolveInputShapes([{ name: 'x', type: 'float32', shape: [null, 4] }], {}, 'm.onnx');
    expect(r.inputs[0].shape).toEqual([1, 4]);
    expect(r.warnings[0]).toContain('--shape x=');
  });

  it('rejects a --shape naming neither an input nor a dimension, listing the names', () => {
    expect(() => resolveInputShapes(dynamic, { images: [1, 3, 640, 640] }, 'm.onnx')).toThrow(
      /no input or symbolic dimension "images" \(it has: input, batch, height, width\)/,
    );
  });

  it('rejects a shape of the wrong rank', () => {
    expect(() => resolveInputShapes(dynamic, { input: [1, 3, 64] }, 'm.onnx')).toThrow(
      /4 dimensions/,
    );
  });

  it('rejects a shape that contradicts a fixed dimension', () => {
    expect(() => resolveInputShapes(dynamic, { input: [1, 4, 64, 64] }, 'm.onnx')).toThrow(
      /fixed dimension 1 = 3/,
    );
  });

  it('rejects several numbers for a symbolic dimension', () => {
    expect(() => resolveInputShapes(dynamic, { batch: [1, 2] }, 'm.onnx')).toThrow(
      /takes one number/,
    );
  });
});

describe('makeInputData', () => {
  const input = { name: 'x', type: 'float32', shape: [2, 8] };

  it('gives the same random data for the same seed and different data for another', () => {
    const a = makeInputData(input, 'random', 7, 'm');
    const b = makeInputData(input, 'random', 7, 'm');
    const c = makeInputData(input, 'random', 8, 'm');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(16);
    for (const v of a as Float32Array) expect(v >= 0 && v < 1).toBe(true);
  });

  it('gives zeros when asked', () => {
    expect(Array.from(makeInputData(input, 'zeros', 7, 'm') as Float32Array)).toEqual(
      new Array(16).fill(0),
    );
  });

  it('builds the typed array onnxruntime expects for each element type', () => {
    const kinds: Array<[string, unknown]> = [
      ['float64', Float64Array],
      ['float16', Uint16Array],
      ['int8', Int8Array],
      ['uint8', Uint8Array],
      ['bool', Uint8Array],
      ['int32', Int32Array],
      ['int64', BigInt64Array],
      ['uint64', BigUint64Array],
    ];
    for (const [type, ctor] of kinds) {
      expect(makeInputData({ name: 'x', type, shape: [3] }, 'random', 1, 'm')).toBeInstanceOf(ctor);
    }
  });

  it('refuses string inputs with a clear error', () => {
    expect(() =>
      makeInputData({ name: 'text', type: 'string', shape: [1] }, 'random', 1, 'm.onnx'),
    ).toThrow(/input "text" of m.onnx: element type string/);
  });
});
