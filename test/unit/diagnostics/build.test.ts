import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/bench/history';
import { buildReport, withDeadline } from '../../../electron/diagnostics/build';
import {
  historyProvider,
  nativeProvider,
  runtimeProvider,
} from '../../../electron/diagnostics/sources';
import { reportSchema, REPORT_SCHEMA_VERSION } from '../../../electron/diagnostics/schema';
import type { ReportSources } from '../../../electron/diagnostics/providers';
import { SectionUnavailable } from '../../../electron/diagnostics/providers';
import {
  latencies,
  realRuntime,
  runRecord,
  sampleBoards,
  seedHistory,
} from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../helpers/rknn-native';

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function openStore(dataDir: string): HistoryStore {
  const s = HistoryStore.open(HistoryStore.fileIn(dataDir));
  stores.push(s);
  return s;
}

async function fullSources(): Promise<ReportSources> {
  const dataDir = tempDir('coral-diag-');
  seedHistory(dataDir, [
    runRecord({ id: 'run-a', samples: latencies(500, 8), startedAt: '2025-03-01T10:00:00.000Z' }),
    runRecord({
      id: 'run-b',
      samples: latencies(3000, 12, 7),
      startedAt: '2025-03-02T10:00:00.000Z',
    }),
  ]);
  const ctx = await realRuntime({ CORAL_DATA_DIR: dataDir, CORAL_DISABLED_BACKENDS: 'rknn' });
  const store = openStore(dataDir);
  return {
    runtime: runtimeProvider(() => ctx),
    runs: historyProvider(() => store),
    boards: { boards: () => sampleBoards() },
    versions: { node: '20.20.2', v8: '11.3', electron: '45.5.0', chrome: '140.0.7339.0' },
  };
}

describe('buildReport', () => {
  it('produces a report.json that validates against its own versioned schema', async () => {
    const { json } = await buildReport(await fullSources());
    expect(reportSchema.safeParse(JSON.parse(JSON.stringify(json))).success).toBe(true);
    expect(json.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(json.kind).toBe('coral-studio/diagnostic-report');
  });

  it('fills the header with app, OS, CPU, memory and runtime versions', async () => {
    const { json } = await buildReport(await fullSources());
    const h = json.header;
    expect(h.app.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.cpu.cores).toBeGreaterThan(0);
    expect(h.memory.totalBytes).toBeGreaterThan(0);
    expect(h.versions.electron).toBe('45.5.0');
    expect(h.versions.chromium).toBe('140.0.7339.0');
    expect(h.versions.onnxruntimeNode?.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('leaves Electron and Chromium out of the header outside Electron', async () => {
    const { json } = await buildReport({ versions: { node: '20.20.2', v8: '11.3' } });
    expect(json.header.versions.electron).toBeUndefined();
    expect(json.header.versions.chromium).toBeUndefined();
  });

  it('reports the runtime: platform with source, config with sources, adapters, disabled reasons', async () => {
    const { json } = await buildReport(await fullSources());
    expect(json.runtime.status).toBe('ok');
    if (json.runtime.status !== 'ok') return;
    const d = json.runtime.data;
    expect(d.platform.source).toBeTruthy();
    const disabled = d.config.find((c) => c.name === 'disabledBackends');
    expect(disabled).toEqual({
      name: 'disabledBackends',
      value: ['rknn'],
      source: 'env:CORAL_DISABLED_BACKENDS',
    });
    expect(d.flags.map((f) => f.name)).toContain('webrtc');
    expect(d.env.find((e) => e.name === 'CORAL_DISABLED_BACKENDS')?.value).toBe('rknn');
    expect(d.adapters.find((a) => a.name === 'rknn')?.status).toBe('disabled');
  });

  it('keeps only the last N log entries and the last N runs', async () => {
    const { json } = await buildReport(await fullSources(), { log: 3, runs: 1 });
    if (json.log.status !== 'ok' || json.runs.status !== 'ok') throw new Error('sections missing');
    expect(json.log.data.entries).toHaveLength(3);
    expect(json.log.data.total).toBeGreaterThan(3);
    expect(json.runs.data.runs.map((r) => r.id)).toEqual(['run-b']);
  });

  it('keeps runs with stats and a bounded, spike-preserving latency series', async () => {
    const { json } = await buildReport(await fullSources());
    if (json.runs.status !== 'ok') throw new Error('runs missing');
    const b = json.runs.data.runs.find((r) => r.id === 'run-b')!;
    expect(b.latencyCount).toBe(3000);
    expect(b.latencyMs.length).toBeLessThanOrEqual(1000);
    const all = latencies(3000, 12, 7);
    expect(Math.max(...b.latencyMs)).toBeCloseTo(Math.max(...all), 2);
    expect(b.stats.find((s) => s.key === 'p50')?.unit).toBe('ms');
    const h = b.histogram!;
    expect(h.counts.reduce((a, c) => a + c, 0) + h.overflow).toBe(3000);
    // The ~1% spikes land in the overflow bar, so the bins show the body of the distribution.
    expect(h.overflow).toBeGreaterThan(0);
    expect(h.overflow).toBeLessThan(100);
    expect(h.overflowMaxMs).toBeCloseTo(Math.max(...all), 2);
  });

  it('turns a section whose source throws into an error inside the report', async () => {
    const sources = await fullSources();
    sources.runs = {
      runs() {
        throw new Error('database disk image is malformed');
      },
    };
    const { json } = await buildReport(sources);
    expect(json.runs).toEqual({
      status: 'error',
      error: { code: 'DIAG_SECTION_FAILED', message: 'database disk image is malformed' },
    });
    expect(json.runtime.status).toBe('ok');
  });

  it('gives up on a section that hangs after its timeout and still returns the rest', async () => {
    const sources = await fullSources();
    sources.boards = { boards: () => new Promise(() => {}) };
    const started = Date.now();
    const { json } = await buildReport(sources, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(json.boards.status).toBe('error');
    if (json.boards.status === 'error') expect(json.boards.error.code).toBe('DIAG_SECTION_TIMEOUT');
    expect(json.runs.status).toBe('ok');
  });

  it('records a board that cannot be reached during export in its own entry and keeps its stored data', async () => {
    const sources = await fullSources();
    sources.boards = {
      boards: () => [
        ...sampleBoards(),
        { ...sampleBoards()[0], id: 'b2', name: 'offline', target: 'ssh://10.9.9.9' },
      ],
      refresh: (board) =>
        board.id === 'b2'
          ? new Promise(() => {})
          : { telemetry: { time: 'now', values: { socTempC: 50 } } },
    };
    const { json } = await buildReport(sources, { boardTimeoutMs: 200 });
    if (json.boards.status !== 'ok') throw new Error('boards missing');
    const [ok, offline] = json.boards.data.boards;
    expect(ok.error).toBeUndefined();
    expect(ok.telemetry?.value).toEqual({ socTempC: 50 });
    expect(offline.error?.code).toBe('DIAG_SECTION_TIMEOUT');
    expect(offline.error?.message).toContain('offline');
    expect(offline.probe?.value).toMatchObject({ soc: 'rk3588' });
  });

  it('marks sections without a source as unavailable, with the reason a source gives', async () => {
    const { json } = await buildReport({
      runs: {
        runs() {
          throw new SectionUnavailable('No run history yet.');
        },
      },
    });
    expect(json.runtime).toEqual({
      status: 'unavailable',
      reason: 'No runtime was started for this report.',
    });
    expect(json.runs).toEqual({ status: 'unavailable', reason: 'No run history yet.' });
  });

  it('leaves out sections switched off and does not call their sources', async () => {
    let called = false;
    const { json } = await buildReport(
      {
        runs: {
          runs() {
            called = true;
            return { runs: [] };
          },
        },
      },
      { sections: { runs: false, log: false } },
    );
    expect(json.runs).toEqual({ status: 'omitted' });
    expect(json.log).toEqual({ status: 'omitted' });
    expect(json.options.sections).toMatchObject({
      runs: false,
      log: false,
      runtime: true,
      boards: true,
    });
    expect(called).toBe(false);
  });

  it('turns data that does not fit the schema into a section error, not a failed export', async () => {
    const { json } = await buildReport({
      runs: {
        runs: () => ({
          runs: [{ id: 'x', backend: 'onnx', model: 42 as unknown as string, status: 'finished' }],
        }),
      },
    });
    expect(json.runs.status).toBe('error');
    if (json.runs.status === 'error') expect(json.runs.error.code).toBe('DIAG_SECTION_INVALID');
  });

  it('survives log details that are not JSON (cycles, errors, bigints, buffers)', async () => {
    const ctx = await realRuntime({ CORAL_DATA_DIR: tempDir() });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    ctx.logger.warn('test', 'odd detail', {
      cyclic,
      err: new Error('boom'),
      big: 10n,
      buf: Buffer.from('secret-bytes'),
    });
    const { json } = await buildReport({ runtime: runtimeProvider(() => ctx) });
    if (json.log.status !== 'ok') throw new Error('log missing');
    const entry = json.log.data.entries.find((e) => e.message === 'odd detail')!;
    expect(entry.detail).toMatchObject({
      cyclic: { a: 1, self: '[circular]' },
      err: { message: 'boom' },
      big: '10',
    });
    expect(JSON.stringify(json)).not.toContain('secret-bytes');
  });

  it('rejects a negative or fractional --runs / --log with a named error', async () => {
    await expect(buildReport({}, { runs: -1 })).rejects.toMatchObject({ code: 'DIAG_BAD_OPTION' });
    await expect(buildReport({}, { log: 1.5 })).rejects.toMatchObject({ code: 'DIAG_BAD_OPTION' });
  });

  it('reads the runs of a real history store newest first', async () => {
    const dataDir = tempDir();
    seedHistory(dataDir, [
      runRecord({ id: 'old', samples: latencies(10, 5), startedAt: '2025-01-01T00:00:00.000Z' }),
      runRecord({ id: 'new', samples: latencies(10, 5), startedAt: '2025-02-01T00:00:00.000Z' }),
    ]);
    const store = openStore(dataDir);
    const { json } = await buildReport({ runs: historyProvider(() => store) });
    if (json.runs.status !== 'ok') throw new Error('runs missing');
    expect(json.runs.data.runs.map((r) => r.id)).toEqual(['new', 'old']);
    expect(json.runs.data.runs[0].model).toBe(path.join('/models', 'mobilenet.onnx'));
  });
});

describe('withDeadline', () => {
  it('clears its timer when the call finishes first', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await withDeadline('x', 60_000, () => 1);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBe(before);
  });

  it('aborts the signal it gave the source when time is up', async () => {
    let signal: AbortSignal | undefined;
    await expect(
      withDeadline('slow thing', 50, (call) => {
        signal = call.signal;
        return new Promise(() => {});
      }),
    ).rejects.toMatchObject({
      code: 'DIAG_SECTION_TIMEOUT',
      message: 'slow thing did not answer within 50 ms',
    });
    expect(signal?.aborted).toBe(true);
  });
});

describe('native versions in the header', () => {
  it('shows the native addon and the librknnrt version read from the library file', async () => {
    ensureRknnAddon();
    const lib = fakeRknnrtLibrary();
    const { json } = await buildReport(
      { native: nativeProvider({ CORAL_RKNN_LIB: lib }) },
      { homeDir: null },
    );
    expect(json.header.versions.librknnrt).toEqual({
      version: '2.3.0 (fake0000@2024-01-01T00:00:00)',
      path: lib,
    });
    expect(json.header.versions.nativeAddon?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.header.versions.nativeAddon?.path).toMatch(/coral_rknn\.node$/);
  });

  it('names a CORAL_RKNN_LIB that points nowhere instead of hiding it', async () => {
    const { json } = await buildReport({
      native: nativeProvider({ CORAL_RKNN_LIB: '/nope/librknnrt.so' }),
    });
    expect(json.header.versions.librknnrt).toEqual({
      version: null,
      error: 'CORAL_RKNN_LIB=/nope/librknnrt.so does not exist',
    });
  });

  it('keeps the header when the native probe itself throws', async () => {
    const { json } = await buildReport({
      native: {
        info() {
          throw new Error('dlopen exploded');
        },
      },
    });
    expect(json.header.versions.nativeAddon).toEqual({ version: null, error: 'dlopen exploded' });
    expect(json.header.versions.node).toBe(process.versions.node);
  });
});
