import { describe, expect, it } from 'vitest';
import { normalizeBuilderConfig } from '../../../../scripts/packaging/builder-internals';
import { loadProject } from '../../../../scripts/packaging/checks';
import {
  createSelection,
  macroExpander,
  PatternMacroError,
  splitModulePath,
  type Target,
} from '../../../../scripts/packaging/file-selection';
import { REPO } from '../../../helpers/packaging';

const project = loadProject(REPO);
const selection = (platform: Target['platform'], arch: string) =>
  createSelection({
    projectDir: REPO,
    config: project.config,
    target: { platform, arch },
    app: project.app,
  });
const ORT = 'node_modules/onnxruntime-node/bin/napi-v6';

describe('electron-builder.yml file selection (electron-builder matchers, synthetic paths)', () => {
  const linux = selection('linux', 'x64');

  it.each([
    ['package.json', false],
    ['out/main/index.js', false],
    ['out/main/chunks/runtime-a1.js', false],
    ['out/preload/index.cjs', false],
    ['out/renderer/index.html', false],
    ['out/renderer/assets/index-Bx1.js', false],
    ['resources/icons/icon.png', false],
    ['resources/boards/rock-5b.json', true],
    ['resources/models/tiny-classifier.onnx', true],
    ['native/build/Release/coral_rknn.node', true],
    [`${ORT}/linux/x64/onnxruntime_binding.node`, true],
    [`${ORT}/linux/x64/libonnxruntime.so.1`, true],
    ['node_modules/onnxruntime-node/dist/index.js', false],
    ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', true],
    ['node_modules/better-sqlite3/lib/index.js', true],
    ['node_modules/cpu-features/build/Release/cpufeatures.node', true],
    ['node_modules/@devicefarmer/adbkit/dist/index.js', false],
  ])('ships %s on linux-x64 (unpacked: %s)', (file, unpacked) => {
    expect(linux.includes(file)).toBe(true);
    expect(linux.isUnpacked(file)).toBe(unpacked);
  });

  it.each([
    'out/main/index.js.map',
    'out/renderer/assets/index-Bx1.js.map',
    'electron/main/index.ts',
    'renderer/src/main.tsx',
    'renderer/index.html',
    'native/src/addon.cc',
    'native/binding.gyp',
    'native/build/Release/obj.target/coral_rknn.node',
    'native/build/build-status.json',
    'test/unit/runtime/registry.test.ts',
    'scripts/check-packaging.ts',
    'scripts/packaging/after-pack.mjs',
    'resources/icons/icon.svg',
    'resources/icons/icon.icns',
    'electron-builder.yml',
    'electron.vite.config.ts',
    'tsconfig.json',
    '.env',
    '.npmrc',
    '.github/workflows/release.yml',
    'README.md',
    'release/linux-unpacked/resources/app.asar',
  ])('never ships the project file %s', (file) => {
    expect(linux.includes(file)).toBe(false);
  });

  it.each([
    `${ORT}/linux/arm64/libonnxruntime.so.1`,
    `${ORT}/darwin/arm64/libonnxruntime.1.dylib`,
    `${ORT}/win32/x64/onnxruntime_binding.node`,
    `${ORT}/win32/x64/onnxruntime.dll`,
    'node_modules/onnxruntime-node/dist/backend.js.map',
    'node_modules/onnxruntime-node/README.md',
    'node_modules/zod/src/index.ts',
    'node_modules/zod/index.d.ts',
    'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
    'node_modules/better-sqlite3/src/better_sqlite3.cpp',
    'node_modules/better-sqlite3/build/Release/test_extension.node',
    'node_modules/better-sqlite3/build/Release/obj.target/better_sqlite3.node',
    'node_modules/better-sqlite3/binding.gyp',
    'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
    'node_modules/ssh2/test/test-client.js',
    'node_modules/some-dep/lib/util.test.js',
    'node_modules/some-dep/.npmrc',
  ])('never ships the dependency file %s on linux-x64', (file) => {
    expect(linux.includes(file)).toBe(false);
  });

  it('keeps only the target arch of onnxruntime-node on linux-arm64', () => {
    const arm = selection('linux', 'arm64');
    expect(arm.includes(`${ORT}/linux/arm64/libonnxruntime.so.1`)).toBe(true);
    expect(arm.isUnpacked(`${ORT}/linux/arm64/libonnxruntime.so.1`)).toBe(true);
    expect(arm.includes(`${ORT}/linux/x64/libonnxruntime.so.1`)).toBe(false);
    expect(arm.includes(`${ORT}/darwin/arm64/libonnxruntime.1.dylib`)).toBe(false);
  });

  it('ships and unpacks the dylibs on mac-arm64 and the DLLs on win-x64', () => {
    const mac = selection('mac', 'arm64');
    for (const f of [
      `${ORT}/darwin/arm64/libonnxruntime.1.dylib`,
      `${ORT}/darwin/arm64/onnxruntime_binding.node`,
    ]) {
      expect([f, mac.includes(f), mac.isUnpacked(f)]).toEqual([f, true, true]);
    }
    expect(mac.includes(`${ORT}/linux/arm64/libonnxruntime.so.1`)).toBe(false);
    const win = selection('win', 'x64');
    for (const f of [`${ORT}/win32/x64/onnxruntime.dll`, `${ORT}/win32/x64/DirectML.dll`]) {
      expect([f, win.includes(f), win.isUnpacked(f)]).toEqual([f, true, true]);
    }
    expect(win.includes(`${ORT}/win32/arm64/onnxruntime.dll`)).toBe(false);
  });
});

describe('electron-builder behaviours the config depends on', () => {
  const base = { appId: 'x', files: ['out/**/*', 'package.json'], asarUnpack: ['**/*.node'] };
  const app = { name: 'coral-studio', productName: 'Coral Studio', version: '0.1.0' };

  it('ships the whole project when a platform-level files list has only "!" patterns', () => {
    const config = normalizeBuilderConfig({ ...base, linux: { files: ['!node_modules/x/**'] } });
    const sel = createSelection({
      projectDir: REPO,
      config,
      target: { platform: 'linux', arch: 'x64' },
      app,
    });
    expect(sel.includes('test/unit/x.test.ts')).toBe(true);
    expect(sel.includes('electron/main/index.ts')).toBe(true);
  });

  it('ships only the top-level list when there is no platform-level files', () => {
    const sel = createSelection({
      projectDir: REPO,
      config: normalizeBuilderConfig(base),
      target: { platform: 'linux', arch: 'x64' },
      app,
    });
    expect(sel.includes('out/main/index.js')).toBe(true);
    expect(sel.includes('test/unit/x.test.ts')).toBe(false);
  });

  it('expands ${platform} to the build host and ${os}/${arch} to the target', () => {
    const expand = macroExpander({ platform: 'mac', arch: 'arm64' }, app, {
      hostPlatform: 'linux',
    });
    expect(expand('bin/${platform}/${arch}/${os}')).toBe('bin/linux/arm64/mac');
    expect(macroExpander({ platform: 'win', arch: 'x64' }, app)('${platform}')).toBe('win32');
  });

  it('rejects an unknown macro or an unset ${env.X} like electron-builder does', () => {
    const expand = macroExpander({ platform: 'linux', arch: 'x64' }, app, { env: {} });
    expect(() => expand('dist/${nope}')).toThrow(PatternMacroError);
    expect(() => expand('dist/${env.CORAL_MISSING}')).toThrow(/CORAL_MISSING is not defined/);
  });

  it('splits nested and scoped module paths at their module root', () => {
    expect(splitModulePath('node_modules/a/node_modules/@s/b/lib/x.js')).toEqual({
      moduleRoot: 'node_modules/a/node_modules/@s/b',
      moduleName: '@s/b',
      inner: ['lib', 'x.js'],
    });
    expect(splitModulePath('out/main/index.js')).toBeNull();
  });
});
