/**
 * The Boards section from the real BoardsService: virtual boards (an ssh2 server speaking the
 * real protocol over a profile filesystem), live probes of connected boards, recorded
 * telemetry and connection errors, and RKNN verdicts for the .rknn models of recent runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardsService } from '../../../electron/boards/service';
import {
  BoardsRecorder,
  boardsProvider,
  type BoardsLike,
} from '../../../electron/diagnostics/boards';
import { buildReport } from '../../../electron/diagnostics/build';
import { DiagnosticsService } from '../../../electron/diagnostics/service';
import { HistoryStore } from '../../../electron/bench/history';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { latencies, runRecord, seedHistory } from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';
import { freePort } from '../../helpers/sshd';

let dir: string;
let boards: BoardsService;
let rock5b: string;
let zero3w: string;
let stopped: string;
let store: HistoryStore;
let models: { ok: string; tooNew: string };

beforeAll(async () => {
  dir = tempDir('coral-diag-boards-');
  boards = new BoardsService({ dataDir: dir, trackAdb: false, telemetryIntervalMs: 200 });
  rock5b = (await boards.startVirtual({ profile: 'rk3588-rock5b', adbPort: null, name: 'rock5b' }))
    .boardId;
  zero3w = (await boards.startVirtual({ profile: 'rk3566-zero3w', adbPort: null, name: 'zero3w' }))
    .boardId;
  // A board nobody answers for: a loopback port with no server behind it.
  stopped = boards.add({
    target: `ssh://tester@127.0.0.1:${await freePort()}`,
    name: 'unplugged',
  }).id;
  models = {
    ok: path.join(dir, 'yolo-rk3588.rknn'),
    tooNew: path.join(dir, 'yolo-rk3566-toolkit9.rknn'),
  };
  fs.writeFileSync(
    models.ok,
    buildRknnFile({ targetPlatform: ['rk3588'], toolkitVersion: '2.3.0' }),
  );
  fs.writeFileSync(
    models.tooNew,
    buildRknnFile({ targetPlatform: ['rk3566'], toolkitVersion: '9.0.0' }),
  );
  seedHistory(dir, [
    runRecord({
      id: 'r-ok',
      samples: latencies(20, 9),
      model: { path: models.ok, sha256: 'a'.repeat(64), size: 1, format: 'rknn' },
    }),
    runRecord({
      id: 'r-new',
      samples: latencies(20, 9),
      model: { path: models.tooNew, sha256: 'b'.repeat(64), size: 1, format: 'rknn' },
    }),
  ]);
  store = HistoryStore.open(HistoryStore.fileIn(dir));
}, 60_000);

afterAll(async () => {
  store?.close();
  await boards?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the Boards section', () => {
  it('probes connected boards live and checks the recent .rknn models against each', async () => {
    const svc = new DiagnosticsService({
      env: {},
      runtime: () => undefined as never,
      runs: store,
      boards,
    });
    await boards.connect(rock5b);
    await boards.connect(zero3w);
    const { report } = await svc.preview({ sections: { runtime: false, log: false, runs: false } });
    svc.dispose();
    if (report.boards.status !== 'ok') throw new Error(`boards: ${report.boards.status}`);
    const byName = Object.fromEntries(report.boards.data.boards.map((b) => [b.name, b]));
    expect(byName.rock5b.state).toBe('connected');
    expect(byName.rock5b.probe?.value).toMatchObject({ soc: 'rk3588', virtual: true });
    const verdicts = (name: string) =>
      Object.fromEntries(byName[name].compat.map((c) => [path.basename(c.subject), c.verdict]));
    expect(verdicts('rock5b')).toEqual({
      'yolo-rk3588.rknn': 'ok',
      'yolo-rk3566-toolkit9.rknn': 'error',
    });
    expect(verdicts('zero3w')['yolo-rk3566-toolkit9.rknn']).toBe('error');
    expect(byName.zero3w.compat.find((c) => c.subject === models.tooNew)?.message).toMatch(
      /librknnrt|runtime|toolkit/i,
    );
  });

  it('never dials a board that is not connected (no password prompt during an export)', async () => {
    let probes = 0;
    const spy: BoardsLike = {
      list: () => boards.list(),
      on: boards.on.bind(boards),
      probe: (...args) => {
        probes++;
        return boards.probe(...args);
      },
    };
    await boards.disconnect(zero3w);
    const { json } = await buildReport({ boards: boardsProvider(spy) });
    if (json.boards.status !== 'ok') throw new Error('boards missing');
    const zero = json.boards.data.boards.find((b) => b.name === 'zero3w')!;
    expect(zero.state).toBe('idle');
    expect(zero.probe?.value).toMatchObject({ soc: 'rk3566' }); // the stored summary
    expect(probes).toBe(json.boards.data.boards.filter((b) => b.state === 'connected').length);
  });

  it('keeps the last telemetry sample and the connection errors a board had before the export', async () => {
    const recorder = new BoardsRecorder(boards);
    await boards.watch(rock5b, 200);
    await expect.poll(() => recorder.lastTelemetry(rock5b), { timeout: 5000 }).not.toBeNull();
    await expect(boards.connect(stopped)).rejects.toMatchObject({
      code: expect.stringMatching(/^BOARD_/),
    });
    await expect
      .poll(() => recorder.recentErrors(stopped).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    boards.unwatch(rock5b);

    const { json } = await buildReport({ boards: boardsProvider(boards, { recorder }) });
    recorder.dispose();
    if (json.boards.status !== 'ok') throw new Error('boards missing');
    const rock = json.boards.data.boards.find((b) => b.name === 'rock5b')!;
    expect(rock.telemetry?.value).toMatchObject({ temperatures: expect.any(Array) });
    const unplugged = json.boards.data.boards.find((b) => b.name === 'unplugged');
    expect(unplugged?.errors.length ?? 0).toBeGreaterThan(0);
    expect(unplugged?.errors[0].code).toMatch(/^BOARD_/);
  });

  it('reports a connected board whose probe cannot finish inside that board, and the rest normally', async () => {
    await boards.connect(rock5b);
    const stuck: BoardsLike = {
      list: () => boards.list(),
      on: boards.on.bind(boards),
      probe: (id, opts) => (id === rock5b ? new Promise(() => {}) : boards.probe(id, opts)),
    };
    const { json } = await buildReport({ boards: boardsProvider(stuck) }, { boardTimeoutMs: 300 });
    if (json.boards.status !== 'ok') throw new Error('boards missing');
    const rock = json.boards.data.boards.find((b) => b.name === 'rock5b')!;
    expect(rock.error).toMatchObject({
      code: 'DIAG_SECTION_TIMEOUT',
      message: expect.stringContaining('rock5b'),
    });
    expect(rock.probe?.value).toMatchObject({ soc: 'rk3588' });
  });
});
