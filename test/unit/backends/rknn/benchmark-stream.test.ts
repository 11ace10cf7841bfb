import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkLogSink } from '../../../../electron/backends/rknn/benchmark-stream';
import type { RunPhase, SourceSink } from '../../../../electron/bench/types';

const logs = path.resolve(__dirname, '../../../fixtures/rknn-benchmark');

function recordingSink() {
  const calls: Array<{ phase?: RunPhase; samples?: number[]; warn?: string }> = [];
  const sink: SourceSink = {
    phase: (phase) => calls.push({ phase }),
    samples: (values) => calls.push({ samples: Array.from(values) }),
    warn: (warn) => calls.push({ warn }),
  };
  return { sink, calls };
}

describe('benchmarkLogSink', () => {
  it('turns live output into phases and one sample per measured line, as the lines arrive', () => {
    const { sink, calls } = recordingSink();
    const live = benchmarkLogSink(sink, { source: 'rock5b:rknn_benchmark' });
    const text = fs.readFileSync(path.join(logs, 'rk3588-yolov5s-2.3.0-core7.txt'), 'utf8');
    const cut = text.indexOf('   3: Elapse Time = 13.82ms');
    live.push(text.slice(0, cut));
    // Three measured iterations so far, warm-up kept out of the samples.
    expect(calls.filter((c) => c.samples).map((c) => c.samples?.[0])).toEqual([
      14.08, 14.29, 13.49,
    ]);
    expect(calls.filter((c) => c.phase).map((c) => c.phase)).toEqual([
      'prepare',
      'warmup',
      'measure',
    ]);
    live.push(text.slice(cut));
    const result = live.finish();
    expect(calls.filter((c) => c.samples)).toHaveLength(10);
    expect(result.firstInferenceMs).toBe(24.17);
    expect(result.wallMs).toBeCloseTo(137.71, 6);
    expect(result.extra).toMatchObject({
      runtimeVersion: '2.3.0 (c949ad889d@2024-11-07T11:35:33)',
      logAvgMs: 13.77,
      complete: true,
    });
  });

  it('keeps the samples of a run cut off mid-way and warns that it was cut off', () => {
    const { sink, calls } = recordingSink();
    const live = benchmarkLogSink(sink, { source: 'run' });
    live.push(fs.readFileSync(path.join(logs, 'truncated-mid-run.txt')));
    const result = live.finish();
    expect(calls.filter((c) => c.samples)).toHaveLength(37);
    expect(calls.some((c) => c.warn?.includes('cut off'))).toBe(true);
    expect(result.extra?.complete).toBe(false);
  });

  it('throws the runtime failure with its RKNN_ERR_* name when nothing was measured', () => {
    const { sink, calls } = recordingSink();
    const live = benchmarkLogSink(sink, { source: 'rock5b:rknn_benchmark' });
    live.push(fs.readFileSync(path.join(logs, 'init-fail-ret-6.txt')));
    expect(() => live.finish()).toThrow(expect.objectContaining({ code: 'RKNN_BENCHMARK_FAILED' }));
    expect(calls.some((c) => c.warn?.includes('RKNN_ERR_MODEL_INVALID'))).toBe(true);
  });
});
