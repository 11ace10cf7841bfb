/**
 * The boards store against the real main side: a loopback transport hands the page's requests
 * to a real Session over the real handler table and a real BoardsService, whose boards are
 * virtual boards speaking SSH on loopback. Events come back exactly as over the two real
 * transports, with the same lazy subscriptions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BoardsService } from '../../../../electron/boards/service';
import { VirtualBoard } from '../../../../electron/boards/sim';
import { ensureKeyPair, generateKeyPair } from '../../../../electron/boards/sim/keys';
import { boardsHub } from '../../../../electron/ipc/boards-hub';
import type { Channel, EventName } from '../../../../electron/ipc/contract-core';
import { IpcServer } from '../../../../electron/ipc/handlers';
import { Session } from '../../../../electron/ipc/session';
import { RuntimeService } from '../../../../electron/runtime/service';
import { setConnection } from '../../../../renderer/src/api/client';
import type { Transport } from '../../../../renderer/src/api/transport';
import { liveTelemetry } from '../../../../renderer/src/live/telemetry';
import {
  connectBoardPrompts,
  connectBoards,
  resetBoardsStore,
  useBoardsStore,
} from '../../../../renderer/src/store/boards';
import { freePort } from '../../../helpers/sshd';
import { tempDir } from '../../../helpers/plugins';

let runtime: RuntimeService;
let boards: BoardsService;
let ipc: IpcServer;
let session: Session;
let home: string;
let userKey: { publicKey: string };
const offs: Array<() => void> = [];
const sims: VirtualBoard[] = [];

function loopback(server: IpcServer): Transport {
  const listeners = new Map<EventName, Set<(d: unknown) => void>>();
  session = new Session(server, (ev, d) => listeners.get(ev)?.forEach((l) => l(d)), 'store test');
  return {
    kind: 'browser',
    state: 'open',
    invoke: (channel: Channel, payload: unknown, id?: string) =>
      session.request(channel, payload, id),
    cancel: (id) => void session.cancel(id),
    on(event, listener) {
      if (!listeners.has(event)) {
        listeners.set(event, new Set());
        session.subscribe(event);
      }
      listeners.get(event)!.add(listener);
      return () => {
        const set = listeners.get(event)!;
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          session.unsubscribe(event);
        }
      };
    },
    onState: (l) => {
      l('open');
      return () => undefined;
    },
  };
}

const until = async (check: () => boolean, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  const dataDir = tempDir('coral-store-boards-');
  home = tempDir('coral-store-boards-home-');
  userKey = ensureKeyPair(path.join(home, '.ssh', 'id_ed25519'), 'store-test');
  runtime = new RuntimeService({ env: { CORAL_DATA_DIR: dataDir }, dataDir });
  await runtime.start();
  boards = new BoardsService({
    dataDir,
    env: {
      HOME: home,
      PATH: process.env.PATH ?? '',
      CORAL_ADB: path.join(home, 'no-adb'),
      ANDROID_ADB_SERVER_PORT: String(await freePort()),
    },
    log: runtime.log,
    trackAdb: false,
    telemetryIntervalMs: 150,
  });
  ipc = new IpcServer({ app: { mode: 'browser', versions: {}, dataDir }, runtime, boards });
});

beforeEach(() => {
  resetBoardsStore();
  setConnection(loopback(ipc));
});

afterEach(async () => {
  for (const off of offs.splice(0)) off();
  session.dispose();
  for (const b of boards.list()) await boards.remove(b.id);
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  ipc?.dispose();
  await boards?.dispose();
  await runtime?.dispose();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the boards store', () => {
  it('starts a virtual board, connects and probes it, and watches it only while the view is mounted', async () => {
    offs.push(connectBoards());
    await until(() => useBoardsStore.getState().listStatus === 'ready', 'the list');
    expect(useBoardsStore.getState().boards).toEqual([]);

    expect(await useBoardsStore.getState().startVirtual('rk3588-rock5b')).toBe(true);
    const id = useBoardsStore.getState().selected as string;
    await until(() => useBoardsStore.getState().probes[id] !== undefined, 'the probe');
    const s = useBoardsStore.getState();
    expect(s.probes[id]).toMatchObject({ soc: 'rk3588', virtual: true, npu: { cores: 3 } });
    expect(s.boards.find((b) => b.id === id)).toMatchObject({ state: 'connected', virtual: true });
    expect(s.virtual.map((v) => v.boardId)).toEqual([id]);
    expect(s.dialog).toBeNull();

    // telemetry: the series fill outside the store; the store keeps the latest reading only
    await until(() => (liveTelemetry.series(id)?.t.length ?? 0) >= 3, 'three readings');
    expect(useBoardsStore.getState().latest[id]?.npu).toHaveLength(3);
    expect(JSON.stringify(useBoardsStore.getState()).length).toBeLessThan(20_000);
    expect(boardsHub(boards).watched).toEqual([id]);

    // the view unmounts: watching stops on the main side
    offs.splice(0).forEach((off) => off());
    expect(boardsHub(boards).watched).toEqual([]);
    const n = liveTelemetry.series(id)?.t.length ?? 0;
    await new Promise((r) => setTimeout(r, 450));
    expect(liveTelemetry.series(id)?.t.length).toBe(n);
  });

  it('asks to trust an unknown host in the prompt queue, connects after "once", and keeps a refusal with its hint', async () => {
    const vb = await VirtualBoard.start({
      profile: 'rk3566-zero3w',
      hostKey: generateKeyPair().privateKey,
      authorizedKeys: [userKey.publicKey],
      adbPort: null,
    });
    sims.push(vb);
    offs.push(connectBoards(), connectBoardPrompts());
    await until(() => useBoardsStore.getState().listStatus === 'ready', 'the list');
    expect(
      await useBoardsStore
        .getState()
        .addBoard({ target: vb.targets().ssh as string, name: 'zero' }),
    ).toBe(true);
    await until(() => useBoardsStore.getState().prompts.length === 1, 'the trust question');
    const ask = useBoardsStore.getState().prompts[0];
    expect(ask.request).toMatchObject({ kind: 'host-key', fingerprint: vb.hostKeyFingerprint });
    expect(ask.boardName).toBe('zero');
    const id = useBoardsStore.getState().selected as string;
    expect(useBoardsStore.getState().busy[id]).toBe('connecting');

    await useBoardsStore.getState().answer({ kind: 'host-key', id: ask.id, decision: 'once' });
    expect(useBoardsStore.getState().prompts).toEqual([]);
    await until(() => useBoardsStore.getState().probes[id]?.soc === 'rk3566', 'the probe');

    // disconnect, then reject the same question: the board shows why, with a hint
    await useBoardsStore.getState().disconnect(id);
    void useBoardsStore.getState().connect(id);
    await until(() => useBoardsStore.getState().prompts.length === 1, 'the question again');
    await useBoardsStore.getState().answer({
      kind: 'host-key',
      id: useBoardsStore.getState().prompts[0].id,
      decision: 'reject',
    });
    await until(() => useBoardsStore.getState().errors[id] !== undefined, 'the refusal');
    expect(useBoardsStore.getState().errors[id]).toMatchObject({
      code: 'HOST_KEY_REJECTED',
      hint: expect.stringContaining('ssh-keygen -lf'),
    });
    expect(useBoardsStore.getState().busy[id]).toBeUndefined();
  });

  it('shows a bad target in the form with its message and hint, and keeps the dialog open', async () => {
    offs.push(connectBoards());
    useBoardsStore.getState().openDialog('add');
    expect(await useBoardsStore.getState().addBoard({ target: 'ssh://[::1' })).toBe(false);
    const s = useBoardsStore.getState();
    expect(s.dialog).toBe('add');
    expect(s.formError?.code).toBe('BOARD_TARGET_INVALID');
    expect(s.formError?.hint).toContain('ssh://user@host');
  });

  it('puts the list in an error state with message and hint when there is no boards service', async () => {
    const bare = new IpcServer({ app: { mode: 'browser', versions: {}, dataDir: home }, runtime });
    setConnection(loopback(bare));
    offs.push(connectBoards());
    await until(() => useBoardsStore.getState().listStatus === 'error', 'the error');
    expect(useBoardsStore.getState().listError).toMatchObject({
      code: 'UNAVAILABLE',
      hint: expect.any(String),
    });
    bare.dispose();
  });
});
