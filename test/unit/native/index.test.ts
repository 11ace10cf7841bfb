import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRknnLibrary,
  librknnrtVersion,
  loadRknnAddon,
  RKNN_LIBRARY_CANDIDATES,
} from '../../../native';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../../helpers/rknn-native';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-native-loader-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadRknnAddon', () => {
  it('loads the built addon', () => {
    ensureRknnAddon();
    const status = loadRknnAddon({ reload: true });
    expect(status).toMatchObject({ ok: true, state: 'loaded' });
  }, 180_000);

  it('says "not built" and how to build when no addon file exists', () => {
    const status = loadRknnAddon({
      candidates: [path.join(dir, 'none', 'build', 'Release', 'coral_rknn.node')],
    });
    expect(status).toMatchObject({ ok: false, state: 'not-built' });
    expect(!status.ok && status.reason).toContain('npm run build:native');
  });

  it('says the build failed, with its first error, when the build left a failed status', () => {
    const release = path.join(dir, 'failed', 'build', 'Release');
    fs.mkdirSync(release, { recursive: true });
    fs.writeFileSync(
      path.join(release, '..', 'build-status.json'),
      JSON.stringify({
        ok: false,
        error: 'gyp ERR! stack Error: not found: make',
        at: '2025-03-01T10:00:00Z',
      }),
    );
    const status = loadRknnAddon({ candidates: [path.join(release, 'coral_rknn.node')] });
    expect(status).toMatchObject({ ok: false, state: 'build-failed' });
    expect(!status.ok && status.reason).toContain('not found: make');
  });

  it('says a file that is not a loadable addon failed to load, without throwing', () => {
    const release = path.join(dir, 'broken', 'build', 'Release');
    fs.mkdirSync(release, { recursive: true });
    fs.writeFileSync(path.join(release, 'coral_rknn.node'), 'not an ELF file');
    const status = loadRknnAddon({ candidates: [path.join(release, 'coral_rknn.node')] });
    expect(status).toMatchObject({ ok: false, state: 'load-failed' });
    expect(!status.ok && status.reason).toContain('could not be loaded');
  });
});

describe('findRknnLibrary', () => {
  it('uses CORAL_RKNN_LIB and reads the version string inside the library', () => {
    const lib = fakeRknnrtLibrary();
    expect(findRknnLibrary({ CORAL_RKNN_LIB: lib })).toEqual({
      ok: true,
      fromEnv: true,
      path: lib,
      version: '2.3.0 (fake0000@2024-01-01T00:00:00)',
      tried: [lib],
    });
  });

  it('names CORAL_RKNN_LIB when it points nowhere, and does not look elsewhere', () => {
    const r = findRknnLibrary({ CORAL_RKNN_LIB: '/opt/nope/librknnrt.so' });
    expect(r).toMatchObject({ ok: false, fromEnv: true, tried: ['/opt/nope/librknnrt.so'] });
    expect(!r.ok && r.reason).toBe('CORAL_RKNN_LIB=/opt/nope/librknnrt.so does not exist');
    expect(findRknnLibrary({ CORAL_RKNN_LIB: dir })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('is not a file'),
    });
  });

  it('searches LD_LIBRARY_PATH before the standard places', () => {
    const libDir = path.join(dir, 'ld');
    fs.mkdirSync(libDir, { recursive: true });
    fs.copyFileSync(fakeRknnrtLibrary(), path.join(libDir, 'librknnrt.so'));
    const r = findRknnLibrary({ LD_LIBRARY_PATH: `/nonexistent:${libDir}` });
    expect(r).toMatchObject({ ok: true, fromEnv: false, path: path.join(libDir, 'librknnrt.so') });
  });

  it('lists where it looked when the library is nowhere (this CI machine has no NPU)', () => {
    const present = RKNN_LIBRARY_CANDIDATES.filter((p) => fs.existsSync(p));
    if (present.length > 0) return; // running on a real board
    const r = findRknnLibrary({});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('/usr/lib');
    expect(!r.ok && r.reason).toContain('CORAL_RKNN_LIB');
    expect(r.tried).toEqual(RKNN_LIBRARY_CANDIDATES);
  });
});

describe('librknnrtVersion', () => {
  it('reads "librknnmrt version:" of the RV1106 mini runtime too', () => {
    const file = path.join(dir, 'librknnmrt.so');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.alloc(64, 0),
        Buffer.from('librknnmrt version: 1.6.0 (2de554906@2024-01-17T14:53:41)\0tail'),
      ]),
    );
    expect(librknnrtVersion(file)).toBe('1.6.0 (2de554906@2024-01-17T14:53:41)');
  });

  it('returns null for a file without a version string or a missing file', () => {
    const file = path.join(dir, 'plain.so');
    fs.writeFileSync(file, Buffer.alloc(100, 1));
    expect(librknnrtVersion(file)).toBeNull();
    expect(librknnrtVersion(path.join(dir, 'missing.so'))).toBeNull();
  });
});
