/**
 * The rknn part of the Benchmarks view: where a .rknn model runs (this machine or a saved
 * board), its core mask, and the compatibility verdict for the chosen model and target, asked
 * of the main side (a board is probed) before Start. Live NPU load lives in live/gauges.ts.
 */
import { create } from 'zustand';
import type { IpcError, RknnCheck, RknnTarget } from '../../../electron/ipc/contract';
import { api, onEvent } from '../api/client';
import { asIpcError } from '../api/errors';
import { liveGauges } from '../live/gauges';
import type { LoadStatus } from './runtime';

export interface RknnState {
  targets: RknnTarget[];
  targetsStatus: LoadStatus;
  targetsError: IpcError | null;
  /** `local` or a saved board's id; null until the targets are known. */
  target: string | null;
  /** null: rknn_benchmark's default. */
  coreMask: number | null;
  /** The verdict for (checkedModel, target, coreMask); null while none. */
  check: RknnCheck | null;
  checkStatus: LoadStatus;
  checkError: IpcError | null;
  /** The model path the verdict (or the running check) is for. */
  checkedModel: string | null;
}

export interface RknnActions {
  loadTargets(): Promise<void>;
  setTarget(id: string): void;
  setCoreMask(mask: number | null): void;
  /** Asks for the verdict of `model` on the chosen target (a newer call wins). */
  runCheck(model: string | null): Promise<void>;
}

export const rknnInitialState: RknnState = {
  targets: [],
  targetsStatus: 'idle',
  targetsError: null,
  target: null,
  coreMask: null,
  check: null,
  checkStatus: 'idle',
  checkError: null,
  checkedModel: null,
};

let inflight: AbortController | null = null;

export const useRknnStore = create<RknnState & RknnActions>()((set, get) => ({
  ...rknnInitialState,
  async loadTargets() {
    if (get().targetsStatus === 'idle') set({ targetsStatus: 'loading' });
    try {
      const targets = await api().rknn.targets();
      const current = get().target;
      const keep = targets.some((t) => t.id === current);
      // default: this machine when it can run models, else the first board
      const first = targets.find((t) => t.available && t.id === 'local') ?? targets[1] ?? null;
      set({
        targets,
        targetsStatus: 'ready',
        targetsError: null,
        target: keep ? current : (first?.id ?? null),
      });
    } catch (e) {
      set({ targetsStatus: 'error', targetsError: asIpcError(e) });
    }
  },
  setTarget(id) {
    if (id === get().target) return;
    set({ target: id, check: null, checkStatus: 'idle', checkError: null });
  },
  setCoreMask(mask) {
    if (mask === get().coreMask) return;
    set({ coreMask: mask, check: null, checkStatus: 'idle', checkError: null });
  },
  async runCheck(model) {
    inflight?.abort();
    inflight = null;
    const { target, coreMask } = get();
    if (!model || !target) {
      set({ check: null, checkStatus: 'idle', checkError: null, checkedModel: model });
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    set({ checkStatus: 'loading', checkError: null, check: null, checkedModel: model });
    try {
      const check = await api().rknn.check(
        { model, target, coreMask },
        { signal: controller.signal },
      );
      if (inflight !== controller) return;
      set({ check, checkStatus: 'ready' });
      // the probe may have taught the main side the board's SoC: refresh the list quietly
      void get().loadTargets();
    } catch (e) {
      if (inflight !== controller) return;
      set({ checkStatus: 'error', checkError: asIpcError(e) });
    } finally {
      if (inflight === controller) inflight = null;
    }
  },
}));

/** What bench.start needs for an rknn run: the target and the core mask. */
export function rknnStartFields(): { target: string; coreMask: number | null } {
  const { target, coreMask } = useRknnStore.getState();
  return { target: target ?? 'local', coreMask };
}

/** True when Start may be pressed for an rknn run (a target, and a verdict that is not error). */
export function rknnReady(s: RknnState, model: string | null): boolean {
  return (
    s.target !== null &&
    s.checkStatus === 'ready' &&
    s.checkedModel === model &&
    s.check !== null &&
    s.check.verdict !== 'error'
  );
}

/** Follows the gauges of runs (NPU load, upload progress) while the Benchmarks view is open. */
export function connectRknn(): () => void {
  const offs = [
    onEvent('bench.started', (e) => liveGauges.reset(e.runId)),
    onEvent('bench.progress', (e) => {
      if (e.gauges?.length) liveGauges.add(e.runId, e.gauges);
    }),
  ];
  if (useRknnStore.getState().targetsStatus !== 'ready') void useRknnStore.getState().loadTargets();
  return () => offs.forEach((off) => off());
}

export const resetRknnStore = () => {
  inflight?.abort();
  inflight = null;
  liveGauges.reset();
  useRknnStore.setState(rknnInitialState);
};
