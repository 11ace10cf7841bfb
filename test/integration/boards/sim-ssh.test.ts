/**
 * Virtual boards over SSH: the ssh2 server side of the sim, driven by the real SSH transport.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../electron/boards/connect';
import { probe } from '../../../electron/boards/probe';
import { VirtualBoard } from '../../../electron/boards/sim';
import { loadProfile } from '../../../electron/boards/sim/profile';
import { generateKeyPair } from '../../../electron/boards/sim/keys';
import { TelemetryWatcher, type TelemetrySample } from '../../../electron/boards/telemetry';
import type { Transport } from '../../../electron/boards/types';
import { PROFILES_DIR, SHIPPED_PROFILES, tempDir } from '../../helpers/boards';

let dir: string;
let keyFile: string;
const client = generateKeyPair();

beforeAll(() => {
  dir = tempDir('coral-sim-ssh-');
  keyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(keyFile, client.privateKey, { mode: 0o600 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withBoard<T>(
  profile: string,
  fn: (vb: VirtualBoard, t: (user?: string, extra?: object) => Transport) => Promise<T>,
  opts: { password?: string } = {},
): Promise<T> {
  const vb = await VirtualBoard.start({
    profile: path.join(PROFILES_DIR, profile),
    authorizedKeys: [client.publicKey],
    adbPort: null,
    ...opts,
  });
  const transports: Transport[] = [];
  try {
    return await fn(vb, (user = 'root', extra = {}) => {
      const t = createTransport(`ssh://${user}@127.0.0.1:${vb.sshPort}`, {
        dataDir: dir,
        env: { HOME: dir },
        identityFile: keyFile,
        trustNewHost: vb.hostKeyFingerprint,
        ...extra,
      });
      transports.push(t);
      return t;
    });
  } finally {
    await Promise.all(transports.map((t) => t.close()));
    await vb.stop();
  }
}

describe('virtual boards over ssh', () => {
  for (const id of SHIPPED_PROFILES) {
    it(`${id}: the probe over ssh reports what the profile says`, async () => {
      const { profile } = loadProfile(path.join(PROFILES_DIR, id));
      await withBoard(id, async (_vb, t) => {
        const r = await probe(t());
        expect(r).toMatchObject({
          soc: profile.soc,
          virtual: true,
          transport: 'ssh',
          warnings: [],
        });
        expect(r.npu).toMatchObject({
          cores: profile.npuCores,
          driverVersion: profile.runtime.driver,
        });
        expect(r.runtime.librknnrt).toBe(profile.runtime.librknnrt);
        expect(r.kernel.release).toBe(profile.kernel.release);
      });
    });
  }

  it('shows a non-root login that the NPU driver version needs root', async () => {
    await withBoard('rk3566-zero3w', async (_vb, t) => {
      const r = await probe(t('radxa'));
      expect(r.npu).toMatchObject({ driverVersion: 'needs root' });
      expect(r.user.root).toBe(false);
    });
  });

  it('accepts its configured password through the prompt and refuses a wrong one', async () => {
    await withBoard(
      'rv1106-luckfox-pico',
      async (_vb, t) => {
        const asked: string[] = [];
        const ok = t('root', {
          identityFile: path.join(dir, 'no-such-key'),
          prompt: async (r: { kind: string }) => (asked.push(r.kind), 'pico-secret'),
        });
        expect((await ok.exec('id -u')).stdout).toBe('0\n');
        expect(asked).toEqual(['password']);
        const bad = t('root', {
          identityFile: path.join(dir, 'no-such-key'),
          prompt: async () => 'wrong',
        });
        await expect(bad.connect()).rejects.toMatchObject({ code: 'BOARD_AUTH_FAILED' });
      },
      { password: 'pico-secret' },
    );
  });

  it('runs rknn_benchmark streaming its iterations, and cancel kills it on the board', async () => {
    await withBoard('rk3588-rock5b', async (_vb, t) => {
      const tr = t();
      await tr.push(
        path.resolve(__dirname, '../../fixtures/rknn-models/yolov5s-rk3588.rknn'),
        '/tmp/coral/model.rknn',
        { verify: true },
      );
      let text = '';
      const controller = new AbortController();
      const run = tr.exec('rknn_benchmark /tmp/coral/model.rknn "" 10000 7', {
        signal: controller.signal,
        onStdout: (d) => {
          text += d.toString();
          if ((text.match(/Elapse Time/g) ?? []).length >= 8) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(text).toMatch(/^Warmup \.\.\.$/m);
      expect(text).toMatch(/^Begin perf \.\.\.$/m);
      await expect
        .poll(async () => (await tr.exec('pidof rknn_benchmark')).code, { timeout: 5000 })
        .toBe(1);
    });
  });

  it('reports live telemetry at the requested rate with the NPU busy during a run', async () => {
    await withBoard('rk3588-rock5b', async (_vb, t) => {
      const tr = t();
      await tr.push(
        path.resolve(__dirname, '../../fixtures/rknn-models/yolov5s-rk3588.rknn'),
        '/tmp/m.rknn',
      );
      const samples: TelemetrySample[] = [];
      const w = new TelemetryWatcher(tr, {
        intervalMs: 250,
        onSample: (s) => samples.push(s),
      }).start();
      const bench = tr.exec('rknn_benchmark /tmp/m.rknn "" 150 7').catch(() => null);
      await new Promise((r) => setTimeout(r, 1600));
      w.dispose();
      await bench;
      expect(samples.length).toBeGreaterThanOrEqual(4);
      expect(samples.some((s) => s.npu?.every((c) => c.percent > 50))).toBe(true);
      expect(samples.at(-1)?.cpu?.perCore).toHaveLength(8);
    });
  });

  it('transfers files both ways over its SFTP server byte for byte', async () => {
    await withBoard('rv1106-luckfox-pico', async (_vb, t) => {
      const tr = t();
      const local = path.join(dir, 'blob.bin');
      fs.writeFileSync(local, crypto.randomBytes(3 * 1024 * 1024 + 7));
      await tr.push(local, '/userdata/blob.bin', { verify: true });
      const back = path.join(dir, 'blob.back');
      await tr.pull('/userdata/blob.bin', back);
      expect(fs.readFileSync(back).equals(fs.readFileSync(local))).toBe(true);
      await expect(tr.pull('/userdata/missing.bin', back)).rejects.toMatchObject({
        code: 'BOARD_TRANSFER_FAILED',
      });
    });
  });
});
