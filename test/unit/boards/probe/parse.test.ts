import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../../../electron/boards/probe/parse';
import { BoardOutputError } from '../../../../electron/boards/probe/sections';
import {
  parseNpuLoad,
  parseThermal,
  parseCpuinfo,
  parseDf,
} from '../../../../electron/boards/probe/fields';

const CORPUS = path.resolve(__dirname, '../../../fixtures/boards/probe');
const cases = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('probe output corpus', () => {
  it('has positive and negative cases', () => {
    const expectations = cases.map(
      (c) =>
        JSON.parse(
          fs.readFileSync(path.join(CORPUS, c.replace(/\.txt$/, '.expected.json')), 'utf8'),
        ) as object,
    );
    expect(expectations.filter((e) => 'error' in e).length).toBeGreaterThanOrEqual(3);
    expect(expectations.filter((e) => 'result' in e).length).toBeGreaterThanOrEqual(6);
  });

  for (const name of cases) {
    it(`parses ${name} as its .expected.json says`, () => {
      const raw = fs.readFileSync(path.join(CORPUS, name));
      const expected = JSON.parse(
        fs.readFileSync(path.join(CORPUS, name.replace(/\.txt$/, '.expected.json')), 'utf8'),
      ) as { result: unknown } | { error: { code: string; message: string } };
      if ('error' in expected) {
        let thrown: unknown;
        try {
          parseProbeOutput(raw);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(BoardOutputError);
        expect(thrown).toMatchObject(expected.error);
      } else {
        expect(parseProbeOutput(raw)).toEqual(expected.result);
      }
    });
  }
});

describe('probe interpretation', () => {
  const read = (n: string) => parseProbeOutput(fs.readFileSync(path.join(CORPUS, n)));

  it('reports a host without a Rockchip NPU as a valid board with npu "none"', () => {
    const r = read('generic-x86-debian.txt');
    expect(r.npu).toBe('none');
    expect(r.soc).toBeNull();
    expect(r.warnings).toEqual([]);
  });

  it('names the SoC from the last rockchip entry of the device tree, RK3588S included', () => {
    expect(read('rk3588-rock5b-root.txt').soc).toBe('rk3588');
    expect(read('rk3588s-orangepi5-adb-crlf.txt').soc).toBe('rk3588s');
    expect(read('rk3588s-orangepi5-adb-crlf.txt').npu).toMatchObject({ cores: 3 });
  });

  it('says "needs root" for the driver version when debugfs is closed to the user', () => {
    const r = read('rk3566-zero3w-non-root.txt');
    expect(r.npu).toMatchObject({ driverVersion: 'needs root', cores: 1 });
    expect(r.user).toEqual({ uid: 1000, root: false });
  });

  it('finds the mini runtime librknnmrt under /oem on RV1106', () => {
    const r = read('rv1106-luckfox-buildroot.txt');
    expect(r.runtime.librknnrtPath).toBe('/oem/usr/lib/librknnmrt.so');
    expect(r.runtime.librknnrt).toMatch(/^1\.6\.0 /);
  });

  it('turns garbage in a driver file into a printable warning', () => {
    const r = read('rk3566-no-runtime-garbage-version.txt');
    expect(r.warnings.join('\n')).toMatch(/unexpected text: "\?+ garbage"/);
    expect(r.warnings.join('\n')).toMatch(/install the RKNN runtime/);
  });
});

describe('NPU load', () => {
  it('reads per-core and single-core formats', () => {
    const w: string[] = [];
    expect(parseNpuLoad('NPU load:  Core0: 21%, Core1: 11%, Core2:  0%,', w)).toEqual([
      { core: 0, percent: 21 },
      { core: 1, percent: 11 },
      { core: 2, percent: 0 },
    ]);
    expect(parseNpuLoad('NPU load:  0%', w)).toEqual([{ core: 0, percent: 0 }]);
    expect(w).toEqual([]);
  });

  it('clamps absurd readings and flags them', () => {
    const w: string[] = [];
    expect(parseNpuLoad('NPU load:  Core0: 312%, Core1: 5%,', w)).toEqual([
      { core: 0, percent: 100, absurd: 312 },
      { core: 1, percent: 5 },
    ]);
    expect(w[0]).toMatch(/312%/);
  });

  it('gives null and a warning for text that is not a load line', () => {
    const w: string[] = [];
    expect(parseNpuLoad('Segmentation fault', w)).toBeNull();
    expect(w).toHaveLength(1);
  });
});

describe('other fields', () => {
  it('pairs thermal zone types with temperatures and converts millidegrees', () => {
    const w: string[] = [];
    const t = parseThermal(
      '/sys/class/thermal/thermal_zone1/temp:45000\n/sys/class/thermal/thermal_zone0/type:soc-thermal\n/sys/class/thermal/thermal_zone0/temp:38800\n',
      w,
    );
    expect(t).toEqual([
      { zone: 'thermal_zone0', type: 'soc-thermal', celsius: 38.8 },
      { zone: 'thermal_zone1', type: 'zone1', celsius: 45 },
    ]);
  });

  it('names ARM cores from their part numbers', () => {
    const block = (part: string, i: number) =>
      `processor\t: ${i}\nCPU implementer\t: 0x41\nCPU part\t: ${part}\n`;
    const text = [0, 1]
      .map((i) => block('0xd05', i))
      .concat([2, 3].map((i) => block('0xd0b', i)))
      .join('\n');
    expect(parseCpuinfo(text, [])).toEqual({ count: 4, model: '2× Cortex-A55 + 2× Cortex-A76' });
  });

  it('reads df -P output and warns when the directory is missing', () => {
    const w: string[] = [];
    expect(
      parseDf(
        'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/root 1000000 400000 600000 40% /\n',
        '/tmp',
        w,
      ),
    ).toEqual({
      path: '/tmp',
      mount: '/',
      totalMb: 977,
      freeMb: 586,
    });
    expect(parseDf('df: /nope: No such file or directory\n', '/nope', w)).toBeNull();
    expect(w[0]).toMatch(/\/nope/);
  });
});
