import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRknnBenchmarkLog } from '../../../../electron/backends/rknn/benchmark-log';
import { coresForMask, modelledMs } from '../../../../electron/boards/sim/rknn-benchmark';
import type { SimBoard } from '../../../../electron/boards/sim/board';
import { simBoard, simRun } from '../../../helpers/boards';

const MODELS = path.resolve(__dirname, '../../../fixtures/rknn-models');
let rk3588: SimBoard;
let rk3566: SimBoard;

beforeAll(() => {
  rk3588 = simBoard('rk3588-rock5b');
  rk3566 = simBoard('rk3566-zero3w');
  for (const b of [rk3588, rk3566]) {
    for (const m of [
      'yolov5s-rk3588.rknn',
      'mobilenet-rk3566-fp16.rknn',
      'html-saved-as-model.rknn',
    ]) {
      b.vfs.writeFile(`/tmp/${m}`, fs.readFileSync(path.join(MODELS, m)));
    }
  }
});
afterAll(() => {
  rk3588.dispose();
  rk3566.dispose();
});

describe('the simulated rknn_benchmark', () => {
  it('prints the real format, which the RKNN log parser reads back', async () => {
    const r = await simRun(rk3588, 'rknn_benchmark /tmp/yolov5s-rk3588.rknn "" 12 7');
    expect(r.code).toBe(0);
    const log = parseRknnBenchmarkLog(r.out);
    expect(r.out).toMatch(
      /^rknn_api\/rknnrt version: 2\.3\.0 \(c949ad889d@2024-11-07T11:35:33\), driver version: 0\.9\.6$/m,
    );
    expect(
      r.out.match(/^ {2}[ \d]\d: Elapse Time = \d+\.\d{2}ms, FPS = \d+\.\d{2}$/gm)?.length,
    ).toBe(5 + 12);
    expect(r.out).toMatch(/^Avg Time \d+\.\d{2}ms, Avg FPS = \d+\.\d{3}$/m);
    expect(log).toMatchObject({
      runtimeVersion: expect.stringMatching(/^2\.3\.0/),
      driverVersion: '0.9.6',
      complete: true,
      failures: [],
      inputCount: 1,
      outputCount: 3,
    });
    expect(log.warmup).toHaveLength(5);
    expect(log.samples).toHaveLength(12);
    expect(log.warnings).toEqual([]);
  });

  it('runs 5 warm-up iterations then loop_count measured ones, and the average matches them', async () => {
    const r = await simRun(rk3588, 'rknn_benchmark /tmp/yolov5s-rk3588.rknn "" 4 1');
    const perf = r.out.split('Begin perf ...')[1];
    const times = [...perf.matchAll(/Elapse Time = ([\d.]+)ms/g)].map((m) => Number(m[1]));
    expect(times).toHaveLength(4);
    const avg = Number(/Avg Time ([\d.]+)ms/.exec(r.out)?.[1]);
    expect(Math.abs(avg - times.reduce((a, b) => a + b, 0) / 4)).toBeLessThan(0.02);
  });

  it('is faster with three NPU cores than with one, as the profile models', async () => {
    const avg = async (mask: number) =>
      Number(
        /Avg Time ([\d.]+)ms/.exec(
          (await simRun(rk3588, `rknn_benchmark /tmp/yolov5s-rk3588.rknn "" 6 ${mask}`)).out,
        )?.[1],
      );
    const [one, three] = [await avg(1), await avg(7)];
    expect(one / three).toBeGreaterThan(1.8);
    expect(coresForMask(7, 3)).toEqual([0, 1, 2]);
    expect(coresForMask(2, 1)).toBeNull();
    expect(modelledMs(rk3588.profile, 4096, 1_228_800, 1)).toBeGreaterThan(
      modelledMs(rk3588.profile, 4096, 1_228_800, 3),
    );
  });

  it('refuses a model built for another SoC, like librknnrt', async () => {
    const r = await simRun(rk3588, 'rknn_benchmark /tmp/mobilenet-rk3566-fp16.rknn');
    expect(r.code).toBe(255);
    expect(r.out).toMatch(/target platform \[rk3566\] does not match the runtime platform rk3588/);
    expect(r.out).toMatch(/^rknn_init fail! ret=-13$/m);
  });

  it('refuses a model from a newer toolkit than the board runtime with "Invalid RKNN model version"', async () => {
    const r = await simRun(rk3566, 'rknn_benchmark /tmp/yolov5s-rk3588.rknn');
    expect(r.code).toBe(255);
    expect(r.out).toMatch(/Invalid RKNN model version/);
    expect(r.out).toMatch(/^rknn_init fail! ret=-6$/m);
  });

  it('fails rknn_init on a file that is not an RKNN model', async () => {
    const r = await simRun(rk3588, 'rknn_benchmark /tmp/html-saved-as-model.rknn');
    expect(r.out).toMatch(/^rknn_init fail! ret=-6$/m);
  });

  it('prints its usage without arguments and is missing where the profile has no binary', async () => {
    expect((await simRun(rk3588, 'rknn_benchmark')).out).toBe(
      'Usage:rknn_benchmark model_path [input_path] [loop_count] [core_mask]\n',
    );
    rk3588.vfs.remove('/usr/bin/rknn_benchmark');
    expect((await simRun(rk3588, 'rknn_benchmark x')).code).toBe(127);
    rk3588.vfs.writeFile('/usr/bin/rknn_benchmark', 'stand-in', undefined, { mode: 0o755 });
  });

  it('shows the NPU busy in the load file while it runs, and idle after', async () => {
    const root = rk3588.userNamed('root');
    if (!root) throw new Error('no root');
    const run = rk3588.run('rknn_benchmark /tmp/yolov5s-rk3588.rknn "" 200 3', {
      user: root,
      onStdout: () => {},
      onStderr: () => {},
    });
    await new Promise((r) => setTimeout(r, 150));
    const busy = (await simRun(rk3588, 'cat /sys/kernel/debug/rknpu/load')).out;
    expect(busy).toMatch(/Core0: +(8[8-9]|9\d)%, Core1: +(8[8-9]|9\d)%, Core2: +[01]%/);
    rk3588.kill(run.proc.pgid, 15, true);
    expect(await run.done).toBe(143);
    expect((await simRun(rk3588, 'pidof rknn_benchmark')).code).toBe(1);
    expect((await simRun(rk3588, 'cat /sys/kernel/debug/rknpu/load')).out).toMatch(
      /Core0: +[01]%, Core1: +[01]%/,
    );
  });
});
