/**
 * Test support for the RKNN native path: builds the addon (npm run build:native) when it is
 * missing or older than its sources, and compiles the fake librknnrt.so from
 * test/fixtures/rknn-fake. Both use a lock directory, so parallel test files build once.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli';

const TMP = path.join(REPO_ROOT, '.tmp');
export const FAKE_RKNNRT_SOURCE = path.join(REPO_ROOT, 'test/fixtures/rknn-fake/fake_rknnrt.c');
export const ADDON_PATH = path.join(REPO_ROOT, 'native/build/Release/coral_rknn.node');

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(name: string, fn: () => T): T {
  fs.mkdirSync(TMP, { recursive: true });
  const dir = path.join(TMP, `${name}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = fs.statSync(dir, { throwIfNoEntry: false });
      if (!held) continue; // released meanwhile
      if (Date.now() - held.mtimeMs > 120_000) fs.rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${dir}`, { cause: e });
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The fake runtime, compiled once per source version; returns the path of librknnrt.so. */
export function fakeRknnrtLibrary(): string {
  const source = fs.readFileSync(FAKE_RKNNRT_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const out = path.join(TMP, 'rknn-fake', hash, 'librknnrt.so');
  if (fs.existsSync(out)) return out;
  return withLock('rknn-fake', () => {
    if (fs.existsSync(out)) return out;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync(
      'cc',
      ['-shared', '-fPIC', '-O1', '-Wall', '-Werror', '-o', tmp, FAKE_RKNNRT_SOURCE, '-lm'],
      { stdio: 'pipe' },
    );
    fs.renameSync(tmp, out);
    return out;
  });
}

function newestSourceMtime(): number {
  const files = [
    path.join(REPO_ROOT, 'native/binding.gyp'),
    ...fs
      .readdirSync(path.join(REPO_ROOT, 'native/src'))
      .map((f) => path.join(REPO_ROOT, 'native/src', f)),
  ];
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

/** Builds the addon when missing or stale (the tests' optional build step); throws with the output on failure. */
export function ensureRknnAddon(): string {
  const fresh = () =>
    fs.existsSync(ADDON_PATH) && fs.statSync(ADDON_PATH).mtimeMs >= newestSourceMtime();
  if (fresh()) return ADDON_PATH;
  return withLock('native-build', () => {
    if (fresh()) return ADDON_PATH;
    const r = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts/build-native.mjs'), '--quiet'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`npm run build:native failed:\n${r.stdout}\n${r.stderr}`);
    return ADDON_PATH;
  });
}
