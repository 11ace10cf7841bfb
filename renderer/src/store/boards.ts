/**
 * The boards domain's store: saved boards and their connection state, adb devices, virtual
 * boards, per-board work in progress (connect, probe …) with its errors, the last probe of each
 * board, the questions connections wait on (trust a host key, a password), and the add-board /
 * virtual-board forms. Telemetry series live outside React (live/telemetry.ts); the store keeps
 * only the latest reading of each board. Built from slices; middleware once on the whole store.
 */
import { create, type StateCreator } from 'zustand';
import { subscribeWithSelector } from 'zustand/middleware';
import type {
  AdbEvent,
  BoardInfo,
  BoardPrompt,
  BoardProfile,
  BoardsList,
  BoardTelemetry,
  IpcError,
  ProbeReport,
  PromptAnswer,
  SshAlias,
  VirtualBoard,
} from '../../../electron/ipc/contract';
import { api, connection, onEvent } from '../api/client';
import { ApiError, asIpcError } from '../api/errors';
import { liveTelemetry } from '../live/telemetry';
import type { LoadStatus } from './runtime';

/** An error with its detail kept (a changed host key carries both fingerprints in it). */
export type BoardError = IpcError;
export type BoardBusy = 'connecting' | 'disconnecting' | 'probing' | 'removing' | 'starting';
type Sample = NonNullable<BoardTelemetry['sample']>;

export function boardError(e: unknown): BoardError {
  const base = asIpcError(e);
  return e instanceof ApiError && e.detail !== undefined ? { ...base, detail: e.detail } : base;
}

// ---- list slice: saved boards, adb devices, virtual boards -----------------------------------
interface ListState {
  boards: BoardInfo[];
  adb: BoardsList['adb'];
  /** The last device that went away (adb says so only once: the list keeps it visible). */
  adbGone: { serial: string; at: string } | null;
  virtual: VirtualBoard[];
  listStatus: LoadStatus;
  listError: IpcError | null;
}
interface ListActions {
  load(): Promise<void>;
  onChanged(boards: BoardInfo[]): void;
  onState(e: { boardId: string; state: BoardInfo['state']; error?: IpcError }): void;
  onAdb(e: AdbEvent): void;
  onVirtual(list: VirtualBoard[]): void;
}

// ---- board slice: selection, work in progress, errors, probes, latest telemetry ----------------
interface BoardState {
  selected: string | null;
  busy: Record<string, BoardBusy | undefined>;
  errors: Record<string, BoardError | undefined>;
  probes: Record<string, ProbeReport | undefined>;
  latest: Record<string, Sample | undefined>;
  telemetryErrors: Record<string, IpcError | undefined>;
}
interface BoardActions {
  select(id: string | null): void;
  /** Connects, then probes (the probe card fills in). */
  connect(id: string): Promise<void>;
  disconnect(id: string): Promise<void>;
  probe(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  onTelemetry(e: BoardTelemetry): void;
  dismissError(id: string): void;
}

// ---- prompt slice: questions a connection waits on ---------------------------------------------
interface PromptState {
  prompts: BoardPrompt[];
  promptError: IpcError | null;
}
interface PromptActions {
  loadPrompts(): Promise<void>;
  onPrompt(p: BoardPrompt): void;
  onPromptClosed(id: string): void;
  /** Sends the answer (a secret goes straight to the main side; nothing keeps it here). */
  answer(a: PromptAnswer): Promise<void>;
}

// ---- forms slice: add a board, start a virtual board -------------------------------------------
export type Dialog = 'add' | 'virtual' | null;
export interface AddForm {
  target: string;
  name?: string;
  identityFile?: string;
  workDir?: string;
}
interface FormState {
  dialog: Dialog;
  aliases: SshAlias[];
  aliasesError: IpcError | null;
  profiles: BoardProfile[];
  profilesError: IpcError | null;
  submitting: boolean;
  formError: IpcError | null;
}
interface FormActions {
  openDialog(d: Dialog): void;
  addBoard(form: AddForm): Promise<boolean>;
  startVirtual(profile: string): Promise<boolean>;
  stopVirtual(id: string): Promise<void>;
}

export type BoardsStore = ListState &
  ListActions &
  BoardState &
  BoardActions &
  PromptState &
  PromptActions &
  FormState &
  FormActions;
type Slice<T> = StateCreator<BoardsStore, [['zustand/subscribeWithSelector', never]], [], T>;

const listInitial: ListState = {
  boards: [],
  adb: { tracking: false, devices: [], error: null, conflict: null },
  adbGone: null,
  virtual: [],
  listStatus: 'idle',
  listError: null,
};
const boardInitial: BoardState = {
  selected: null,
  busy: {},
  errors: {},
  probes: {},
  latest: {},
  telemetryErrors: {},
};
const promptInitial: PromptState = { prompts: [], promptError: null };
const formInitial: FormState = {
  dialog: null,
  aliases: [],
  aliasesError: null,
  profiles: [],
  profilesError: null,
  submitting: false,
  formError: null,
};
export const boardsInitialState = {
  ...listInitial,
  ...boardInitial,
  ...promptInitial,
  ...formInitial,
};

const patch = <T>(rec: Record<string, T | undefined>, id: string, value: T | undefined) => {
  const next = { ...rec };
  if (value === undefined) delete next[id];
  else next[id] = value;
  return next;
};

const listSlice: Slice<ListState & ListActions> = (set, get) => ({
  ...listInitial,
  async load() {
    if (get().listStatus !== 'ready') set({ listStatus: 'loading', listError: null });
    try {
      const list = await api().boards.list();
      const prompts = new Map(get().prompts.map((p) => [p.id, p]));
      for (const p of list.prompts) prompts.set(p.id, p);
      set({
        boards: list.boards,
        // events that arrived first are newer than the list: keep a tracked adb state
        adb: get().adb.tracking && !list.adb.tracking ? get().adb : list.adb,
        virtual: list.virtual,
        prompts: [...prompts.values()].filter((p) => list.prompts.some((q) => q.id === p.id)),
        listStatus: 'ready',
        listError: null,
      });
      const sel = get().selected;
      if (!sel || !list.boards.some((b) => b.id === sel))
        set({ selected: list.boards[0]?.id ?? null });
    } catch (e) {
      set({ listStatus: 'error', listError: asIpcError(e) });
    }
  },
  onChanged(boards) {
    set({ boards });
    const sel = get().selected;
    if (sel && !boards.some((b) => b.id === sel)) set({ selected: boards[0]?.id ?? null });
    if (!sel && boards.length) set({ selected: boards[0].id });
  },
  onState({ boardId, state, error }) {
    const boards = get().boards.map((b) =>
      b.id === boardId
        ? {
            ...b,
            state,
            ...(error ? { error } : {}),
            ...(state === 'connected' ? { error: undefined } : {}),
          }
        : b,
    );
    set({ boards });
    if (state === 'connected') set({ errors: patch(get().errors, boardId, undefined) });
  },
  onAdb(e) {
    const { change, ...adb } = e;
    set({ adb });
    if (change?.type === 'remove')
      set({ adbGone: { serial: change.device.serial, at: new Date().toISOString() } });
    else if (change && change.device.serial === get().adbGone?.serial) set({ adbGone: null });
  },
  onVirtual(virtual) {
    set({ virtual });
  },
});

const boardSlice: Slice<BoardState & BoardActions> = (set, get) => {
  const setBusy = (id: string, b: BoardBusy | undefined) => set({ busy: patch(get().busy, id, b) });
  const setError = (id: string, e: BoardError | undefined) =>
    set({ errors: patch(get().errors, id, e) });
  return {
    ...boardInitial,
    select(id) {
      set({ selected: id });
    },
    async connect(id) {
      if (get().busy[id]) return;
      setBusy(id, 'connecting');
      setError(id, undefined);
      liveTelemetry.reset(id);
      set({ latest: patch(get().latest, id, undefined) });
      try {
        const board = await api().boards.connect({ id });
        set({ boards: get().boards.map((b) => (b.id === id ? board : b)) });
        setBusy(id, undefined);
        await get().probe(id);
      } catch (e) {
        setBusy(id, undefined);
        setError(id, boardError(e));
      }
    },
    async disconnect(id) {
      setBusy(id, 'disconnecting');
      try {
        const board = await api().boards.disconnect({ id });
        set({ boards: get().boards.map((b) => (b.id === id ? board : b)) });
      } catch (e) {
        setError(id, boardError(e));
      } finally {
        setBusy(id, undefined);
      }
    },
    async probe(id) {
      setBusy(id, 'probing');
      try {
        const report = await api().boards.probe({ id });
        set({ probes: patch(get().probes, id, report) });
      } catch (e) {
        setError(id, boardError(e));
      } finally {
        setBusy(id, undefined);
      }
    },
    async remove(id) {
      setBusy(id, 'removing');
      try {
        await api().boards.remove({ id });
        liveTelemetry.reset(id);
        set({
          boards: get().boards.filter((b) => b.id !== id),
          probes: patch(get().probes, id, undefined),
          latest: patch(get().latest, id, undefined),
          errors: patch(get().errors, id, undefined),
        });
        if (get().selected === id) set({ selected: get().boards[0]?.id ?? null });
      } catch (e) {
        setError(id, boardError(e));
      } finally {
        setBusy(id, undefined);
      }
    },
    onTelemetry(e) {
      if (e.sample) {
        liveTelemetry.add(e.boardId, e.sample);
        set({
          latest: patch(get().latest, e.boardId, e.sample),
          telemetryErrors: patch(get().telemetryErrors, e.boardId, undefined),
        });
      } else if (e.error) {
        set({ telemetryErrors: patch(get().telemetryErrors, e.boardId, e.error) });
      }
    },
    dismissError(id) {
      setError(id, undefined);
    },
  };
};

const promptSlice: Slice<PromptState & PromptActions> = (set, get) => ({
  ...promptInitial,
  async loadPrompts() {
    try {
      const list = await api().boards.list();
      const known = new Set(get().prompts.map((p) => p.id));
      set({ prompts: [...get().prompts, ...list.prompts.filter((p) => !known.has(p.id))] });
    } catch {
      // the Boards view shows list errors; the dialog simply has nothing to ask yet
    }
  },
  onPrompt(p) {
    if (get().prompts.some((q) => q.id === p.id)) return;
    set({ prompts: [...get().prompts, p] });
  },
  onPromptClosed(id) {
    set({ prompts: get().prompts.filter((p) => p.id !== id) });
  },
  async answer(a) {
    set({ promptError: null });
    try {
      await api().boards.answer(a);
      // answered, or already answered elsewhere: either way this question is done here
      get().onPromptClosed(a.id);
    } catch (e) {
      set({ promptError: asIpcError(e) });
    }
  },
});

const formSlice: Slice<FormState & FormActions> = (set, get) => ({
  ...formInitial,
  openDialog(dialog) {
    set({ dialog, formError: null });
    if (dialog === 'add') {
      api()
        .boards.sshAliases()
        .then(
          (aliases) => set({ aliases, aliasesError: null }),
          (e: unknown) => set({ aliasesError: asIpcError(e) }),
        );
    }
    if (dialog === 'virtual' && get().profiles.length === 0) {
      api()
        .boards.profiles()
        .then(
          (profiles) => set({ profiles, profilesError: null }),
          (e: unknown) => set({ profilesError: asIpcError(e) }),
        );
    }
  },
  async addBoard(form) {
    set({ submitting: true, formError: null });
    try {
      const board = await api().boards.add({
        target: form.target.trim(),
        ...(form.name?.trim() ? { name: form.name.trim() } : {}),
        ...(form.identityFile?.trim() ? { identityFile: form.identityFile.trim() } : {}),
        ...(form.workDir?.trim() ? { workDir: form.workDir.trim() } : {}),
      });
      const others = get().boards.filter((b) => b.id !== board.id);
      set({ boards: [...others, board], selected: board.id, submitting: false, dialog: null });
      void get().connect(board.id);
      return true;
    } catch (e) {
      set({ submitting: false, formError: asIpcError(e) });
      return false;
    }
  },
  async startVirtual(profile) {
    set({ submitting: true, formError: null });
    try {
      const { board, virtual } = await api().boards.startVirtual({ profile });
      const others = get().boards.filter((b) => b.id !== board.id);
      set({
        boards: [...others, board],
        virtual: [...get().virtual.filter((v) => v.id !== virtual.id), virtual],
        selected: board.id,
        submitting: false,
        dialog: null,
      });
      void get().connect(board.id);
      return true;
    } catch (e) {
      set({ submitting: false, formError: asIpcError(e) });
      return false;
    }
  },
  async stopVirtual(id) {
    const v = get().virtual.find((x) => x.id === id);
    if (v) set({ busy: patch(get().busy, v.boardId, 'disconnecting') });
    try {
      await api().boards.stopVirtual({ id });
      set({ virtual: get().virtual.filter((x) => x.id !== id) });
    } catch (e) {
      if (v) set({ errors: patch(get().errors, v.boardId, boardError(e)) });
    } finally {
      if (v) set({ busy: patch(get().busy, v.boardId, undefined) });
    }
  },
});

export const useBoardsStore = create<BoardsStore>()(
  subscribeWithSelector((...a) => ({
    ...listSlice(...a),
    ...boardSlice(...a),
    ...promptSlice(...a),
    ...formSlice(...a),
  })),
);

/**
 * Follows the boards while the Boards view is mounted: list changes, connection states, adb
 * devices and telemetry. Listening to boards.telemetry and boards.adb is what makes the main
 * side watch the connected boards and track adb; unmounting stops both.
 */
export function connectBoards(): () => void {
  const s = () => useBoardsStore.getState();
  const offs = [
    onEvent('boards.changed', (e) => s().onChanged(e.boards)),
    onEvent('boards.state', (e) => s().onState(e)),
    onEvent('boards.virtual', (e) => s().onVirtual(e.boards)),
    onEvent('boards.adb', (e) => s().onAdb(e)),
    onEvent('boards.telemetry', (e) => s().onTelemetry(e)),
  ];
  void s().load();
  let wasOpen = connection().transport.state === 'open';
  offs.push(
    connection().transport.onState((state) => {
      if (state === 'open' && !wasOpen) void s().load();
      wasOpen = state === 'open';
    }),
  );
  return () => offs.forEach((off) => off());
}

/**
 * Follows the questions board connections ask (for the whole app: a benchmark on a board may
 * need a password while another view is open).
 */
export function connectBoardPrompts(): () => void {
  const s = () => useBoardsStore.getState();
  const offs = [
    onEvent('boards.prompt', (p) => s().onPrompt(p)),
    onEvent('boards.promptClosed', (e) => s().onPromptClosed(e.id)),
  ];
  void s().loadPrompts();
  return () => offs.forEach((off) => off());
}

export const resetBoardsStore = () => {
  liveTelemetry.reset();
  useBoardsStore.setState(boardsInitialState);
};

// ---- selectors ----------------------------------------------------------------------------------

export const selectedBoard = (s: BoardsStore): BoardInfo | null =>
  s.boards.find((b) => b.id === s.selected) ?? null;

/** The running virtual board behind a saved board, if any. */
export const runningVirtual = (s: BoardsStore, boardId: string): VirtualBoard | null =>
  s.virtual.find((v) => v.boardId === boardId) ?? null;

/** adb devices not saved as boards yet (a saved one is `adb:SERIAL`). */
export const unsavedAdbDevices = (s: BoardsStore) =>
  s.adb.devices.filter(
    (d) =>
      !s.boards.some((b) => b.target === `adb:${d.serial}` || b.target === `adb+tcp://${d.serial}`),
  );
