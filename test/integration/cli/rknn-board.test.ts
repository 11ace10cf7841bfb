/**
 * `coral bench MODEL.rknn --board TARGET` and `coral rknn check MODEL --board TARGET`, spawned
 * as real processes against a virtual board served by this test process over ssh.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualBoard } from '../../../electron/boards/sim';
import { generateKeyPair } from '../../../electron/boards/sim/keys';
import { buildRknnFile } from '../../../scripts/make-rknn';
import { runCoral } from '../../helpers/cli';

let dir: string;
let keyFile: string;
let rock5b: VirtualBoard;
let zero3w: VirtualBoard;
let yolo: string;

const env = () => ({ CORAL_DATA_DIR: path.join(dir, 'data') });
const coral = (args: string[]) => runCoral(args, { env: env(), timeoutMs: 120_000 });
const login = () => ['--trust-new-host', '-i', keyFile];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-cli-rknn-board-'));
  const pair = generateKeyPair('coral-cli-test');
  keyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(keyFile, pair.privateKey, { mode: 0o600 });
  rock5b = await VirtualBoard.start({
    profile: 'rk3588-rock5b',
    authorizedKeys: [pair.publicKey],
    adbPort: null,
  });
  zero3w = await VirtualBoard.start({
    profile: 'rk3566-zero3w',
    authorizedKeys: [pair.publicKey],
    adbPort: null,
  });
  yolo = path.join(dir, 'yolov5s.rknn');
  fs.writeFileSync(yolo, buildRknnFile({ targetPlatform: ['rk3588'], toolkitVersion: '2.3.0' }));
});

afterAll(async () => {
  await rock5b?.stop();
  await zero3w?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('coral bench MODEL.rknn --board', () => {
  it('--json prints the run on the board (loops, core mask, board, NPU load) and stores it', async () => {
    const target = rock5b.targets().ssh as string;
    const r = await coral([
      'bench',
      yolo,
      '--board',
      target,
      '--loops',
      '30',
      '--core-mask',
      '3',
      '--json',
      ...login(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run).toMatchObject({
      status: 'finished',
      adapter: 'rknn',
      target,
      samples: 30,
      saved: true,
      options: { iterations: 30, coreMask: 3, warmup: 5 },
      extra: {
        board: { soc: 'rk3588', virtual: true },
        benchmarkTool: { path: '/usr/bin/rknn_benchmark' },
        complete: true,
      },
    });
    expect(run.stats.mean).toBeGreaterThan(0);
    expect(run.extra.npuLoad.summary).toHaveLength(3);
    expect(run.extra.probe.runtime.librknnrt).toMatch(/^2\.3\.0/);

    const list = await coral(['runs', 'list', '--target', target, '--json']);
    expect(JSON.parse(list.stdout).map((x: { id: string }) => x.id)).toContain(run.id);
    expect(await ls(rock5b, '/tmp/coral')).toEqual([]);
  });

  it('prints the board, the tool and NPU load for people', async () => {
    const r = await coral([
      'bench',
      yolo,
      '--board',
      rock5b.targets().ssh as string,
      '--loops',
      '10',
      ...login(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Board {6}.*\(virtual\): rk3588, librknnrt 2\.3\.0/);
    expect(r.stdout).toContain('Tool       /usr/bin/rknn_benchmark');
    expect(r.stdout).toMatch(/Options {4}10 loops \(\+5 warm-up\), core mask default/);
    expect(r.stdout).toMatch(/NPU load {3}core0 \d+%/);
    expect(r.stdout).toMatch(/rknn_benchmark {2}Avg Time \d+\.\d\d ms/);
  });

  it('refuses an incompatible model with the fix, and exits 1 without running', async () => {
    const r = await coral(['bench', yolo, '--board', zero3w.targets().ssh as string, ...login()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: Model yolov5s\.rknn is built for rk3588 but board .* is rk3566/,
    );
    expect(r.stderr).toContain(
      "hint: Convert the model again with rknn.config(target_platform='rk3566')",
    );
  });

  it('is a usage error to run an ONNX model on a board', async () => {
    const onnx = path.join(dir, 'm.onnx');
    fs.writeFileSync(onnx, 'x');
    const r = await coral(['bench', onnx, '--board', rock5b.targets().ssh as string]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--board runs .rknn models on a board');
  });

  it('refuses an unknown host key unless told to trust it', async () => {
    const fresh = { CORAL_DATA_DIR: path.join(dir, 'fresh-data') };
    const r = await runCoral(
      ['bench', yolo, '--board', rock5b.targets().ssh as string, '-i', keyFile],
      { env: fresh, timeoutMs: 60_000 },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/host key|--trust-new-host/i);
  });
});

describe('coral rknn check --board', () => {
  it('probes the board and reports the verdict, the tool and the runtime (exit 0)', async () => {
    const r = await coral([
      'rknn',
      'check',
      yolo,
      '--board',
      rock5b.targets().ssh as string,
      '--core-mask',
      '7',
      ...login(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/soc {8}rk3588, 3 NPU cores, driver 0\.9\.6/);
    expect(r.stdout).toContain('tool       /usr/bin/rknn_benchmark');
    expect(r.stdout).toContain('verdict: ok');
  });

  it('--json gives the error verdict with the board facts (exit 1)', async () => {
    const r = await coral([
      'rknn',
      'check',
      yolo,
      '--board',
      zero3w.targets().ssh as string,
      '--json',
      ...login(),
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('error');
    expect(out.findings.map((f: { code: string }) => f.code)).toContain('RKNN_TARGET_MISMATCH');
    expect(out.board).toMatchObject({
      soc: 'rk3566',
      librknnrt: expect.stringMatching(/^1\.6\.0/),
    });
    expect(out.benchmark.tool.path).toBe('/usr/bin/rknn_benchmark');
  });
});

async function ls(vb: VirtualBoard, dirPath: string): Promise<string[]> {
  let out = '';
  await vb.board.run(`ls ${dirPath}`, {
    user: { name: 'root', uid: 0, home: '/root' },
    onStdout: (d) => (out += d.toString()),
    onStderr: () => {},
  }).done;
  return out.split('\n').filter(Boolean);
}
