import { afterEach, describe, expect, it } from 'vitest';
import {
  TELEMETRY_SCRIPT,
  TelemetryWatcher,
  parseTelemetry,
  type TelemetrySample,
} from '../../../electron/boards/telemetry';
import { LocalSimTransport, simBoard } from '../../helpers/boards';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function board(id: string, user = 'root') {
  const b = simBoard(id);
  const t = new LocalSimTransport(b, user);
  cleanup.push(() => b.dispose());
  return { b, t };
}

describe('telemetry', () => {
  it('computes CPU load from two /proc/stat readings and has none on the first', async () => {
    const { t } = board('rk3588-rock5b');
    const state = { prevStat: null };
    const first = parseTelemetry(
      (await t.exec(TELEMETRY_SCRIPT, { killable: false })).stdout,
      state,
    );
    expect(first.cpu).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    const second = parseTelemetry(
      (await t.exec(TELEMETRY_SCRIPT, { killable: false })).stdout,
      state,
    );
    expect(second.cpu?.perCore).toHaveLength(8);
    expect(second.cpu?.total).toBeGreaterThanOrEqual(0);
    expect(second.npu).toHaveLength(3);
    expect(second.temperatures.length).toBe(7);
    expect(second.memory).toMatchObject({ totalMb: 15856 });
  });

  it('says NPU load needs root for a non-root login', async () => {
    const { t } = board('rk3566-zero3w', 'radxa');
    const s = parseTelemetry((await t.exec(TELEMETRY_SCRIPT, { killable: false })).stdout, {
      prevStat: null,
    });
    expect(s).toMatchObject({ npu: null, npuUnavailable: 'needs root' });
  });

  it('samples at the requested rate, shows NPU load during a run, and stops when disposed', async () => {
    const { b, t } = board('rk3588-rock5b');
    const samples: TelemetrySample[] = [];
    const w = new TelemetryWatcher(t, {
      intervalMs: 100,
      onSample: (s) => samples.push(s),
    }).start();
    cleanup.push(() => w.dispose());
    const root = b.userNamed('root');
    if (!root) throw new Error('no root');
    b.vfs.writeFile(
      '/tmp/m.rknn',
      (await import('node:fs')).readFileSync(
        new URL('../../fixtures/rknn-models/yolov5s-rk3588.rknn', import.meta.url),
      ),
    );
    const run = b.run('rknn_benchmark /tmp/m.rknn "" 100000 7', {
      user: root,
      onStdout: () => {},
      onStderr: () => {},
    });
    await expect.poll(() => samples.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    w.dispose();
    const n = samples.length;
    // ticks never overlap and start at least one interval apart; a sample is stamped when it
    // arrives, so the first one may have arrived up to its own round trip after its tick began
    const span = Date.parse(samples[n - 1].time) - Date.parse(samples[0].time);
    expect(span).toBeGreaterThanOrEqual((n - 1) * 100 - samples[0].latencyMs - 5);
    expect(samples.some((s) => s.npu?.every((c) => c.percent > 50))).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(samples.length).toBe(n);
    b.kill(run.proc.pgid, 15, true);
    await run.done;
  });

  it('flags absurd NPU readings in the sample warnings', async () => {
    const { b, t } = board('rk3566-zero3w');
    const root = b.userNamed('root');
    if (!root) throw new Error('no root');
    b.vfs.writeFile(
      '/tmp/m.rknn',
      (await import('node:fs')).readFileSync(
        new URL('../../fixtures/rknn-models/mobilenet-rk3566-fp16.rknn', import.meta.url),
      ),
    );
    const run = b.run('rknn_benchmark /tmp/m.rknn "" 100 1', {
      user: root,
      onStdout: () => {},
      onStderr: () => {},
    });
    await new Promise((r) => setTimeout(r, 100));
    const s = parseTelemetry((await t.exec(TELEMETRY_SCRIPT, { killable: false })).stdout, {
      prevStat: null,
    });
    expect(s.npu?.[0]).toMatchObject({ percent: 100, absurd: expect.any(Number) });
    expect(s.warnings[0]).toMatch(/known driver quirk/);
    b.kill(run.proc.pgid, 15, true);
    await run.done;
  });

  it('reports a failed tick and keeps going', async () => {
    const { t } = board('rk3588-rock5b');
    const errors: string[] = [];
    const samples: TelemetrySample[] = [];
    let calls = 0;
    const flaky = Object.create(t) as LocalSimTransport;
    flaky.exec = async (cmd, o) => {
      if (++calls === 1) throw new Error('boom');
      return t.exec(cmd, o);
    };
    const w = new TelemetryWatcher(flaky, {
      intervalMs: 50,
      onSample: (s) => samples.push(s),
      onError: (e) => errors.push(e.message),
    }).start();
    await new Promise((r) => setTimeout(r, 200));
    w.dispose();
    expect(errors).toEqual(['boom']);
    expect(samples.length).toBeGreaterThan(0);
  });
});
