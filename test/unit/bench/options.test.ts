import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ITERATIONS,
  parseDuration,
  parseShape,
  resolveBenchOptions,
} from '../../../electron/bench/options';

describe('resolveBenchOptions', () => {
  it('fills every default', () => {
    expect(resolveBenchOptions({})).toEqual({
      warmup: 10,
      iterations: DEFAULT_ITERATIONS,
      durationMs: null,
      intraOpThreads: null,
      interOpThreads: null,
      graphOptimization: 'all',
      executionProvider: 'cpu',
      shapes: {},
      inputData: 'random',
      seed: 1,
      coreMask: null,
    });
  });

  it('runs for a duration without a default iteration count', () => {
    expect(resolveBenchOptions({ durationMs: 2000 })).toMatchObject({
      iterations: null,
      durationMs: 2000,
    });
  });

  it('refuses iterations and a duration together', () => {
    expect(() => resolveBenchOptions({ iterations: 5, durationMs: 1000 })).toThrow(
      /either iterations or a duration/,
    );
  });

  it('names the bad option', () => {
    expect(() => resolveBenchOptions({ warmup: -1 })).toThrow(/option warmup/);
    expect(() => resolveBenchOptions({ graphOptimization: 'max' })).toThrow(
      /option graphOptimization/,
    );
    expect(() => resolveBenchOptions({ threads: 2 })).toThrow(/Invalid benchmark option/);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('3')).toBe(3000);
  });

  it('rejects nonsense with a hint', () => {
    for (const bad of ['', 'fast', '-1s', '0s', '10 parsecs'])
      expect(() => parseDuration(bad)).toThrow(/Invalid duration/);
  });
});

describe('parseShape', () => {
  it('reads input shapes and symbolic dimensions, accumulating', () => {
    const shapes = parseShape('images=1x3x640x640');
    parseShape('batch=4', shapes);
    expect(shapes).toEqual({ images: [1, 3, 640, 640], batch: [4] });
  });

  it('rejects a shape without a name or with non-numbers', () => {
    for (const bad of ['1x3x224x224', 'images=', 'images=1xAx3', '=4'])
      expect(() => parseShape(bad)).toThrow(/Invalid shape/);
  });
});
