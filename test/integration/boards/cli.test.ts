/**
 * `coral board …`, `coral boards …` and `coral board-sim` as real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCoral } from '../../helpers/cli';
import { tempDir } from '../../helpers/boards';
import { freePort } from '../../helpers/sshd';

let sim: ChildProcess;
let info: {
  targets: { ssh: string; adb: string };
  hostKeyFingerprint: string;
  identityFile: string;
  virtual: boolean;
  soc: string;
};
let dataDir: string;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = tempDir('coral-cli-data-');
  home = tempDir('coral-cli-home-');
  // no adb on PATH and no server: `boards list` must say so instead of starting one
  env = {
    CORAL_DATA_DIR: dataDir,
    HOME: home,
    CORAL_ADB: path.join(home, 'no-adb'),
    ANDROID_ADB_SERVER_PORT: String(await freePort()),
  };
  sim = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'electron/cli/main.ts'),
      'board-sim',
      '--profile',
      'rk3588-rock5b',
      '--json',
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  info = await new Promise((resolve, reject) => {
    let out = '';
    sim.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as typeof info);
    });
    sim.once('exit', (code) => reject(new Error(`board-sim exited with ${code}`)));
  });
}, 60_000);

afterAll(async () => {
  if (sim && sim.exitCode === null) {
    sim.kill('SIGKILL');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

const coral = (args: string[]) => runCoral(args, { env, timeoutMs: 60_000 });

describe('coral board / boards / board-sim', { timeout: 180_000 }, () => {
  it('board-sim prints its targets and host key, and they answer', async () => {
    expect(info).toMatchObject({
      virtual: true,
      soc: 'rk3588',
      targets: {
        ssh: expect.stringMatching(/^ssh:\/\/root@127\.0\.0\.1:\d+$/),
        adb: expect.stringMatching(/^adb\+tcp:\/\//),
      },
    });
    expect(info.hostKeyFingerprint).toMatch(/^SHA256:/);
    expect(fs.existsSync(info.identityFile)).toBe(true);
  });

  it('board probe refuses an unknown host without --trust-new-host, naming the fingerprint and the flag', async () => {
    const r = await coral(['board', 'probe', info.targets.ssh, '-i', info.identityFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(info.hostKeyFingerprint);
    expect(r.stderr).toMatch(/hint: .*--trust-new-host/);
  });

  it('board probe --json with --trust-new-host prints the probe, and the host is known afterwards', async () => {
    const r = await coral([
      'board',
      'probe',
      info.targets.ssh,
      '-i',
      info.identityFile,
      '--trust-new-host',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      soc: 'rk3588',
      boardModel: 'Radxa ROCK 5 Model B',
      virtual: true,
      npu: { cores: 3, driverVersion: '0.9.6' },
      runtime: { librknnrt: expect.stringMatching(/^2\.3\.0/) },
      warnings: [],
    });
    for (const key of ['os', 'kernel', 'cpu', 'memory']) expect(report).toHaveProperty(key);
    const human = await coral(['board', 'probe', info.targets.ssh, '-i', info.identityFile]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^soc +rk3588$/m);
    expect(human.stdout).toMatch(/^npu +3 cores, driver 0\.9\.6/m);
  });

  it('board exec streams the output and exits with the remote exit code', async () => {
    const r = await coral([
      'board',
      'exec',
      info.targets.ssh,
      '-i',
      info.identityFile,
      '--',
      'echo hello from $(hostname); echo oops >&2; exit 7',
    ]);
    expect(r).toMatchObject({ code: 7, stdout: 'hello from rock-5b\n', stderr: 'oops\n' });
  });

  it('board watch --count prints that many telemetry samples', async () => {
    const r = await coral([
      'board',
      'watch',
      info.targets.ssh,
      '-i',
      info.identityFile,
      '--interval',
      '200',
      '--count',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const samples = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { npu: unknown[]; temperatures: unknown[] });
    expect(samples).toHaveLength(3);
    expect(samples[2].npu).toHaveLength(3);
    expect(samples[2].temperatures.length).toBeGreaterThan(0);
  });

  it('boards add / list / remove keep saved boards, and list says when adb is missing', async () => {
    expect(
      (await coral(['boards', 'add', info.targets.ssh, '--name', 'rock', '-i', info.identityFile]))
        .code,
    ).toBe(0);
    const byName = await coral(['board', 'exec', 'rock', '--', 'uname -m']);
    expect(byName).toMatchObject({ code: 0, stdout: 'aarch64\n' });
    const list = await coral(['boards', 'list', '--json']);
    const parsed = JSON.parse(list.stdout) as {
      boards: Array<{ name: string; options: Record<string, string> }>;
      adbError: { code: string };
    };
    expect(parsed.boards.map((b) => b.name)).toEqual(['rock']);
    expect(parsed.adbError.code).toBe('ADB_NOT_FOUND');
    expect(JSON.stringify(parsed.boards)).not.toMatch(/password|passphrase/i);
    expect((await coral(['boards', 'list'])).stdout).toMatch(/adb: adb is not installed/);
    expect((await coral(['boards', 'remove', 'rock'])).code).toBe(0);
    expect(JSON.parse((await coral(['boards', 'list', '--json'])).stdout).boards).toEqual([]);
  });

  it('rejects bad input with exit code 2 and a hint', async () => {
    const r = await coral(['board', 'watch', info.targets.ssh, '--interval', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--interval must be at least 100 ms/);
    const t = await coral(['board', 'probe', 'ftp://x']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/unknown scheme "ftp"/);
  });

  it('board-sim stops cleanly on SIGTERM and closes its ports', async () => {
    const port = Number(new URL(info.targets.ssh.replace('ssh://', 'http://')).port);
    const exit = new Promise<number | null>((r) => sim.once('exit', (code) => r(code)));
    sim.kill('SIGTERM');
    expect(await exit).toBe(0);
    const refused = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('error', () => r(true));
      s.once('connect', () => {
        s.destroy();
        r(false);
      });
    });
    expect(refused).toBe(true);
  });
});
