import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsarFormatError, readAsar, readAsarFile } from '../../../../scripts/packaging/asar';
import { staleIcons } from '../../../../scripts/packaging/generate-icons';
import {
  encodeIcns,
  encodeIco,
  IconFormatError,
  parseIcns,
  parseIco,
  readPngInfo,
  unpremultiply,
} from '../../../../scripts/packaging/icon-formats';
import { classifyAddon, classifyAddonFile } from '../../../../scripts/packaging/native-abi';
import { requiredGlibc } from '../../../../scripts/packaging/pack';
import { REPO } from '../../../helpers/packaging';

const ICONS = path.join(REPO, 'resources', 'icons');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'coral-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A minimal valid PNG header (IHDR only) of the given size. */
function pngOf(size: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(size, 16);
  b.writeUInt32BE(size, 20);
  b[24] = 8;
  b[25] = 6;
  return b;
}
const img = (size: number) => ({
  size,
  png: pngOf(size),
  rgba: new Uint8Array(size * size * 4).fill(200),
});

describe('icon containers', () => {
  it('writes an ICO whose directory lists BMPs below 256 px and a PNG at 256', () => {
    const entries = parseIco(encodeIco([img(256), img(16), img(32)]));
    expect(entries.map((e) => [e.size, e.format])).toEqual([
      [16, 'bmp'],
      [32, 'bmp'],
      [256, 'png'],
    ]);
  });

  it('writes an ICNS with every PNG entry at the size its type requires', () => {
    const sizes = [16, 32, 64, 128, 256, 512, 1024];
    const icns = encodeIcns(new Map(sizes.map((s) => [s, pngOf(s)])));
    const entries = parseIcns(icns);
    expect(entries.map((e) => `${e.type}:${e.width}`)).toContain('ic10:1024');
    expect(entries).toHaveLength(10);
    expect(() => encodeIcns(new Map([[16, pngOf(16)]]))).toThrow(/needs a 32px PNG/);
  });

  it.each([
    [
      'an HTML page saved as .ico',
      () => parseIco(Buffer.from('<html><body>404</body></html>')),
      /bad ICONDIR/,
    ],
    [
      'an ICO cut inside its directory',
      () => parseIco(encodeIco([img(16)]).subarray(0, 12)),
      /truncated/,
    ],
    [
      'an ICO whose entry points past the end',
      () => parseIco(encodeIco([img(16), img(32)]).subarray(0, 200)),
      /past the end/,
    ],
    [
      'a PNG entry whose size disagrees',
      () => parseIco(encodeIco([{ ...img(256), png: pngOf(128) }])),
      /holds a 128x128 PNG/,
    ],
    [
      'an ICNS with a wrong length field',
      () =>
        parseIcns(
          Buffer.concat([
            encodeIcns(new Map([16, 32, 64, 128, 256, 512, 1024].map((s) => [s, pngOf(s)]))),
            Buffer.alloc(4),
          ]),
        ),
      /length field/,
    ],
    [
      'a JPEG where a PNG belongs',
      () => readPngInfo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(40).fill(0)])),
      /not a PNG/,
    ],
  ])('rejects %s', (_name, run, message) => {
    expect(run).toThrow(IconFormatError);
    expect(run).toThrow(message);
  });

  it('turns premultiplied RGBA back into straight alpha', () => {
    expect([
      ...unpremultiply(new Uint8Array([128, 0, 0, 128, 0, 0, 0, 0, 10, 20, 30, 255])),
    ]).toEqual([255, 0, 0, 128, 0, 0, 0, 0, 10, 20, 30, 255]);
  });

  it('has committed icons that match icon.svg and the sizes the installers need', () => {
    expect(staleIcons(ICONS)).toEqual([]);
    for (const size of [256, 512]) {
      expect(
        readPngInfo(readFileSync(path.join(ICONS, 'png', `${size}x${size}.png`))),
      ).toMatchObject({ width: size, height: size });
    }
    expect(parseIco(readFileSync(path.join(ICONS, 'icon.ico'))).map((e) => e.size)).toEqual([
      16, 24, 32, 48, 64, 128, 256,
    ]);
    expect(parseIcns(readFileSync(path.join(ICONS, 'icon.icns'))).map((e) => e.width)).toEqual(
      expect.arrayContaining([16, 32, 64, 128, 256, 512, 1024]),
    );
  });

  it('notices an icon set that no longer matches icon.svg', () => {
    const copy = path.join(tmp, 'icons');
    mkdirSync(copy);
    for (const f of ['icon.svg', 'icons.json', 'icon.png'])
      writeFileSync(path.join(copy, f), readFileSync(path.join(ICONS, f)));
    writeFileSync(
      path.join(copy, 'icon.svg'),
      `${readFileSync(path.join(ICONS, 'icon.svg'), 'utf8')}<!-- edited -->`,
    );
    const problems = staleIcons(copy);
    expect(problems[0]).toMatch(/icon.svg changed after the icons were generated/);
    expect(problems.some((p) => p.startsWith('icon.ico is listed in icons.json but missing'))).toBe(
      true,
    );
  });
});

describe('asar reader', () => {
  // The archive is written by @electron/asar, the library electron-builder packs with.
  const asar = createRequire(
    createRequire(import.meta.url).resolve('app-builder-lib/package.json'),
  )('@electron/asar') as {
    createPackageWithOptions(
      src: string,
      dest: string,
      options: { unpack?: string },
    ): Promise<void>;
  };

  it('lists files with sizes and unpacked flags and reads packed and unpacked bytes', async () => {
    const src = path.join(tmp, 'app');
    mkdirSync(path.join(src, 'out', 'main'), { recursive: true });
    mkdirSync(path.join(src, 'node_modules', 'addon'), { recursive: true });
    writeFileSync(path.join(src, 'package.json'), '{"main":"out/main/index.js"}');
    writeFileSync(path.join(src, 'out', 'main', 'index.js'), 'console.log("main");');
    writeFileSync(path.join(src, 'node_modules', 'addon', 'x.node'), Buffer.from([1, 2, 3, 4]));
    const file = path.join(tmp, 'app.asar');
    await asar.createPackageWithOptions(src, file, { unpack: '*.node' });
    const archive = readAsar(file);
    expect([...archive.entries.keys()].sort()).toEqual([
      'node_modules/addon/x.node',
      'out/main/index.js',
      'package.json',
    ]);
    expect(archive.entries.get('node_modules/addon/x.node')?.unpacked).toBe(true);
    expect(archive.entries.get('out/main/index.js')).toMatchObject({ unpacked: false, size: 20 });
    expect(readAsarFile(archive, 'out/main/index.js').toString()).toBe('console.log("main");');
    expect([...readAsarFile(archive, 'node_modules/addon/x.node')]).toEqual([1, 2, 3, 4]);
  });

  it('rejects a file that is not an asar archive', () => {
    const file = path.join(tmp, 'not.asar');
    writeFileSync(file, 'PK\u0003\u0004 a zip file');
    expect(() => readAsar(file)).toThrow(AsarFormatError);
  });
});

describe('native addon ABI', () => {
  it.each([
    ['a Node-API addon', 'xx napi_register_module_v1 xx', { abi: 'node-api' }],
    [
      'a V8-ABI addon for Node 20',
      'node_register_module_v115',
      { abi: 'v8-abi', moduleVersion: 115 },
    ],
    ['a nan addon registering at load', '\0node_module_register\0', { abi: 'v8-abi' }],
    ['a SQLite extension named .node', 'sqlite3_extension_init', { abi: 'not-an-addon' }],
  ])('classifies %s', (_name, symbols, expected) => {
    expect(
      classifyAddon(Buffer.concat([Buffer.alloc(64), Buffer.from(symbols, 'latin1')])),
    ).toEqual(expected);
  });

  it('tells the installed onnxruntime-node (Node-API) from better-sqlite3 (V8 ABI)', () => {
    const ort = path.join(
      REPO,
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    );
    expect(classifyAddonFile(ort).abi).toBe('node-api');
    const sqlite = path.join(REPO, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(classifyAddonFile(sqlite)).toEqual({
      abi: 'v8-abi',
      moduleVersion: Number(process.versions.modules),
    });
  });
});

describe('glibc a Linux binary needs', () => {
  it('takes the newest GLIBC_x.y version it references, comparing numerically', () => {
    expect(requiredGlibc(Buffer.from('\0GLIBC_2.17\0GLIBC_2.9\0GLIBC_2.34\0GLIBC_PRIVATE\0'))).toBe(
      '2.34',
    );
    expect(requiredGlibc(Buffer.from('no versions'))).toBeNull();
  });
});
