/**
 * The ADB transport with the REAL Debian adb server (private port) talking to the virtual
 * board's device side over TCP, as it would to a board on the network.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdbServer, type AdbDeviceEvent } from '../../../electron/boards/adb/server';
import { AdbTransport } from '../../../electron/boards/adb/transport';
import { probe } from '../../../electron/boards/probe';
import { VirtualBoard } from '../../../electron/boards/sim';
import { loadProfile } from '../../../electron/boards/sim/profile';
import { PROFILES_DIR, tempDir } from '../../helpers/boards';
import { startAdbServer, type AdbServerHandle } from '../../helpers/adb';

let srv: AdbServerHandle;
let dir: string;
const cleanup: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  srv = await startAdbServer();
  dir = tempDir('coral-adb-');
}, 60_000);
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
afterAll(async () => {
  await srv?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function setup(profile = 'rk3566-zero3w', opts: { adbAuth?: 'none' | 'deny' } = {}) {
  const vb = await VirtualBoard.start({
    profile: path.join(PROFILES_DIR, profile),
    sshPort: null,
    ...opts,
  });
  cleanup.push(() => vb.stop());
  const server = new AdbServer({ env: srv.env });
  cleanup.push(() => server.dispose());
  const events: AdbDeviceEvent[] = [];
  const tracker = server.trackDevices();
  tracker.on('device', (e: AdbDeviceEvent) => events.push(e));
  await new Promise<void>((r) => tracker.once('ready', () => r()));
  const t = new AdbTransport({
    server,
    tcp: { host: '127.0.0.1', port: vb.adbPort as number },
    readyTimeoutMs: 8000,
  });
  cleanup.push(() => t.close());
  cleanup.push(() => srv.adb('disconnect', `127.0.0.1:${vb.adbPort}`));
  return { vb, server, t, events, serial: `127.0.0.1:${vb.adbPort}` };
}

describe('adb (real adb server ↔ virtual board)', () => {
  it('lists the board as a device, live, with the model it announces', async () => {
    const { t, events, serial } = await setup();
    await t.connect();
    await expect
      .poll(() => events.some((e) => e.device.serial === serial && e.device.state === 'device'), {
        timeout: 10_000,
      })
      .toBe(true);
    const listed = await srv.adb('devices', '-l');
    expect(listed.stdout).toMatch(
      new RegExp(
        `${serial.replace(/\./g, '\\.')}\\s+device product:zero3 model:ZERO_3W device:rk3566`,
      ),
    );
  });

  it('probes the board over adb', async () => {
    const { t } = await setup('rv1106-luckfox-pico');
    const { profile } = loadProfile(path.join(PROFILES_DIR, 'rv1106-luckfox-pico'));
    const r = await probe(t);
    expect(r).toMatchObject({ transport: 'adb', soc: 'rv1106', virtual: true, warnings: [] });
    expect(r.runtime.librknnrt).toBe(profile.runtime.librknnrt);
  });

  it('runs commands with their exit code, env and output (stderr merged, shell protocol v1)', async () => {
    const { t } = await setup();
    const r = await t.exec('echo "out $CORAL_ENABLE_CAMERA"; echo err >&2; exit 9', {
      env: { CORAL_ENABLE_CAMERA: '1' },
    });
    expect(r).toMatchObject({ code: 9, stdout: 'out 1\nerr\n', stderr: '' });
    expect(r.pid).toBeGreaterThan(0);
  });

  it('pushes 20 MB with progress and the same sha256 on the board, and pulls it back', async () => {
    const { t } = await setup('rk3588-rock5b');
    const local = path.join(dir, 'model.bin');
    fs.writeFileSync(local, crypto.randomBytes(20 * 1024 * 1024));
    const want = crypto.createHash('sha256').update(fs.readFileSync(local)).digest('hex');
    const progress: number[] = [];
    const r = await t.push(local, '/data/local/tmp/coral/model.bin', {
      verify: true,
      onProgress: (p) => progress.push(p.bytes),
    });
    expect(r).toMatchObject({ bytes: 20 * 1024 * 1024, sha256: want });
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(20 * 1024 * 1024);
    expect((await t.exec('sha256sum /data/local/tmp/coral/model.bin')).stdout.split(' ')[0]).toBe(
      want,
    );
    const back = path.join(dir, 'back.bin');
    await t.pull('/data/local/tmp/coral/model.bin', back);
    expect(crypto.createHash('sha256').update(fs.readFileSync(back)).digest('hex')).toBe(want);
  });

  it('kills the process on the board when the caller aborts', async () => {
    const { t } = await setup();
    const controller = new AbortController();
    const running = t.exec('sleep 30', { signal: controller.signal });
    await expect.poll(async () => (await t.exec('pidof sleep')).code, { timeout: 5000 }).toBe(0);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect.poll(async () => (await t.exec('pidof sleep')).code, { timeout: 5000 }).toBe(1);
  });

  it('sees the board go away when the virtual board stops: running commands fail and the device leaves', async () => {
    const { vb, t, events, serial } = await setup();
    await t.connect();
    const running = t.exec('sleep 30');
    await new Promise((r) => setTimeout(r, 300));
    await vb.stop();
    await expect(running).rejects.toMatchObject({ code: 'BOARD_DISCONNECTED' });
    await expect.poll(() => t.state, { timeout: 10_000 }).toBe('reconnecting');
    // adb keeps a network device it lost as `offline` while it retries; disconnecting removes it
    await expect
      .poll(async () => (await srv.adb('devices')).stdout, { timeout: 10_000 })
      .toMatch(new RegExp(`${serial.replace(/\./g, '\\.')}\\s+offline`));
    await srv.adb('disconnect', serial);
    await expect
      .poll(() => events.some((e) => e.device.serial === serial && e.type === 'remove'), {
        timeout: 10_000,
      })
      .toBe(true);
  });

  it('shows an unauthorized device with what to do about it', async () => {
    const { t, events, serial } = await setup('rk3588-rock5b', { adbAuth: 'deny' });
    await expect(t.connect()).rejects.toMatchObject({
      code: 'ADB_DEVICE_UNAUTHORIZED',
      hint: expect.stringContaining('adb_keys'),
    });
    await expect
      .poll(
        () =>
          events.find((e) => e.device.serial === serial && e.device.state === 'unauthorized')
            ?.device.message,
        { timeout: 10_000 },
      )
      .toMatch(/not authorized/);
  });

  it('reports an adb binary whose version differs from the running server', async () => {
    const fake = path.join(dir, 'old-adb');
    fs.writeFileSync(
      fake,
      '#!/bin/sh\necho "Android Debug Bridge version 1.0.39"\necho "Version 0.0.1-rknn-toolkit"\n',
      { mode: 0o755 },
    );
    const status = await new AdbServer({ env: { ...srv.env, CORAL_ADB: fake } }).status();
    expect(status).toMatchObject({ serverVersion: 41, clientVersion: 39 });
    expect(status.conflict?.message).toMatch(/version 41.*version 39/);
    expect(status.conflict?.hint).toMatch(/kill-server/);
    expect((await new AdbServer({ env: srv.env }).status()).conflict).toBeUndefined();
  });

  it('resumes tracking by itself when the adb server is restarted', async () => {
    const { t, server } = await setup();
    await t.connect();
    const tracker = server.trackDevices();
    const seen: string[] = [];
    tracker.on('server-lost', () => seen.push('lost'));
    tracker.on('server-restarted', () => seen.push('restarted'));
    await srv.adb('kill-server');
    await expect.poll(() => seen, { timeout: 20_000 }).toEqual(['lost', 'restarted']);
    expect((await server.status()).serverVersion).toBe(41);
  });
});
