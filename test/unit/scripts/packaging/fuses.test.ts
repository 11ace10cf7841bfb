import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch } from 'electron-builder';
import { afterEach, describe, expect, it } from 'vitest';
import afterPack from '../../../../scripts/packaging/after-pack.mjs';
import {
  ARCH_NAMES,
  electronBinaryPath,
  fuseConfig,
  fuseMismatches,
  removedRequiredFuses,
  REQUIRED_FUSES,
} from '../../../../scripts/packaging/fuses.mjs';
import { DEFAULT_FUSE_WIRE, writeFakeElectronDist } from '../../../../scripts/packaging/pack';

const ON = 49;
const OFF = 48;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'coral-fuses-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('fuse configuration', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect and turns on asar-only, asar integrity and cookie encryption', () => {
    expect(REQUIRED_FUSES).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      EnableCookieEncryption: true,
    });
  });

  it('addresses each fuse by its @electron/fuses wire index and leaves the others at Electron defaults', () => {
    const config = fuseConfig({ platform: 'linux', arch: 'x64' }) as unknown as Record<
      number,
      boolean
    >;
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBeUndefined();
  });

  it('re-signs ad hoc only for arm64 macOS builds', () => {
    expect(fuseConfig({ platform: 'darwin', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arch: 'x64' }).resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig({ platform: 'linux', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(false);
  });

  it("names archs as electron-builder's Arch enum numbers them", () => {
    for (const name of ['ia32', 'x64', 'armv7l', 'arm64', 'universal'] as const) {
      expect(ARCH_NAMES[Arch[name]]).toBe(name);
    }
  });

  it('finds the binary electron-builder lays out for each platform', () => {
    const t = { appOutDir: '/o', productFilename: 'Coral Studio', executableName: 'coral-studio' };
    expect(electronBinaryPath({ ...t, platform: 'linux' })).toBe('/o/coral-studio');
    expect(electronBinaryPath({ ...t, platform: 'win32' })).toBe('/o/Coral Studio.exe');
    expect(electronBinaryPath({ ...t, platform: 'darwin' })).toBe('/o/Coral Studio.app');
    expect(() => electronBinaryPath({ ...t, platform: 'beos' as 'linux' })).toThrow(
      /unknown Electron platform/,
    );
  });

  it('lists required fuses that the binary marks as removed', () => {
    expect(removedRequiredFuses({ 0: 114, 1: 48, 5: 114, 7: 114 })).toEqual([
      'RunAsNode',
      'OnlyLoadAppFromAsar',
    ]);
  });

  it('reports every required fuse that is not in its required state', () => {
    const good: Record<number, number> = { 0: OFF, 1: ON, 2: OFF, 3: OFF, 4: ON, 5: ON };
    expect(fuseMismatches(good)).toEqual([]);
    expect(fuseMismatches({ ...good, 0: ON })).toEqual(['RunAsNode: expected off, found on']);
    expect(fuseMismatches({ ...good, 5: 114 })).toEqual([
      'OnlyLoadAppFromAsar: expected on, found removed',
    ]);
    const short = { 0: OFF, 1: ON, 2: OFF };
    expect(fuseMismatches(short)).toHaveLength(3);
  });
});

describe('afterPack hook on an Electron fuse wire', () => {
  const context = (appOutDir: string) => ({
    appOutDir,
    electronPlatformName: 'linux',
    arch: Arch.x64,
    packager: { appInfo: { productFilename: 'Coral Studio' }, executableName: 'coral-studio' },
  });

  it('flips the fuses of the packaged binary and leaves the rest of the wire alone', async () => {
    const dir = tmp();
    writeFakeElectronDist(dir, '45.5.0');
    const { renameSync } = await import('node:fs');
    renameSync(path.join(dir, 'electron'), path.join(dir, 'coral-studio'));
    const before = readFileSync(path.join(dir, 'coral-studio'));
    await afterPack(context(dir));
    const wire = (await getCurrentFuseWire(path.join(dir, 'coral-studio'))) as unknown as Record<
      number,
      number
    >;
    expect(fuseMismatches(wire)).toEqual([]);
    expect(String.fromCharCode(wire[6], wire[7], wire[8])).toBe(DEFAULT_FUSE_WIRE.slice(6));
    expect(readFileSync(path.join(dir, 'coral-studio')).length).toBe(before.length);
  });

  it('fails the build when a required fuse cannot be set (marked removed in the binary)', async () => {
    const dir = tmp();
    writeFakeElectronDist(dir, '45.5.0', '1011r0011');
    const { renameSync } = await import('node:fs');
    renameSync(path.join(dir, 'electron'), path.join(dir, 'coral-studio'));
    await expect(afterPack(context(dir))).rejects.toThrow(
      /removed the fuses EnableEmbeddedAsarIntegrityValidation/,
    );
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const dir = tmp();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'coral-studio'), Buffer.alloc(1024));
    await expect(afterPack(context(dir))).rejects.toThrow(/sentinel/);
  });
});
