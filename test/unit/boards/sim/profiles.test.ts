import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  listShippedProfiles,
  loadProfile,
  resolveProfile,
} from '../../../../electron/boards/sim/profile';
import { probe } from '../../../../electron/boards/probe';
import {
  LocalSimTransport,
  PROFILES_DIR,
  SHIPPED_PROFILES,
  simBoard,
  tempDir,
} from '../../../helpers/boards';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('board profiles', () => {
  it('ships an RK3588, an RK3566 and an RV1106 board', () => {
    expect(
      listShippedProfiles()
        .map((p) => p.soc)
        .sort(),
    ).toEqual(['rk3566', 'rk3588', 'rv1106']);
    expect(
      listShippedProfiles()
        .map((p) => p.id)
        .sort(),
    ).toEqual([...SHIPPED_PROFILES].sort());
  });

  for (const id of SHIPPED_PROFILES) {
    it(`${id}: the probe reports what the profile says`, async () => {
      const { profile } = loadProfile(path.join(PROFILES_DIR, id));
      const b = simBoard(id);
      try {
        const r = await probe(new LocalSimTransport(b));
        expect(r.soc).toBe(profile.soc);
        expect(r.virtual).toBe(true);
        expect(r.npu).toMatchObject({
          cores: profile.npuCores,
          driverVersion: profile.runtime.driver,
        });
        expect(r.runtime.librknnrt).toBe(profile.runtime.librknnrt);
        expect(r.kernel).toEqual({ release: profile.kernel.release, arch: profile.kernel.machine });
        expect(r.runtime.rknnServer.running).toBe(profile.rknnServer.running);
        expect(r.disk?.totalMb).toBe(profile.disk.totalMb);
        expect(r.warnings).toEqual([]);
      } finally {
        b.dispose();
      }
    });
  }

  it('names every invalid field of a broken profile', () => {
    const d = tempDir('coral-profile-');
    dirs.push(d);
    fs.writeFileSync(
      path.join(d, 'profile.json'),
      JSON.stringify({ id: 'Bad Id', name: '', soc: 'rk3588', npuCores: 3, kernel: {} }),
    );
    expect(() => loadProfile(d)).toThrowError(
      expect.objectContaining({
        code: 'SIM_PROFILE_INVALID',
        message: expect.stringMatching(/id:.*name:.*kernel\.release/s),
      }),
    );
  });

  it('needs a performance model for a board with an NPU', () => {
    const d = tempDir('coral-profile-');
    dirs.push(d);
    fs.writeFileSync(
      path.join(d, 'profile.json'),
      JSON.stringify({
        id: 'x',
        name: 'X',
        soc: 'rk3588',
        npuCores: 3,
        kernel: { release: '5.10' },
      }),
    );
    expect(() => loadProfile(d)).toThrowError(
      expect.objectContaining({ message: expect.stringContaining('performance') }),
    );
  });

  it('finds shipped profiles by id or SoC and lists them when the name is unknown', () => {
    expect(resolveProfile('rv1106').profile.id).toBe('rv1106-luckfox-pico');
    expect(() => resolveProfile('rk9999')).toThrowError(
      expect.objectContaining({ hint: expect.stringContaining('rk3588-rock5b') }),
    );
    expect(() => resolveProfile('/nonexistent/dir')).toThrowError(
      expect.objectContaining({ message: expect.stringContaining('does not exist') }),
    );
  });
});
