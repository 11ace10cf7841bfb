import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, WireError } from '../../../electron/ipc/wire';

describe('the browser-mode wire format', () => {
  it('sends messages without typed arrays as JSON text', () => {
    const m = { t: 'req', id: 'a', ch: 'runtime.snapshot', p: { x: [1, 'two', null] } };
    const frame = encodeMessage(m);
    expect(typeof frame).toBe('string');
    expect(decodeMessage(frame)).toEqual(m);
  });

  it('keeps several typed arrays of different kinds, nested, in one binary frame', () => {
    const m = {
      a: [new Float32Array([1.5, -2]), { b: new Int16Array([-3, 4, 5]) }],
      c: new BigInt64Array([7n]),
    };
    const back = decodeMessage(encodeMessage(m)) as typeof m;
    expect(back.a[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(back.a[0] as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from((back.a[1] as { b: Int16Array }).b)).toEqual([-3, 4, 5]);
    expect(back.c[0]).toBe(7n);
  });

  it('encodes a view into a larger buffer as just the view', () => {
    const big = new Float64Array([1, 2, 3, 4, 5]);
    const back = decodeMessage(encodeMessage({ s: big.subarray(1, 3) })) as { s: Float64Array };
    expect(Array.from(back.s)).toEqual([2, 3]);
  });

  it('decodes a frame that starts at an odd offset inside a Node Buffer', () => {
    const frame = encodeMessage({ s: new Float64Array([42]) }) as Uint8Array;
    const padded = Buffer.alloc(frame.byteLength + 3);
    padded.set(frame, 3);
    const back = decodeMessage(padded.subarray(3)) as { s: Float64Array };
    expect(back.s[0]).toBe(42);
  });

  it.each([
    ['not JSON', '{oops'],
    ['too short', new Uint8Array([1, 0])],
    ['header past the end', new Uint8Array([200, 0, 0, 0, 123])],
    ['header not JSON', new Uint8Array([2, 0, 0, 0, 0x7b, 0x7b])],
  ])('rejects a malformed frame (%s) with WireError', (_name, data) => {
    expect(() => decodeMessage(data)).toThrow(WireError);
  });

  it('rejects an array table that points outside the frame', () => {
    const header = new TextEncoder().encode(
      JSON.stringify({ v: { __ta: 0 }, b: [{ type: 'Float64Array', offset: 0, length: 1000 }] }),
    );
    const frame = new Uint8Array(8 + header.length + 8);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    expect(() => decodeMessage(frame)).toThrow(WireError);
  });

  it('rejects an array table entry with an unknown type', () => {
    const header = new TextEncoder().encode(
      JSON.stringify({ v: 1, b: [{ type: 'Function', offset: 0, length: 0 }] }),
    );
    const frame = new Uint8Array(8 + header.length);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    expect(() => decodeMessage(frame)).toThrow(WireError);
  });
});
