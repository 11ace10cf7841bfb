import { beforeEach, describe, expect, it } from 'vitest';
import type { BoardTelemetry } from '../../../../electron/ipc/contract';
import {
  LiveTelemetry,
  MAX_TELEMETRY_POINTS,
  MAX_ZONES,
} from '../../../../renderer/src/live/telemetry';

type Sample = NonNullable<BoardTelemetry['sample']>;

let clock = Date.parse('2026-01-01T00:00:00Z');
function sample(over: Partial<Sample> = {}): Sample {
  clock += 1000;
  return {
    time: new Date(clock).toISOString(),
    cpu: { total: 12, perCore: [10, 14] },
    npu: [
      { core: 0, percent: 20 },
      { core: 1, percent: 5 },
    ],
    temperatures: [
      { zone: 'thermal_zone0', type: 'soc-thermal', celsius: 41.5 },
      { zone: 'thermal_zone1', type: 'gpu-thermal', celsius: 39 },
    ],
    memory: { totalMb: 4000, availableMb: 3000, usedPercent: 25 },
    warnings: [],
    latencyMs: 9,
    ...over,
  };
}

let live: LiveTelemetry;
beforeEach(() => {
  live = new LiveTelemetry();
});

describe('board telemetry outside React', () => {
  it('keeps one aligned series per metric, NPU core and temperature zone', () => {
    live.add('b1', sample());
    const s = live.add('b1', sample({ cpu: { total: 40, perCore: [40] } }));
    expect(s.t).toHaveLength(2);
    expect(s.t[1] - s.t[0]).toBe(1);
    expect(s.cpu).toEqual([12, 40]);
    expect(s.memory).toEqual([25, 25]);
    expect(s.npu).toEqual([
      [20, 20],
      [5, 5],
    ]);
    expect(s.zones).toEqual(['soc-thermal', 'gpu-thermal']);
    expect(s.temps).toEqual([
      [41.5, 41.5],
      [39, 39],
    ]);
    expect(s.latest?.cpu?.total).toBe(40);
  });

  it('marks absurd NPU readings (clamped by the main side) and remembers the raw value', () => {
    live.add('b1', sample());
    const s = live.add(
      'b1',
      sample({
        npu: [
          { core: 0, percent: 100, absurd: 4294967295 },
          { core: 1, percent: 3 },
        ],
      }),
    );
    expect(s.npu[0]).toEqual([20, 100]);
    expect(s.npuAbsurd[0][0]).toBeNaN();
    expect(s.npuAbsurd[0][1]).toBe(100);
    expect(s.npuAbsurd[1].every(Number.isNaN)).toBe(true);
    expect(s.absurdCount).toBe(1);
    expect(s.lastAbsurd).toEqual({ core: 0, value: 4294967295 });
  });

  it('leaves gaps (NaN) for readings that are missing: the first CPU load, no NPU file, a late core', () => {
    live.add('b1', sample({ cpu: null, npu: null, memory: null, npuUnavailable: 'needs root' }));
    const s = live.add('b1', sample({ npu: [{ core: 2, percent: 7 }] }));
    expect(s.cpu[0]).toBeNaN();
    expect(s.memory[0]).toBeNaN();
    expect(s.npu).toHaveLength(3);
    for (const core of s.npu) expect(core).toHaveLength(2);
    expect(s.npu[2][1]).toBe(7);
    expect(s.npu[0].every(Number.isNaN)).toBe(true);
  });

  it('names repeated zone types by zone and charts at most a few zones', () => {
    const many = Array.from({ length: MAX_ZONES + 3 }, (_, i) => ({
      zone: `thermal_zone${i}`,
      type: i < 2 ? 'cpu-thermal' : `zone${i}-thermal`,
      celsius: 40 + i,
    }));
    const s = live.add('b1', sample({ temperatures: many }));
    expect(s.zones).toHaveLength(MAX_ZONES);
    expect(s.zones.slice(0, 2)).toEqual(['cpu-thermal', 'cpu-thermal (thermal_zone1)']);
    for (const z of s.temps) expect(z).toHaveLength(1);
  });

  it('stays bounded to an hour of readings per board', () => {
    let s = live.add('b1', sample());
    for (let i = 0; i < MAX_TELEMETRY_POINTS + 50; i++) s = live.add('b1', sample());
    expect(s.t).toHaveLength(MAX_TELEMETRY_POINTS);
    for (const arr of [s.cpu, s.memory, ...s.npu, ...s.npuAbsurd, ...s.temps])
      expect(arr).toHaveLength(MAX_TELEMETRY_POINTS);
    expect(s.t[s.t.length - 1]).toBe(clock / 1000);
  });

  it('keeps boards apart, tells listeners, and forgets a board on reset', () => {
    let calls = 0;
    const off = live.subscribe(() => calls++);
    live.add('b1', sample());
    live.add('b2', sample());
    expect(live.series('b1')?.t).toHaveLength(1);
    expect(live.series('b2')?.t).toHaveLength(1);
    live.reset('b1');
    expect(live.series('b1')).toBeUndefined();
    expect(live.series('b2')).toBeDefined();
    off();
    live.add('b2', sample());
    expect(calls).toBe(3);
  });
});
