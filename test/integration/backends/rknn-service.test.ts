/**
 * RknnService (what rknn.targets and rknn.check answer) over the app's BoardsService and a
 * virtual board: the targets list, and the verdict before Start, from the board itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RknnService } from '../../../electron/backends/rknn/service';
import { openHistory } from '../../../electron/bench/history';
import { BoardsService } from '../../../electron/boards/service';
import { buildRknnFile } from '../../../scripts/make-rknn';

let dir: string;
let boards: BoardsService;
let rknn: RknnService;
let rock5b: string;
let zero3w: string;

function model(name: string, target: string, toolkitVersion = '2.3.0'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, buildRknnFile({ targetPlatform: [target], toolkitVersion }));
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-rknn-service-'));
  boards = new BoardsService({ dataDir: dir, trackAdb: false });
  rock5b = (await boards.startVirtual({ profile: 'rk3588-rock5b', adbPort: null })).boardId;
  zero3w = (await boards.startVirtual({ profile: 'rk3566-zero3w', adbPort: null })).boardId;
  rknn = new RknnService({ boards, env: { CORAL_RKNN_LIB: path.join(dir, 'no-librknnrt.so') } });
});

afterAll(async () => {
  await boards.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RknnService', () => {
  it('lists this machine (with why it cannot run models) and every saved board', () => {
    const targets = rknn.targets();
    expect(targets[0]).toMatchObject({ id: 'local', kind: 'local', available: false });
    expect(targets[0].reason).toBeTruthy();
    expect(
      targets
        .slice(1)
        .map((t) => t.id)
        .sort(),
    ).toEqual([rock5b, zero3w].sort());
    expect(targets.find((t) => t.id === rock5b)).toMatchObject({ kind: 'virtual', virtual: true });
  });

  it('checks a model against a board it probes: ok, with the board facts and the tool', async () => {
    const r = await rknn.check({ model: model('ok.rknn', 'rk3588'), target: rock5b, coreMask: 7 });
    expect(r.verdict).toBe('ok');
    expect(r.board).toMatchObject({ soc: 'rk3588', npuCores: 3, virtual: true });
    expect(r.benchmark).toEqual({ path: '/usr/bin/rknn_benchmark' });
    expect(r.npuLoadUnavailable).toBeNull();
    // the probe is remembered for the targets list
    expect(rknn.targets().find((t) => t.id === rock5b)?.soc).toBe('rk3588');
  });

  it('warns about a model from a newer patch release of the toolkit', async () => {
    const r = await rknn.check({ model: model('patch.rknn', 'rk3566', '1.6.2'), target: zero3w });
    expect(r.verdict).toBe('warning');
    expect(r.findings.map((f) => f.code)).toContain('RKNN_RUNTIME_PATCH_OLDER');
  });

  it('gives the error verdict with the fix for a model built for another SoC', async () => {
    const r = await rknn.check({ model: model('bad.rknn', 'rk3588'), target: zero3w });
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/built for rk3588 but board .* is rk3566/);
    expect(r.hint).toContain("target_platform='rk3566'");
  });

  it('turns a missing rknn_benchmark into an error verdict before Start', async () => {
    const env = { CORAL_RKNN_BENCHMARK: '/nowhere/rknn_benchmark' };
    const r = await new RknnService({ boards, env }).check({
      model: model('tool.rknn', 'rk3588'),
      target: rock5b,
    });
    expect(r.verdict).toBe('error');
    expect(r.findings.at(-1)).toMatchObject({ code: 'RKNN_BENCHMARK_NOT_FOUND' });
    expect(r.benchmark).toMatchObject({ error: { code: 'RKNN_BENCHMARK_NOT_FOUND' } });
  });

  it('says this machine cannot run the model when its NPU path is unavailable', async () => {
    const r = await rknn.check({ model: model('local.rknn', 'rk3588'), target: 'local' });
    expect(r.verdict).toBe('error');
    expect(r.findings[0].code).toBe('RKNN_LOCAL_UNAVAILABLE');
  });

  it('refuses an impossible core mask without connecting', async () => {
    await expect(
      rknn.check({ model: model('m.rknn', 'rk3588'), target: 'nowhere', coreMask: 5 }),
    ).rejects.toMatchObject({ code: 'RKNN_CORE_MASK_INVALID' });
  });
});

describe('RknnService.importLog', () => {
  const logs = path.resolve('test/fixtures/rknn-benchmark');

  it('stores an uploaded rknn_benchmark log as a run of the board it came from', () => {
    const history = openHistory(dir);
    try {
      const service = new RknnService({ boards, history });
      const bytes = fs.readFileSync(path.join(logs, 'rk3588-yolov5s-2.3.0-core7.txt'));
      const r = service.importLog({ name: 'yolo.log', bytes, board: 'rock5b' });
      expect(r).toMatchObject({ status: 'finished', samples: 10, meanMs: 13.77, fps: 72.617 });
      const stored = history.store?.get(r.runId as string);
      expect(stored).toMatchObject({ adapter: 'rknn', target: 'rock5b', status: 'finished' });
    } finally {
      history.store?.close();
    }
  });

  it('parses but does not store when runs are not being saved, and says why', () => {
    const service = new RknnService({
      boards,
      history: null,
      saving: () => 'the flag metric_sink is off',
    });
    const bytes = fs.readFileSync(path.join(logs, 'rk3566-mobilenet-1.4.0.txt'));
    const r = service.importLog({ name: 'm.log', bytes });
    expect(r.runId).toBeNull();
    expect(r.notSavedReason).toBe('the flag metric_sink is off');
  });

  it('explains a file that is not a log (an HTML page) with the file named', () => {
    const service = new RknnService({ boards });
    const bytes = fs.readFileSync(path.join(logs, 'html-page.txt'));
    expect(() => service.importLog({ name: 'page.log', bytes })).toThrow(/page\.log/);
  });
});
