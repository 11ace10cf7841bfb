/**
 * BoardsService, the object the IPC layer calls: saved boards, connections with trust prompts,
 * probe, exec with board-runtime flags, telemetry events, adb device events, virtual boards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardsService, type BoardsEvents } from '../../../electron/boards/service';
import { tempDir } from '../../helpers/boards';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { startAdbServer, type AdbServerHandle } from '../../helpers/adb';

let sshd: SshdHandle;
let adb: AdbServerHandle;
let home: string;
beforeAll(async () => {
  [sshd, adb] = await Promise.all([startSshd(), startAdbServer()]);
  home = tempDir('coral-svc-home-');
}, 60_000);
afterAll(async () => {
  await Promise.all([sshd?.dispose(), adb?.stop()]);
  fs.rmSync(home, { recursive: true, force: true });
});

function service(extra: Partial<ConstructorParameters<typeof BoardsService>[0]> = {}) {
  const dataDir = tempDir('coral-svc-');
  const svc = new BoardsService({
    dataDir,
    env: { ...adb.env, HOME: home, USER: sshd.user },
    remoteEnv: () => ({ CORAL_ENABLE_WEBRTC: '0', CORAL_ENABLE_PLUGINS: '1' }),
    ...extra,
  });
  const events: Array<{ type: keyof BoardsEvents; payload: unknown }> = [];
  for (const type of [
    'board-state',
    'boards-changed',
    'prompt',
    'telemetry',
    'adb-devices',
    'virtual-boards',
  ] as const) {
    svc.on(type, (payload) => events.push({ type, payload }));
  }
  return {
    svc,
    dataDir,
    events,
    async dispose() {
      await svc.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('BoardsService', () => {
  it('starts a virtual board, saves it labelled virtual, probes it and runs commands with the board-runtime flags', async () => {
    const s = service();
    try {
      const info = await s.svc.startVirtual({ profile: 'rk3588-rock5b' });
      expect(info.targets.ssh).toMatch(/^ssh:\/\/root@127\.0\.0\.1:\d+$/);
      const [board] = s.svc.list();
      expect(board).toMatchObject({
        id: info.boardId,
        kind: 'virtual',
        virtual: true,
        state: 'idle',
        options: { profile: 'rk3588-rock5b' },
      });
      const report = await s.svc.probe(info.boardId);
      expect(report).toMatchObject({ soc: 'rk3588', virtual: true });
      expect(s.svc.list()[0]).toMatchObject({
        state: 'connected',
        lastProbe: { soc: 'rk3588', virtual: true },
      });
      const r = await s.svc.exec(info.boardId, 'echo $CORAL_ENABLE_WEBRTC$CORAL_ENABLE_PLUGINS');
      expect(r.stdout).toBe('01\n');
      expect(
        s.events.some(
          (e) => e.type === 'board-state' && (e.payload as { state: string }).state === 'connected',
        ),
      ).toBe(true);
      expect(s.svc.listVirtual()).toEqual([info]);
    } finally {
      await s.dispose();
    }
  });

  it('streams telemetry events while a board is watched, and stops on unwatch', async () => {
    const s = service({ telemetryIntervalMs: 200 });
    try {
      const { boardId } = await s.svc.startVirtual({
        profile: 'rv1106-luckfox-pico',
        adbPort: null,
      });
      await s.svc.watch(boardId);
      expect(s.svc.list()[0].watched).toBe(true);
      await expect
        .poll(() => s.events.filter((e) => e.type === 'telemetry').length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(3);
      const sample = (
        s.events.find((e) => e.type === 'telemetry')?.payload as BoardsEvents['telemetry']
      ).sample;
      expect(sample).toMatchObject({ npu: [{ core: 0 }], memory: { totalMb: 232 } });
      s.svc.unwatch(boardId);
      const n = s.events.filter((e) => e.type === 'telemetry').length;
      await new Promise((r) => setTimeout(r, 600));
      expect(s.events.filter((e) => e.type === 'telemetry').length).toBeLessThanOrEqual(n + 1);
    } finally {
      await s.dispose();
    }
  });

  it('asks through a prompt event to trust an unknown host, and remembers the answer', async () => {
    const s = service();
    try {
      const board = s.svc.add({
        target: sshd.target,
        name: 'sshd',
        options: { identityFile: sshd.clientKey },
      });
      s.svc.on('prompt', ({ id, request }) => {
        if (request.kind === 'host-key' && request.fingerprint === sshd.hostKeyFingerprint)
          s.svc.answerPrompt(id, 'yes');
      });
      await s.svc.connect(board.id);
      const prompt = s.events.find((e) => e.type === 'prompt')?.payload as BoardsEvents['prompt'];
      expect(prompt).toMatchObject({
        boardId: board.id,
        request: { kind: 'host-key', port: sshd.port, keyType: 'ssh-ed25519' },
      });
      expect(fs.readFileSync(path.join(s.dataDir, 'known_hosts'), 'utf8')).toContain(
        `[127.0.0.1]:${sshd.port}`,
      );
      expect(s.events.filter((e) => e.type === 'prompt')).toHaveLength(1);
    } finally {
      await s.dispose();
    }
  });

  it('refuses the connection when the user declines the host key', async () => {
    const s = service();
    try {
      const board = s.svc.add({ target: sshd.target, options: { identityFile: sshd.clientKey } });
      s.svc.on('prompt', ({ id }) => s.svc.answerPrompt(id, null));
      await expect(s.svc.connect(board.id)).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });
      expect(s.svc.list()[0].state).toBe('disconnected');
    } finally {
      await s.dispose();
    }
  });

  it('reports adb devices as they come and go', async () => {
    const s = service();
    try {
      const { adb: target } = (await s.svc.startVirtual({ profile: 'rk3566-zero3w' })).targets;
      const serial = (target as string).replace('adb+tcp://', '');
      await adb.adb('connect', serial);
      await expect
        .poll(() => s.svc.adbDevices().find((d) => d.serial === serial)?.state, { timeout: 10_000 })
        .toBe('device');
      await adb.adb('disconnect', serial);
      await expect
        .poll(() => s.svc.adbDevices().some((d) => d.serial === serial), { timeout: 10_000 })
        .toBe(false);
      expect(s.events.filter((e) => e.type === 'adb-devices').length).toBeGreaterThanOrEqual(2);
      expect((await s.svc.adbStatus()).serverVersion).toBe(41);
    } finally {
      await s.dispose();
    }
  });

  it('forgets a removed board and leaves no sockets or timers behind when disposed', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const s = service();
    const { boardId } = await s.svc.startVirtual({ profile: 'rk3588-rock5b' });
    await s.svc.watch(boardId, 200);
    await expect
      .poll(() => s.events.filter((e) => e.type === 'telemetry').length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await s.svc.remove(boardId);
    expect(s.svc.list()).toEqual([]);
    expect(s.svc.listVirtual()).toEqual([]);
    await s.dispose();
    await new Promise((r) => setTimeout(r, 100));
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const count = (list: string[], type: string) => list.filter((r) => r === type).length;
    for (const type of ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'])
      expect(count(after, type)).toBeLessThanOrEqual(count(before, type));
  });
});
