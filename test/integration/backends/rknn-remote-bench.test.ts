/**
 * The RKNN remote path end to end, against the virtual board over ssh (its ssh2 server) and
 * over the real Debian adb server (`adb connect` to the board's ADB side): compatibility check,
 * push, rknn_benchmark with live samples and NPU load, parsed stats, the history entry, the
 * clean-up on the board; cancel (the remote process is gone); a dropped connection (the board
 * stops mid-run) ends as `interrupted` with its samples.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceBoards, standaloneBoards } from '../../../electron/backends/rknn/remote/board-link';
import { builtinSources } from '../../../electron/bench/builtin-sources';
import { openHistory, type HistoryHandle } from '../../../electron/bench/history';
import { BenchService } from '../../../electron/bench/service';
import type { BenchEvent, RunRecord } from '../../../electron/bench/types';
import { BoardsService } from '../../../electron/boards/service';
import { VirtualBoard } from '../../../electron/boards/sim';
import { generateKeyPair } from '../../../electron/boards/sim/keys';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { adbAvailable, startAdbServer, type AdbServerHandle } from '../../helpers/adb';

let dir: string;
let keyFile: string;
let publicKey: string;
let history: HistoryHandle;
const cleanups: Array<() => Promise<void> | void> = [];

function model(name: string, target: string, toolkitVersion = '2.3.0'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, buildRknnFile({ targetPlatform: [target], toolkitVersion }));
  return file;
}

async function board(profile: string, opts: { adb?: boolean } = {}): Promise<VirtualBoard> {
  const vb = await VirtualBoard.start({
    profile,
    authorizedKeys: [publicKey],
    adbPort: opts.adb ? 0 : null,
  });
  cleanups.push(() => vb.stop());
  return vb;
}

function service(
  vb: VirtualBoard,
  opts: { env?: NodeJS.ProcessEnv; processEnv?: NodeJS.ProcessEnv } = {},
): { s: BenchService; events: BenchEvent[] } {
  const s = new BenchService({
    sources: builtinSources({
      rknn: {
        env: opts.env ?? {},
        boards: standaloneBoards({
          dataDir: dir,
          env: opts.processEnv ?? process.env,
          identityFile: keyFile,
          trustNewHost: vb.hostKeyFingerprint,
        }),
        remoteEnv: () => ({ CORAL_ENABLE_CAMERA: '0', CORAL_ENABLE_WEBRTC: '1' }),
        telemetryIntervalMs: 100,
      },
    }),
    history: { store: history.store, file: history.file },
  });
  const events: BenchEvent[] = [];
  s.subscribe((e) => events.push(e));
  cleanups.push(async () => {
    // the history is shared by every test: close it once, in afterAll
    await Promise.all(s.active().map((r) => s.cancel(r.runId)));
  });
  return { s, events };
}

const batches = (events: BenchEvent[]) =>
  events.filter((e): e is Extract<BenchEvent, { type: 'batch' }> => e.type === 'batch');

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a shell on the board says (through the board's own shell, as root). */
async function onBoard(vb: VirtualBoard, command: string): Promise<string> {
  let out = '';
  const run = vb.board.run(command, {
    user: { name: 'root', uid: 0, home: '/root' },
    onStdout: (d) => (out += d.toString()),
    onStderr: (d) => (out += d.toString()),
  });
  await run.done;
  return out.trim();
}

function expectCompleteRun(r: RunRecord, loops: number, soc: string): void {
  expect(r.status).toBe('finished');
  expect(r.adapter).toBe('rknn');
  expect(r.sampleCount).toBe(loops);
  expect(r.stats.count).toBe(loops);
  expect(r.stats.mean).toBeGreaterThan(0);
  expect(r.extra.logAvgMs).toBeCloseTo(r.stats.mean as number, 1);
  expect(r.extra.complete).toBe(true);
  expect(r.extra.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect((r.extra.warmup as number[]).length).toBe(5);
  expect((r.extra.inputs as unknown[]).length).toBeGreaterThan(0);
  expect(r.extra.board).toMatchObject({ soc, virtual: true });
  expect(r.extra.probe).toMatchObject({ soc });
  expect(r.extra.compatibility).toMatchObject({ verdict: 'ok' });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-rknn-remote-'));
  const pair = generateKeyPair('coral-test-client');
  keyFile = path.join(dir, 'client_ed25519');
  fs.writeFileSync(keyFile, pair.privateKey, { mode: 0o600 });
  publicKey = pair.publicKey;
  history = openHistory(dir);
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(() => {
  history.store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rknn benchmark on a virtual board over ssh', () => {
  it('pushes, runs, streams samples and NPU load, parses, stores and cleans up', async () => {
    const vb = await board('rk3588-rock5b');
    const { s, events } = service(vb);
    const file = model('yolo-3588.rknn', 'rk3588');
    const target = vb.targets().ssh as string;
    const { runId } = await s.start({
      adapter: 'rknn',
      model: file,
      target,
      options: { iterations: 60, coreMask: 7 },
    });
    const r = await s.wait(runId);

    expectCompleteRun(r, 60, 'rk3588');
    expect(r.target).toBe(target);
    expect(r.options.coreMask).toBe(7);
    // live: samples arrived in several batches before the end, with the phases in order
    const withSamples = batches(events).filter((b) => b.samples.length > 0);
    expect(withSamples.length).toBeGreaterThan(1);
    const phases = batches(events).map((b) => b.phase);
    expect(phases.indexOf('prepare')).toBeLessThan(phases.indexOf('measure'));
    const gauges = batches(events).flatMap((b) => b.gauges ?? []);
    expect(gauges.some((g) => g.name === 'push' && g.values[0] === 1)).toBe(true);
    const npu = gauges.filter((g) => g.name === 'npu');
    expect(npu.length).toBeGreaterThan(0);
    expect(npu[0].values).toHaveLength(3);
    // core mask 7 keeps all three cores busy
    const load = r.extra.npuLoad as { summary: Array<{ mean: number }>; t: number[] };
    expect(load.t.length).toBeGreaterThan(0);
    expect(load.summary.map((c) => c.mean).every((m) => m > 50)).toBe(true);
    // in the history, with the board's identity and probe
    const stored = history.store?.get(runId, { samples: true });
    expect(stored?.status).toBe('finished');
    expect(stored?.samples?.length).toBe(60);
    expect(stored?.extra.board).toMatchObject({ soc: 'rk3588', target });
    // nothing left on the board
    expect(await onBoard(vb, 'ls /tmp/coral')).toBe('');
    expect(await onBoard(vb, 'pidof rknn_benchmark || echo none')).toBe('none');
  });

  it('runs the configured rknn_benchmark with the board-runtime flags as CORAL_ENABLE_*', async () => {
    const vb = await board('rk3588-rock5b');
    await onBoard(
      vb,
      `printf '#!/bin/sh\\nenv > /tmp/seen-env\\nexec /usr/bin/rknn_benchmark "$1" "$2" "$3"\\n' > /userdata/bench.sh && chmod +x /userdata/bench.sh`,
    );
    const { s } = service(vb, { env: { CORAL_RKNN_BENCHMARK: '/userdata/bench.sh' } });
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('env.rknn', 'rk3588'),
      target: vb.targets().ssh as string,
      options: { iterations: 5 },
    });
    const r = await s.wait(runId);
    expect(r.status).toBe('finished');
    expect(r.extra.benchmarkTool).toEqual({ path: '/userdata/bench.sh', found: 'configured' });
    const seen = await onBoard(vb, 'cat /tmp/seen-env');
    expect(seen).toContain('CORAL_ENABLE_CAMERA=0');
    expect(seen).toContain('CORAL_ENABLE_WEBRTC=1');
  });

  it('refuses a model built for another SoC before anything is pushed', async () => {
    const vb = await board('rk3566-zero3w');
    const { s } = service(vb);
    await expect(
      s.start({
        adapter: 'rknn',
        model: model('wrong-soc.rknn', 'rk3588'),
        target: vb.targets().ssh as string,
        options: { iterations: 5 },
      }),
    ).rejects.toMatchObject({
      code: 'RKNN_INCOMPATIBLE',
      message: expect.stringContaining('rk3566'),
    });
    expect(await onBoard(vb, 'ls /tmp/coral 2>&1')).toMatch(/No such file/);
  });

  it('refuses core mask 7 on a one-core NPU and names the masks that work', async () => {
    const vb = await board('rk3566-zero3w');
    const { s } = service(vb);
    await expect(
      s.start({
        adapter: 'rknn',
        model: model('mask.rknn', 'rk3566', '1.6.0'),
        target: vb.targets().ssh as string,
        options: { iterations: 5, coreMask: 7 },
      }),
    ).rejects.toMatchObject({
      code: 'RKNN_INCOMPATIBLE',
      message: expect.stringMatching(/Core mask 7.*rk3566 has 1/),
      hint: expect.stringContaining('0, 1'),
    });
  });

  it('says how to get rknn_benchmark when the board has none', async () => {
    const vb = await board('rk3588-rock5b');
    await onBoard(vb, 'rm -f /usr/bin/rknn_benchmark');
    const { s } = service(vb);
    await expect(
      s.start({
        adapter: 'rknn',
        model: model('no-tool.rknn', 'rk3588'),
        target: vb.targets().ssh as string,
        options: { iterations: 5 },
      }),
    ).rejects.toMatchObject({
      code: 'RKNN_BENCHMARK_NOT_FOUND',
      hint: expect.stringContaining('rknpu2/examples/rknn_benchmark'),
    });
  });

  it('cancel kills rknn_benchmark on the board and keeps the samples so far', async () => {
    const vb = await board('rk3588-rock5b');
    const { s, events } = service(vb);
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('long.rknn', 'rk3588'),
      target: vb.targets().ssh as string,
      options: { iterations: 100_000 },
    });
    await waitFor(() => batches(events).some((b) => b.total >= 20), '20 samples');
    expect(await onBoard(vb, 'pidof rknn_benchmark')).toMatch(/^\d+/);
    s.cancel(runId);
    const r = await s.wait(runId);
    expect(r.status).toBe('cancelled');
    expect(r.sampleCount).toBeGreaterThanOrEqual(20);
    expect(await onBoard(vb, 'pidof rknn_benchmark || echo none')).toBe('none');
    expect(await onBoard(vb, 'ls /tmp/coral')).toBe('');
    expect(history.store?.get(runId).status).toBe('cancelled');
  });

  it('a board that goes away mid-run ends the run as interrupted with its samples', async () => {
    const vb = await board('rk3588-rock5b');
    const { s, events } = service(vb);
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('drop.rknn', 'rk3588'),
      target: vb.targets().ssh as string,
      options: { iterations: 100_000 },
    });
    await waitFor(() => batches(events).some((b) => b.total >= 20), '20 samples');
    await vb.stop();
    const r = await s.wait(runId);
    expect(r.status).toBe('interrupted');
    expect(r.error?.code).toBe('BOARD_DISCONNECTED');
    expect(r.sampleCount).toBeGreaterThanOrEqual(20);
    expect(r.warnings.join('\n')).toMatch(/Left \/tmp\/coral\/run-\w+ on board/);
    const stored = history.store?.get(runId, { samples: true });
    expect(stored?.status).toBe('interrupted');
    expect(stored?.samples?.length).toBe(r.sampleCount);
  });
});

describe.skipIf(!adbAvailable())(
  'rknn benchmark on a virtual board over the real adb server',
  () => {
    let adb: AdbServerHandle;

    beforeAll(async () => {
      adb = await startAdbServer();
    }, 30_000);

    afterAll(async () => {
      await adb?.stop();
    });

    async function adbBoard(profile: string): Promise<{ vb: VirtualBoard; target: string }> {
      const vb = await board(profile, { adb: true });
      const serial = `127.0.0.1:${vb.adbPort}`;
      const c = await adb.adb('connect', serial);
      expect(c.stdout + c.stderr).toMatch(/connected to/);
      cleanups.push(async () => {
        await adb.adb('disconnect', serial);
      });
      return { vb, target: `adb:${serial}` };
    }

    it('pushes, runs, streams samples, parses, stores and cleans up', async () => {
      const { vb, target } = await adbBoard('rk3566-zero3w');
      const { s, events } = service(vb, { processEnv: adb.env });
      const { runId } = await s.start({
        adapter: 'rknn',
        model: model('mobilenet-3566.rknn', 'rk3566', '1.6.0'),
        target,
        options: { iterations: 40 },
      });
      const r = await s.wait(runId);
      expectCompleteRun(r, 40, 'rk3566');
      expect(r.target).toBe(target);
      expect((r.extra.board as { transport: string }).transport).toBe('adb');
      expect(batches(events).filter((b) => b.samples.length > 0).length).toBeGreaterThan(1);
      // one core, read as root over adb
      const npu = batches(events)
        .flatMap((b) => b.gauges ?? [])
        .filter((g) => g.name === 'npu');
      expect(npu.length).toBeGreaterThan(0);
      expect(npu[0].values).toHaveLength(1);
      expect(history.store?.get(runId).extra.board).toMatchObject({ soc: 'rk3566' });
      expect(await onBoard(vb, 'ls /tmp/coral')).toBe('');
    });

    it('cancel kills rknn_benchmark on the board', async () => {
      const { vb, target } = await adbBoard('rk3588-rock5b');
      const { s, events } = service(vb, { processEnv: adb.env });
      const { runId } = await s.start({
        adapter: 'rknn',
        model: model('long-adb.rknn', 'rk3588'),
        target,
        options: { iterations: 100_000, coreMask: 1 },
      });
      await waitFor(() => batches(events).some((b) => b.total >= 10), '10 samples');
      s.cancel(runId);
      const r = await s.wait(runId);
      expect(r.status).toBe('cancelled');
      expect(r.sampleCount).toBeGreaterThanOrEqual(10);
      expect(await onBoard(vb, 'pidof rknn_benchmark || echo none')).toBe('none');
      expect(await onBoard(vb, 'ls /tmp/coral')).toBe('');
    });

    it('a board that goes away mid-run ends the run as interrupted with its samples', async () => {
      const { vb, target } = await adbBoard('rk3588-rock5b');
      const { s, events } = service(vb, { processEnv: adb.env });
      const { runId } = await s.start({
        adapter: 'rknn',
        model: model('drop-adb.rknn', 'rk3588'),
        target,
        options: { iterations: 100_000 },
      });
      await waitFor(() => batches(events).some((b) => b.total >= 10), '10 samples');
      await vb.stop();
      const r = await s.wait(runId);
      expect(r.status).toBe('interrupted');
      expect(r.error?.code).toBe('BOARD_DISCONNECTED');
      expect(r.sampleCount).toBeGreaterThanOrEqual(10);
      expect(history.store?.get(runId).status).toBe('interrupted');
    });
  },
);

describe("rknn benchmark through the app's BoardsService", () => {
  it('runs on a saved virtual board, stores its id as the target and keeps the connection', async () => {
    const boards = new BoardsService({ dataDir: dir, trackAdb: false });
    cleanups.push(() => boards.dispose());
    const vb = await boards.startVirtual({ profile: 'rv1106-luckfox-pico', adbPort: null });
    const s = new BenchService({
      sources: builtinSources({ rknn: { env: {}, boards: serviceBoards(boards) } }),
      history: { store: history.store, file: history.file },
    });
    const name = boards.list().find((b) => b.id === vb.boardId)?.name as string;
    const { runId } = await s.start({
      adapter: 'rknn',
      model: model('pico.rknn', 'rv1106', '1.6.0'),
      target: name,
      options: { iterations: 8 },
    });
    const r = await s.wait(runId);
    expect(r.status).toBe('finished');
    expect(r.target).toBe(vb.boardId);
    expect(r.extra.board).toMatchObject({ id: vb.boardId, name, soc: 'rv1106' });
    expect(boards.list().find((b) => b.id === vb.boardId)).toMatchObject({
      state: 'connected',
      lastProbe: { soc: 'rv1106' },
    });
    await expect(
      s.start({ adapter: 'rknn', model: r.model.path, target: 'no-such-board' }),
    ).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
  });
});
