/**
 * The runtime domain's store: app info, the runtime snapshot (state + config + overrides), the
 * live log, and the Configuration view's unsaved edits. Built from slices (initial state +
 * actions); the one middleware (subscribeWithSelector) is applied once to the combined store.
 */
import { create, type StateCreator } from 'zustand';
import { subscribeWithSelector } from 'zustand/middleware';
import type {
  AppInfo,
  IpcError,
  OverridePatch,
  RuntimeSnapshot,
} from '../../../electron/ipc/contract';
import type { LogEntry, LogLevel } from '../../../electron/runtime/types';
import { api, connection, onEvent } from '../api/client';
import { asIpcError } from '../api/errors';

export const LOG_LIMIT = 3000;
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

// ---- snapshot slice ---------------------------------------------------------------------------
interface SnapshotState {
  app: AppInfo | null;
  snapshot: RuntimeSnapshot | null;
  status: LoadStatus;
  error: IpcError | null;
  /** Apply / Reset / reinit in progress. */
  applying: boolean;
  applyError: IpcError | null;
}
interface SnapshotActions {
  load(): Promise<void>;
  /** Applies the draft (or the given patch) as overrides and re-initialises. */
  apply(patch?: OverridePatch): Promise<void>;
  resetOverrides(): Promise<void>;
  reinit(): Promise<void>;
  receiveSnapshot(snapshot: RuntimeSnapshot): void;
}

// ---- log slice ----------------------------------------------------------------------------------
interface LogState {
  log: LogEntry[];
  logFilter: { level: LogLevel | 'all'; text: string };
}
interface LogActions {
  appendLog(entry: LogEntry): void;
  setLogFilter(filter: Partial<LogState['logFilter']>): void;
}

// ---- draft slice (Configuration view edits before Apply) ----------------------------------------
interface DraftState {
  draft: Record<string, unknown>;
}
interface DraftActions {
  setDraft(key: string, value: unknown): void;
  discardDraft(): void;
}

export type RuntimeStore = SnapshotState &
  SnapshotActions &
  LogState &
  LogActions &
  DraftState &
  DraftActions;
type Slice<T> = StateCreator<RuntimeStore, [['zustand/subscribeWithSelector', never]], [], T>;

const snapshotInitial: SnapshotState = {
  app: null,
  snapshot: null,
  status: 'idle',
  error: null,
  applying: false,
  applyError: null,
};
const logInitial: LogState = { log: [], logFilter: { level: 'all', text: '' } };
const draftInitial: DraftState = { draft: {} };
export const runtimeInitialState = { ...snapshotInitial, ...logInitial, ...draftInitial };

const logKey = (e: LogEntry) => `${e.time}|${e.source}|${e.message}`;

const snapshotSlice: Slice<SnapshotState & SnapshotActions> = (set, get) => ({
  ...snapshotInitial,
  async load() {
    set({ status: 'loading', error: null });
    try {
      const [app, snapshot] = await Promise.all([api().app.info(), api().runtime.snapshot()]);
      // Entries that arrived as events while the snapshot was on its way are already in it.
      const seen = new Set(snapshot.log.map(logKey));
      const early = get().log.filter((e) => !seen.has(logKey(e)));
      set({ app, snapshot, status: 'ready', log: [...snapshot.log, ...early].slice(-LOG_LIMIT) });
    } catch (e) {
      set({ status: 'error', error: asIpcError(e) });
    }
  },
  async apply(patch) {
    const body = (patch ?? get().draft) as OverridePatch;
    if (Object.keys(body).length === 0) return;
    set({ applying: true, applyError: null });
    try {
      const snapshot = await api().config.apply({ patch: body });
      get().receiveSnapshot(snapshot);
      set({ applying: false, draft: patch ? get().draft : {} });
    } catch (e) {
      set({ applying: false, applyError: asIpcError(e) });
    }
  },
  async resetOverrides() {
    set({ applying: true, applyError: null });
    try {
      get().receiveSnapshot(await api().config.reset());
      set({ applying: false, draft: {} });
    } catch (e) {
      set({ applying: false, applyError: asIpcError(e) });
    }
  },
  async reinit() {
    set({ applying: true, applyError: null });
    try {
      get().receiveSnapshot(await api().runtime.reinit());
      set({ applying: false });
    } catch (e) {
      set({ applying: false, applyError: asIpcError(e) });
    }
  },
  receiveSnapshot(snapshot) {
    const current = get().snapshot;
    // Responses and events can cross; never go back to an older generation.
    if (current && current.generation > snapshot.generation) return;
    set({ snapshot, status: 'ready', error: null });
  },
});

const logSlice: Slice<LogState & LogActions> = (set) => ({
  ...logInitial,
  appendLog(entry) {
    set((s) => {
      const log = s.log.length >= LOG_LIMIT ? s.log.slice(-(LOG_LIMIT - 1)) : s.log.slice();
      log.push(entry);
      return { log };
    });
  },
  setLogFilter(filter) {
    set((s) => ({ logFilter: { ...s.logFilter, ...filter } }));
  },
});

const draftSlice: Slice<DraftState & DraftActions> = (set) => ({
  ...draftInitial,
  setDraft(key, value) {
    set((s) => {
      const draft = { ...s.draft };
      if (value === undefined) delete draft[key];
      else draft[key] = value;
      return { draft };
    });
  },
  discardDraft() {
    set({ draft: {} });
  },
});

export const useRuntimeStore = create<RuntimeStore>()(
  subscribeWithSelector((...a) => ({
    ...snapshotSlice(...a),
    ...logSlice(...a),
    ...draftSlice(...a),
  })),
);

/** Connects the store to the runtime's events; returns the disconnect. */
export function connectRuntime(): () => void {
  const s = useRuntimeStore.getState();
  const offs = [
    onEvent('runtime.log', (e) => useRuntimeStore.getState().appendLog(e)),
    onEvent('runtime.changed', (snap) => useRuntimeStore.getState().receiveSnapshot(snap)),
  ];
  void s.load();
  // After a dropped socket (coral serve restarted, laptop slept), events may have been missed:
  // reload the whole snapshot once the connection is back.
  let wasOpen = connection().transport.state === 'open';
  offs.push(
    connection().transport.onState((state) => {
      if (state === 'open' && !wasOpen) void useRuntimeStore.getState().load();
      wasOpen = state === 'open';
    }),
  );
  return () => offs.forEach((off) => off());
}

export const resetRuntimeStore = () => useRuntimeStore.setState(runtimeInitialState);

// ---- selectors ----------------------------------------------------------------------------------
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Entries at or above the level whose source or message contains the text. */
export function filterLog(log: LogEntry[], filter: LogState['logFilter']): LogEntry[] {
  const min = filter.level === 'all' ? 0 : RANK[filter.level];
  const needle = filter.text.trim().toLowerCase();
  return log.filter(
    (e) =>
      RANK[e.level] >= min &&
      (!needle || `${e.source} ${e.message}`.toLowerCase().includes(needle)),
  );
}
