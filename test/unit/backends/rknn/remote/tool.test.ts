import { afterEach, describe, expect, it } from 'vitest';
import {
  benchmarkCommand,
  checkWorkDir,
  cleanupCommand,
  findBenchmark,
  safeFileName,
} from '../../../../../electron/backends/rknn/remote/tool';
import { VirtualBoard } from '../../../../../electron/boards/sim';
import type { ExecOptions, ExecResult, Transport } from '../../../../../electron/boards/types';

const boards: VirtualBoard[] = [];

afterEach(async () => {
  for (const b of boards.splice(0)) await b.stop();
});

/** The virtual board's own shell as a transport (exec only): what the lookup script meets. */
async function shellOf(profile: string): Promise<{ vb: VirtualBoard; t: Transport }> {
  const vb = await VirtualBoard.start({ profile, sshPort: null, adbPort: null });
  boards.push(vb);
  const exec = async (command: string, o: ExecOptions = {}): Promise<ExecResult> => {
    let stdout = '';
    const run = vb.board.run(command, {
      user: { name: 'root', uid: 0, home: '/root' },
      ...(o.env ? { env: o.env } : {}),
      onStdout: (d) => (stdout += d.toString()),
      onStderr: () => {},
    });
    return { code: await run.done, stdout, stderr: '', durationMs: 0 };
  };
  return { vb, t: { kind: 'ssh', target: 'sim', exec } as unknown as Transport };
}

async function sh(vb: VirtualBoard, command: string): Promise<void> {
  await vb.board.run(command, {
    user: { name: 'root', uid: 0, home: '/root' },
    onStdout: () => {},
    onStderr: () => {},
  }).done;
}

describe('findBenchmark', () => {
  it('finds rknn_benchmark on PATH', async () => {
    const { t } = await shellOf('rk3588-rock5b');
    await expect(findBenchmark(t, { boardName: 'rock5b' })).resolves.toEqual({
      found: 'path',
      path: '/usr/bin/rknn_benchmark',
    });
  });

  it('finds it where the rknpu2 example installs it when it is not on PATH', async () => {
    const { vb, t } = await shellOf('rk3588-rock5b');
    await sh(
      vb,
      'mkdir -p /userdata/rknn_benchmark_Linux && mv /usr/bin/rknn_benchmark /userdata/rknn_benchmark_Linux/',
    );
    await expect(findBenchmark(t, { boardName: 'rock5b' })).resolves.toEqual({
      found: 'common',
      path: '/userdata/rknn_benchmark_Linux/rknn_benchmark',
    });
  });

  it('names a configured path that is missing, without searching elsewhere', async () => {
    const { t } = await shellOf('rk3588-rock5b');
    await expect(
      findBenchmark(t, { boardName: 'rock5b', configured: '/opt/bench/rknn_benchmark' }),
    ).rejects.toMatchObject({
      code: 'RKNN_BENCHMARK_NOT_FOUND',
      message: expect.stringContaining('/opt/bench/rknn_benchmark on board rock5b'),
    });
  });

  it('says where it looked and how to build it when the board has none', async () => {
    const { vb, t } = await shellOf('rk3566-zero3w');
    await sh(vb, 'rm -f /usr/bin/rknn_benchmark');
    await expect(findBenchmark(t, { boardName: 'zero3w' })).rejects.toMatchObject({
      code: 'RKNN_BENCHMARK_NOT_FOUND',
      message: expect.stringContaining('/userdata/rknn_benchmark_Linux/rknn_benchmark'),
      hint: expect.stringContaining('build-linux.sh'),
    });
  });
});

describe('the benchmark command line', () => {
  it('passes an empty input, the loops, and the core mask only when asked for', () => {
    const base = {
      tool: '/usr/bin/rknn_benchmark',
      workDir: '/tmp/coral',
      runTag: 'abc123',
      modelFile: '/home/me/My Models/yolo v5.rknn',
    };
    const auto = benchmarkCommand({ ...base, loops: 100, coreMask: null });
    expect(auto.runDir).toBe('/tmp/coral/run-abc123');
    expect(auto.remoteModel).toBe('/tmp/coral/run-abc123/yolo_v5.rknn');
    expect(auto.command).toBe(
      "cd /tmp/coral/run-abc123 && exec /usr/bin/rknn_benchmark /tmp/coral/run-abc123/yolo_v5.rknn '' 100",
    );
    expect(benchmarkCommand({ ...base, loops: 10, coreMask: 7 }).command).toMatch(/ '' 10 7$/);
  });

  it('makes file names safe for any board shell', () => {
    expect(safeFileName("C:\\models\\it's $(rm -rf).rknn")).toBe('it_s___rm_-rf_.rknn');
    expect(safeFileName('../..')).toBe('_');
  });

  it('accepts absolute work directories only, never / or ..', () => {
    expect(checkWorkDir('/data/coral/', 'x')).toBe('/data/coral');
    for (const bad of ['tmp/coral', '/', '/tmp/../etc', '']) {
      expect(() => checkWorkDir(bad, 'CORAL_RKNN_WORKDIR')).toThrow(/CORAL_RKNN_WORKDIR/);
    }
  });

  it('deletes only a Coral run directory', () => {
    expect(cleanupCommand('/tmp/coral/run-abc123')).toBe('rm -rf /tmp/coral/run-abc123');
    expect(() => cleanupCommand('/tmp/coral')).toThrow(/not a Coral run directory/);
  });
});
