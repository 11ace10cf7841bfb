/**
 * Starts a REAL adb server (Debian package `adb`) in the foreground on a private port, so
 * tests never touch a developer's server on 5037, and stops it by pid. Its key lives in a
 * temporary HOME.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './sshd';

export const ADB_BIN = '/usr/bin/adb';

export interface AdbServerHandle {
  port: number;
  pid: number;
  home: string;
  /** Environment for code under test: ANDROID_ADB_SERVER_PORT and CORAL_ADB set. */
  env: NodeJS.ProcessEnv;
  /**
   * Runs the adb CLI against this server. Asynchronous on purpose: a virtual board in this
   * process must keep answering while adb talks to it.
   */
  adb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export function adbAvailable(): boolean {
  return fs.existsSync(ADB_BIN);
}

async function waitForPort(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null)
      throw new Error(`adb server exited with ${proc.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`adb server did not listen on ${port}: ${log()}`);
}

export async function startAdbServer(): Promise<AdbServerHandle> {
  if (!adbAvailable())
    throw new Error(`${ADB_BIN} is missing: install the Debian package adb (apt-get install adb).`);
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-adb-home-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ANDROID_ADB_SERVER_PORT: String(port),
    CORAL_ADB: ADB_BIN,
  };
  let log = '';
  // nodaemon: the server stays our child, so we own its pid
  const proc = spawn(ADB_BIN, ['-P', String(port), 'nodaemon', 'server'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForPort(port, proc, () => log);
  return {
    port,
    pid: proc.pid ?? 0,
    home,
    env,
    adb: (...args) =>
      new Promise((resolve) => {
        execFile(
          ADB_BIN,
          ['-P', String(port), ...args],
          { env, encoding: 'utf8', timeout: 20_000 },
          (e, stdout, stderr) => {
            const code = e ? (typeof e.code === 'number' ? e.code : -1) : 0;
            resolve({ code, stdout: stdout ?? '', stderr: stderr ?? '' });
          },
        );
      }),
    async stop() {
      // `kill-server` also stops a server the code under test may have restarted on this port
      // (adb daemonizes those, so their pid is not ours to signal)
      await new Promise<void>((resolve) =>
        execFile(ADB_BIN, ['-P', String(port), 'kill-server'], { env, timeout: 10_000 }, () =>
          resolve(),
        ),
      );
      if (proc.exitCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
          setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), 3000).unref();
        });
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
