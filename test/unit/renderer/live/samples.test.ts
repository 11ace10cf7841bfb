import { describe, expect, it } from 'vitest';
import { SampleRing } from '../../../../renderer/src/live/samples';

describe('the live sample ring buffer', () => {
  it('returns every sample as it is while under the raw limit, x counting from 1', () => {
    const ring = new SampleRing(100);
    ring.append(new Float64Array([5, 6, 7]));
    const [xs, ys] = ring.view(10);
    expect(Array.from(xs)).toEqual([1, 2, 3]);
    expect(Array.from(ys)).toEqual([5, 6, 7]);
  });

  it('keeps the newest samples when it wraps around, and their numbers', () => {
    const ring = new SampleRing(4);
    ring.append(Float64Array.from([1, 2, 3]));
    ring.append(Float64Array.from([4, 5, 6]));
    const [xs, ys] = ring.view(10);
    expect(Array.from(xs)).toEqual([3, 4, 5, 6]);
    expect(Array.from(ys)).toEqual([3, 4, 5, 6]);
    ring.append(Float64Array.from({ length: 10 }, (_, i) => 100 + i));
    expect(Array.from(ring.view(10)[1])).toEqual([106, 107, 108, 109]);
    expect(ring.appended).toBe(16);
  });

  it('aggregates to min and max per column beyond the raw limit, so spikes stay visible', () => {
    const ring = new SampleRing(1 << 16);
    const data = new Float64Array(10_000).fill(1);
    data[4321] = 50; // one spike
    data[8000] = 0.1; // one dip
    ring.append(data);
    const [xs, ys] = ring.view(100, 1000);
    expect(xs.length).toBeLessThanOrEqual(200);
    expect(Math.max(...ys)).toBe(50);
    expect(Math.min(...ys)).toBe(0.1);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]);
  });

  it('aggregates exactly like a full scan, across wrap-around and zoom, with its block shortcut', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [capacity, total, columns, x0, x1] of [
      [1024, 5000, 37, -Infinity, Infinity],
      [1024, 5000, 10, 4100, 4990],
      [4096, 3000, 50, 17, 2999],
      [1 << 12, 40_000, 113, -Infinity, Infinity],
    ]) {
      const ring = new SampleRing(capacity);
      const data: number[] = [];
      while (data.length < total) {
        const batch = Array.from(
          { length: 1 + Math.floor(rnd() * 300) },
          () => Math.round(rnd() * 1000) / 10,
        );
        data.push(...batch);
        ring.append(Float64Array.from(batch));
      }
      const [xs, ys] = ring.view(columns, 0, x0, x1);
      // Reference: the same columns, scanned sample by sample.
      const first = Math.max(data.length - capacity + 1, Math.ceil(x0));
      const last = Math.min(data.length, Math.floor(x1));
      const n = last - first + 1;
      const expX: number[] = [];
      const expY: number[] = [];
      for (let c = 0; c < columns; c++) {
        const a = first + Math.floor((c * n) / columns);
        const b = Math.min(last, first + Math.floor(((c + 1) * n) / columns) - 1);
        if (b < a) continue;
        let min = Infinity,
          max = -Infinity,
          minX = a,
          maxX = a;
        for (let x = a; x <= b; x++) {
          const v = data[x - 1];
          if (v < min) [min, minX] = [v, x];
          if (v > max) [max, maxX] = [v, x];
        }
        const inOrder = minX <= maxX;
        expX.push(inOrder ? minX : maxX, inOrder ? maxX : minX);
        expY.push(inOrder ? min : max, inOrder ? max : min);
      }
      expect(Array.from(xs), `capacity ${capacity}`).toEqual(expX);
      expect(Array.from(ys), `capacity ${capacity}`).toEqual(expY);
    }
  });

  it('returns only the zoomed range', () => {
    const ring = new SampleRing(1000);
    ring.append(Float64Array.from({ length: 500 }, (_, i) => i));
    const [xs] = ring.view(100, 100_000, 100.5, 110);
    expect(xs[0]).toBe(101);
    expect(xs[xs.length - 1]).toBe(110);
  });

  it('tells subscribers about appends and resets, and bumps its version', () => {
    const ring = new SampleRing(10);
    let calls = 0;
    const off = ring.subscribe(() => calls++);
    const v = ring.version;
    ring.append([1]);
    ring.append([]);
    ring.reset();
    expect(calls).toBe(2);
    expect(ring.version).toBe(v + 2);
    expect(ring.view(10)[0].length).toBe(0);
    off();
    ring.append([1]);
    expect(calls).toBe(2);
  });
});
