import fs from 'node:fs';
import path from 'node:path';
import { HistoryStore } from '../../electron/bench/history';
import { resolveBenchOptions } from '../../electron/bench/options';
import { computeStats } from '../../electron/bench/stats';
import type { RunRecord } from '../../electron/bench/types';
import type { BoardInput } from '../../electron/diagnostics/providers';
import { resolveConfig } from '../../electron/runtime/config';
import { init } from '../../electron/runtime/init';
import { RuntimeLog } from '../../electron/runtime/log';
import type { RuntimeContext } from '../../electron/runtime/types';

/** A real runtime (real config resolution, real init with the built-in adapters). */
export async function realRuntime(
  env: Record<string, string>,
  configPath?: string,
): Promise<RuntimeContext> {
  const config = resolveConfig({
    env,
    ...(configPath ? { configPath } : {}),
    onFileError: 'diagnose',
  });
  return init(config, { log: new RuntimeLog(), env });
}

/** Deterministic latencies around `base` ms with a few spikes: what a real run looks like. */
export function latencies(n: number, base: number, seed = 1): Float64Array {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const warm = i < 10 ? (10 - i) * base * 0.05 : 0;
    const spike = rand() < 0.01 ? base * (1 + rand()) : 0;
    out[i] = base + (rand() - 0.5) * base * 0.12 + warm + spike;
  }
  return out;
}

export function runRecord(
  over: Partial<RunRecord> & { id: string; samples: Float64Array },
): RunRecord {
  const wallMs = over.samples.reduce((a, b) => a + b, 0);
  const stats = computeStats(over.samples, { wallMs });
  const startedAt = over.startedAt ?? '2025-03-01T10:00:00.000Z';
  return {
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + wallMs + 800).toISOString(),
    adapter: 'onnx',
    target: 'local',
    model: {
      path: '/models/mobilenet.onnx',
      sha256: 'ab'.repeat(32),
      size: 14_000_000,
      format: 'onnx',
    },
    options: resolveBenchOptions({ iterations: over.samples.length }),
    status: 'finished',
    stats,
    sampleCount: over.samples.length,
    warnings: [],
    extra: { onnxruntime: '1.30.0' },
    ...over,
  };
}

/** A real run history (SQLite in `dataDir`) holding the given runs. */
export function seedHistory(dataDir: string, records: RunRecord[]): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = HistoryStore.fileIn(dataDir);
  const store = HistoryStore.open(file);
  try {
    for (const r of records) store.save(r);
  } finally {
    store.close();
  }
  return file;
}

export function sampleBoards(): BoardInput[] {
  return [
    {
      id: 'b1',
      name: 'rock5b',
      target: 'ssh://radxa@rock5b.lab.local:22',
      transport: 'ssh',
      probe: {
        time: '2025-03-01T09:59:00.000Z',
        result: {
          virtual: false,
          hostname: 'rock5b',
          soc: 'rk3588',
          npu: { cores: 3, driverVersion: '0.9.8' },
          runtime: { librknnrt: '2.3.0 (c949ad889d@2024-11-07T11:35:33)' },
        },
      },
      telemetry: {
        time: '2025-03-01T10:00:01.000Z',
        values: { npuLoad: [21, 11, 0], socTempC: 48.2 },
      },
      errors: [
        {
          time: '2025-03-01T09:58:00.000Z',
          code: 'BOARD_CONNECT_TIMEOUT',
          message: 'rock5b did not answer',
          hint: 'Is it powered?',
        },
      ],
      compat: [
        {
          subject: 'yolov5s.rknn',
          verdict: 'ok',
          message: 'yolov5s.rknn runs on rock5b (rk3588, librknnrt.so 2.3.0).',
        },
      ],
    },
  ];
}

export function readIfExists(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

export function listFiles(dir: string): string[] {
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}
