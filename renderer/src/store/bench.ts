/**
 * The bench domain's store: what to run (form), the current run's metadata (never its samples:
 * those go to the ring buffer in live/samples.ts), the history list and a comparison.
 */
import { create, type StateCreator } from 'zustand';
import { subscribeWithSelector } from 'zustand/middleware';
import type {
  BenchFinished,
  BenchInfo,
  BenchProgress,
  BenchStarted,
  IpcError,
  RunComparison,
  RunRecord,
  SampleModel,
} from '../../../electron/ipc/contract';
import { api, connection, onEvent } from '../api/client';
import { asIpcError } from '../api/errors';
import { liveSamples } from '../live/samples';
import { rknnStartFields } from './rknn';
import type { LoadStatus } from './runtime';

export interface ModelChoice {
  path: string;
  name: string;
  origin: 'sample' | 'file' | 'dialog';
  sizeBytes?: number;
}

export type RunState = 'starting' | 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

export interface CurrentRun {
  runId: string | null;
  status: RunState;
  phase: BenchProgress['phase'] | 'starting';
  adapter: string;
  modelName: string;
  total: number;
  expected: number | null;
  progress: number | null;
  elapsedMs: number;
  live: BenchProgress['live'] | null;
  /** Samples per second over the last second or so (smoothed batch to batch). */
  rate: number | null;
  /** Batches and samples received by this page (the UI benchmark reads them). */
  batches: number;
  received: number;
  /** Batches that never arrived (a gap in seq). */
  gaps: number;
  cancelling: boolean;
  record: RunRecord | null;
  error: IpcError | null;
  notSaved: IpcError | null;
}

// ---- form slice ---------------------------------------------------------------------------------
interface FormState {
  model: ModelChoice | null;
  adapter: string;
  mode: 'iterations' | 'duration';
  iterations: number;
  durationS: number;
  warmup: number;
  uploading: boolean;
  formError: IpcError | null;
}
interface FormActions {
  setForm(
    patch: Partial<Pick<FormState, 'adapter' | 'mode' | 'iterations' | 'durationS' | 'warmup'>>,
  ): void;
  chooseModel(model: ModelChoice | null): void;
  uploadFile(file: File): Promise<void>;
}

// ---- catalogue slice (samples, adapters, saving status) -----------------------------------------
interface CatalogueState {
  samples: SampleModel[];
  info: BenchInfo | null;
  catalogueStatus: LoadStatus;
  catalogueError: IpcError | null;
}
interface CatalogueActions {
  loadCatalogue(): Promise<void>;
}

// ---- run slice ----------------------------------------------------------------------------------
interface RunSlice {
  run: CurrentRun | null;
}
interface RunActions {
  start(): Promise<void>;
  cancel(): Promise<void>;
  onStarted(e: BenchStarted): void;
  onProgress(e: BenchProgress): void;
  onFinished(e: BenchFinished): void;
  /** After a reconnect: ends a run that finished while the page was not listening. */
  resync(): Promise<void>;
}

// ---- history slice ------------------------------------------------------------------------------
interface HistoryState {
  runs: RunRecord[];
  historyStatus: LoadStatus;
  historyError: IpcError | null;
  selected: string[];
  comparison: RunComparison | null;
  compareError: IpcError | null;
}
interface HistoryActions {
  loadHistory(): Promise<void>;
  toggleSelected(id: string): void;
  compare(): Promise<void>;
  closeComparison(): void;
}

export type BenchStore = FormState &
  FormActions &
  CatalogueState &
  CatalogueActions &
  RunSlice &
  RunActions &
  HistoryState &
  HistoryActions;
type Slice<T> = StateCreator<BenchStore, [['zustand/subscribeWithSelector', never]], [], T>;

const formInitial: FormState = {
  model: null,
  adapter: 'onnx',
  mode: 'iterations',
  iterations: 1000,
  durationS: 10,
  warmup: 10,
  uploading: false,
  formError: null,
};
const catalogueInitial: CatalogueState = {
  samples: [],
  info: null,
  catalogueStatus: 'idle',
  catalogueError: null,
};
const runInitial: RunSlice = { run: null };
const historyInitial: HistoryState = {
  runs: [],
  historyStatus: 'idle',
  historyError: null,
  selected: [],
  comparison: null,
  compareError: null,
};
export const benchInitialState = {
  ...formInitial,
  ...catalogueInitial,
  ...runInitial,
  ...historyInitial,
};

const isActive = (r: CurrentRun | null) =>
  r !== null && (r.status === 'starting' || r.status === 'running');

const formSlice: Slice<FormState & FormActions> = (set) => ({
  ...formInitial,
  setForm(patch) {
    set(patch);
  },
  chooseModel(model) {
    set({ model, formError: null });
  },
  async uploadFile(file) {
    set({ uploading: true, formError: null });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { path, sizeBytes } = await api().models.upload({ name: file.name, bytes });
      set({ uploading: false, model: { path, name: file.name, origin: 'file', sizeBytes } });
    } catch (e) {
      set({ uploading: false, formError: asIpcError(e) });
    }
  },
});

const catalogueSlice: Slice<CatalogueState & CatalogueActions> = (set, get) => ({
  ...catalogueInitial,
  async loadCatalogue() {
    set({ catalogueStatus: 'loading', catalogueError: null });
    try {
      const [samples, info] = await Promise.all([api().models.samples(), api().bench.info()]);
      set({ samples, info, catalogueStatus: 'ready' });
      if (!get().model && samples[0]) {
        set({
          model: {
            path: samples[0].path,
            name: samples[0].name,
            origin: 'sample',
            sizeBytes: samples[0].sizeBytes,
          },
        });
      }
      if (info.adapters.length && !info.adapters.includes(get().adapter))
        set({ adapter: info.adapters[0] });
    } catch (e) {
      set({ catalogueStatus: 'error', catalogueError: asIpcError(e) });
    }
  },
});

function newRun(adapter: string, modelName: string): CurrentRun {
  return {
    runId: null,
    status: 'starting',
    phase: 'starting',
    adapter,
    modelName,
    total: 0,
    expected: null,
    progress: null,
    elapsedMs: 0,
    live: null,
    rate: null,
    batches: 0,
    received: 0,
    gaps: 0,
    cancelling: false,
    record: null,
    error: null,
    notSaved: null,
  };
}

const lastSeq = new Map<string, number>();

const runSlice: Slice<RunSlice & RunActions> = (set, get) => ({
  ...runInitial,
  async start() {
    const { model, adapter, mode, iterations, durationS, warmup } = get();
    if (!model || isActive(get().run)) return;
    liveSamples.reset();
    set({ run: newRun(adapter, model.name), formError: null });
    try {
      const options =
        mode === 'iterations'
          ? { iterations, warmup }
          : { iterations: null, durationMs: Math.round(durationS * 1000), warmup };
      // rknn: a board (or this machine) and its core mask; rknn_benchmark always warms up 5 times
      const rknn = adapter === 'rknn' ? rknnStartFields() : null;
      const { runId } = await api().bench.start({
        model: model.path,
        adapter,
        options: rknn ? { iterations, warmup: 5, coreMask: rknn.coreMask } : options,
        ...(rknn ? { target: rknn.target } : {}),
      });
      const run = get().run;
      // The started event may have come first; keep what it filled in.
      if (run && (run.runId === null || run.runId === runId)) set({ run: { ...run, runId } });
    } catch (e) {
      const run = get().run;
      set({ run: run ? { ...run, status: 'failed', error: asIpcError(e) } : null });
    }
  },
  async cancel() {
    const run = get().run;
    if (!run?.runId || !isActive(run)) return;
    set({ run: { ...run, cancelling: true } });
    try {
      await api().bench.cancel({ runId: run.runId });
    } catch (e) {
      const r = get().run;
      if (r) set({ run: { ...r, cancelling: false, error: asIpcError(e) } });
    }
  },
  onStarted(e) {
    const run = get().run;
    if (run?.runId === e.runId) return;
    // A run started here (id not known yet) or elsewhere while nothing runs: follow it.
    if (run?.status === 'starting' && run.runId === null) {
      set({ run: { ...run, runId: e.runId, status: 'running' } });
    } else if (!isActive(run)) {
      liveSamples.reset();
      set({
        run: {
          ...newRun(e.adapter, e.model.path.split(/[\\/]/).pop() ?? e.model.path),
          runId: e.runId,
          status: 'running',
        },
      });
    }
    lastSeq.set(e.runId, -1);
  },
  onProgress(e) {
    const run = get().run;
    if (!run || (run.runId !== null && run.runId !== e.runId)) return;
    const prev = lastSeq.get(e.runId) ?? -1;
    const gaps = run.gaps + Math.max(0, e.seq - prev - 1);
    lastSeq.set(e.runId, e.seq);
    const dt = e.elapsedMs - run.elapsedMs;
    const instant = dt > 0 && run.total > 0 ? ((e.total - run.total) * 1000) / dt : null;
    const rate =
      instant === null ? run.rate : run.rate === null ? instant : run.rate * 0.7 + instant * 0.3;
    liveSamples.append(e.samples);
    set({
      run: {
        ...run,
        runId: e.runId,
        status: run.status === 'starting' ? 'running' : run.status,
        phase: e.phase,
        total: e.total,
        expected: e.expected,
        progress: e.progress,
        elapsedMs: e.elapsedMs,
        live: e.live,
        rate,
        batches: run.batches + 1,
        received: run.received + e.samples.length,
        gaps,
      },
    });
  },
  onFinished(e) {
    const run = get().run;
    lastSeq.delete(e.runId);
    if (run && (run.runId === e.runId || (run.runId === null && run.status === 'starting'))) {
      set({
        run: {
          ...run,
          runId: e.runId,
          status: e.record.status === 'running' ? 'finished' : e.record.status,
          phase: 'done',
          cancelling: false,
          record: e.record,
          progress: e.record.status === 'finished' ? 1 : run.progress,
          error: e.record.error
            ? {
                code: e.record.error.code,
                message: e.record.error.message,
                ...(e.record.error.hint ? { hint: e.record.error.hint } : {}),
              }
            : null,
          notSaved: e.notSavedReason ?? null,
        },
      });
    }
    void get().loadHistory();
  },
  async resync() {
    await get().loadHistory();
    const run = get().run;
    if (!run?.runId || !isActive(run)) return;
    try {
      const active = await api().bench.active();
      if (active.some((a) => a.runId === run.runId)) return;
      const record = get().runs.find((r) => r.id === run.runId);
      const current = get().run;
      if (current?.runId !== run.runId) return;
      set({
        run: record
          ? {
              ...current,
              status: record.status === 'running' ? 'interrupted' : record.status,
              phase: 'done',
              record,
              cancelling: false,
            }
          : {
              ...current,
              status: 'interrupted',
              phase: 'done',
              cancelling: false,
              error: {
                code: 'RUN_LOST',
                message:
                  'The connection dropped while this run was going and it is no longer known.',
                hint: 'Start it again.',
              },
            },
      });
    } catch {
      // Still not reachable: the next reconnect tries again.
    }
  },
});

const historySlice: Slice<HistoryState & HistoryActions> = (set, get) => ({
  ...historyInitial,
  async loadHistory() {
    if (get().historyStatus === 'idle') set({ historyStatus: 'loading' });
    try {
      const runs = await api().runs.list({ limit: 200 });
      const ids = new Set(runs.map((r) => r.id));
      set({
        runs,
        historyStatus: 'ready',
        historyError: null,
        selected: get().selected.filter((id) => ids.has(id)),
      });
    } catch (e) {
      set({ historyStatus: 'error', historyError: asIpcError(e) });
    }
  },
  toggleSelected(id) {
    const sel = get().selected;
    if (sel.includes(id)) set({ selected: sel.filter((x) => x !== id) });
    else set({ selected: [...sel, id].slice(-2) });
  },
  async compare() {
    // The older run is A (the baseline), whatever order they were ticked in.
    const startedAt = (id: string) => get().runs.find((r) => r.id === id)?.startedAt ?? '';
    const [a, b] = [...get().selected].sort((x, y) => startedAt(x).localeCompare(startedAt(y)));
    if (!a || !b) return;
    set({ compareError: null });
    try {
      set({ comparison: await api().runs.compare({ a, b }) });
    } catch (e) {
      set({ compareError: asIpcError(e) });
    }
  },
  closeComparison() {
    set({ comparison: null, compareError: null });
  },
});

export const useBenchStore = create<BenchStore>()(
  subscribeWithSelector((...a) => ({
    ...formSlice(...a),
    ...catalogueSlice(...a),
    ...runSlice(...a),
    ...historySlice(...a),
  })),
);

/** Follows benchmark events (lazily: only while the Benchmarks view is mounted). */
export function connectBench(): () => void {
  const s = () => useBenchStore.getState();
  const offs = [
    onEvent('bench.started', (e) => s().onStarted(e)),
    onEvent('bench.progress', (e) => s().onProgress(e)),
    onEvent('bench.finished', (e) => s().onFinished(e)),
  ];
  if (s().catalogueStatus !== 'ready') void s().loadCatalogue();
  void s().loadHistory();
  // Back from a dropped socket: a run may have ended unseen; take its end from the history.
  let wasOpen = connection().transport.state === 'open';
  offs.push(
    connection().transport.onState((state) => {
      if (state === 'open' && !wasOpen) void s().resync();
      wasOpen = state === 'open';
    }),
  );
  return () => offs.forEach((off) => off());
}

export const resetBenchStore = () => {
  liveSamples.reset();
  lastSeq.clear();
  useBenchStore.setState(benchInitialState);
};
