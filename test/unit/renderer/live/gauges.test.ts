import { describe, expect, it } from 'vitest';
import { MAX_READINGS, RunGauges } from '../../../../renderer/src/live/gauges';

describe('RunGauges (NPU load and upload progress of the current run)', () => {
  it('keeps NPU readings per core aligned with their times, in seconds', () => {
    const g = new RunGauges();
    g.reset('r1');
    g.add('r1', [
      { name: 'push', elapsedMs: 50, values: [0.5] },
      { name: 'npu', elapsedMs: 500, values: [90, 10, 0] },
      { name: 'npu', elapsedMs: 1000, values: [95, 12, 1] },
    ]);
    expect(g.t).toEqual([0.5, 1]);
    expect(g.cores).toEqual([
      [90, 95],
      [10, 12],
      [0, 1],
    ]);
    expect(g.push).toBe(0.5);
    expect(g.latest()).toEqual([95, 12, 1]);
  });

  it('ignores readings of another run than the one followed', () => {
    const g = new RunGauges();
    g.reset('r1');
    g.add('r2', [{ name: 'npu', elapsedMs: 500, values: [50] }]);
    expect(g.t).toEqual([]);
    expect(g.latest()).toBeNull();
  });

  it('tells listeners about new readings and starts over on reset', () => {
    const g = new RunGauges();
    let calls = 0;
    g.subscribe(() => calls++);
    g.add('r1', [{ name: 'npu', elapsedMs: 100, values: [1] }]);
    expect(g.runId).toBe('r1');
    g.reset('r2');
    expect(calls).toBe(2);
    expect(g.t).toEqual([]);
    expect(g.push).toBeNull();
  });

  it('stays bounded on very long runs, dropping the oldest readings', () => {
    const g = new RunGauges();
    g.reset('r');
    const batch = Array.from({ length: MAX_READINGS + 10 }, (_, i) => ({
      name: 'npu',
      elapsedMs: i * 500,
      values: [i % 100],
    }));
    g.add('r', batch);
    expect(g.t).toHaveLength(MAX_READINGS);
    expect(g.cores[0]).toHaveLength(MAX_READINGS);
    expect(g.t[0]).toBe(5);
  });
});
