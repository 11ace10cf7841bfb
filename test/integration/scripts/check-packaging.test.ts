/**
 * The packaging check on a project laid out like Coral Studio after `electron-vite build`
 * (test/helpers/packaging.ts): clean as built, then with one mistake at a time, each of which
 * must surface as the finding a developer would need. One run packs for real with
 * electron-builder (stand-in Electron binary) and loads the packaged native modules.
 * When the repository itself has been built (out/), the whole check runs on it as well.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckReport, runCheck } from '../../../scripts/check-packaging';
import {
  GOOD_MAIN,
  GOOD_PRELOAD,
  goodHtml,
  makeProject,
  REPO,
  type SyntheticProject,
} from '../../helpers/packaging';

const projects: SyntheticProject[] = [];
function project(): SyntheticProject {
  const p = makeProject();
  projects.push(p);
  return p;
}
afterEach(() => {
  for (const p of projects.splice(0)) p.dispose();
});

type Yaml = Record<string, unknown> & { files: string[]; asarUnpack: string[] };
function editConfig(p: SyntheticProject, edit: (config: Yaml) => void): void {
  const config = YAML.parse(p.read('electron-builder.yml')) as Yaml;
  edit(config);
  p.write('electron-builder.yml', YAML.stringify(config));
}

const errorsOf = (r: CheckReport) =>
  r.findings.filter((f) => f.level === 'error').map((f) => `[${f.area}] ${f.message}`);
const check = (p: SyntheticProject, targets = ['linux-x64']) =>
  runCheck({ projectDir: p.dir, build: false, pack: false, targets });

describe('packaging check on a built project', () => {
  it('finds nothing wrong with a complete, secure build on Linux, macOS and Windows', async () => {
    const report = await check(project(), ['linux-x64', 'linux-arm64', 'mac-arm64', 'win-x64']);
    expect(errorsOf(report)).toEqual([]);
    expect(report.targets.map((t) => `${t.target.platform}-${t.target.arch}`)).toEqual([
      'linux-x64',
      'linux-arm64',
      'mac-arm64',
      'win-x64',
    ]);
    // onnxruntime's libraries for one OS/arch only: the x64 Linux package is far smaller than all five.
    expect(report.targets[0].unpackedBytes).toBeLessThan(120e6);
  });

  it('warns that onnxruntime-node has no Intel macOS binary', async () => {
    const report = await check(project(), ['mac-x64']);
    expect(errorsOf(report)).toEqual([]);
    expect(report.findings.map((f) => f.message)).toContain(
      'onnxruntime-node ships no native binary for mac-x64: it will fail to load there (the app reports it and goes on)',
    );
  });

  it.each<[string, (p: SyntheticProject) => void, RegExp]>([
    [
      'a page without CSP',
      (p) => p.write('out/renderer/index.html', goodHtml().replace(/<meta http-equiv[^>]*>/, '')),
      /\[csp\] out\/renderer\/index.html has no <meta http-equiv="Content-Security-Policy"> tag/,
    ],
    [
      'an asset referenced with an absolute path',
      (p) =>
        p.write(
          'out/renderer/index.html',
          goodHtml().replace('./assets/index-Bx1.js', '/assets/index-Bx1.js'),
        ),
      /references \/assets\/index-Bx1.js with an absolute path/,
    ],
    [
      'a window without the sandbox',
      (p) => p.write('out/main/index.js', GOOD_MAIN.replace('sandbox: !0', 'sandbox: false')),
      /\[window\] out\/main\/index.js:\d+ webPreferences sets sandbox: false/,
    ],
    [
      'a worker started with child_process.fork',
      (p) => {
        p.write('out/main/index.js', `import './chunks/worker.js';\n${GOOD_MAIN}`);
        p.write(
          'out/main/chunks/worker.js',
          "import { fork } from 'node:child_process';\nfork('onnx-host.js');\n",
        );
      },
      /\[fuses\] out\/main\/chunks\/worker.js:1 imports child_process.fork/,
    ],
    [
      'a worker entry the build does not produce',
      (p) =>
        p.write(
          'out/main/chunks/shared.js',
          "import path from 'node:path';\nexport const host = (dir) => path.join(dir, 'onnx-host.js');\n",
        ),
      /\[build\] out\/main\/chunks\/shared.js:2 starts onnx-host.js from beside the bundle, but the build has no such file/,
    ],
    [
      'the main process importing a devDependency',
      (p) => p.write('out/main/index.js', `import { defineConfig } from 'vite';\n${GOOD_MAIN}`),
      /\[modules\] out\/main\/index.js:1 loads vite, a devDependency: it is not packaged/,
    ],
    [
      'a sandboxed preload requiring a package',
      (p) => p.write('out/preload/index.cjs', `const z = require("zod");\n${GOOD_PRELOAD}`),
      /\[preload\] out\/preload\/index.cjs:1 requires zod \(a package\)/,
    ],
    [
      'sample models left out of files',
      (p) => editConfig(p, (c) => (c.files = c.files.filter((f) => f !== 'resources/models/**/*'))),
      /resources\/models\/tiny-classifier.onnx is not packaged \(sample model/,
    ],
    [
      'sample models left inside app.asar',
      (p) =>
        editConfig(
          p,
          (c) => (c.asarUnpack = c.asarUnpack.filter((f) => f !== 'resources/models/**/*')),
        ),
      /resources\/models\/tiny-classifier.onnx stays inside app.asar/,
    ],
    [
      "onnxruntime's shared libraries left inside app.asar",
      (p) =>
        editConfig(
          p,
          (c) =>
            (c.asarUnpack = c.asarUnpack.filter(
              (f) => !f.startsWith('node_modules/onnxruntime-node'),
            )),
        ),
      /libonnxruntime.so.1 stays inside app.asar \(shared library of onnxruntime-node/,
    ],
    [
      'tests added to files',
      (p) => editConfig(p, (c) => c.files.push('test/**/*')),
      /test\/unit\/x.test.ts is packaged but never loaded at run time \(a test file\)/,
    ],
    [
      'source maps no longer excluded',
      (p) => {
        p.write(
          'out/main/index.js.map',
          '{"version":3,"sources":["../../electron/main/index.ts"]}',
        );
        editConfig(p, (c) => (c.files = c.files.filter((f) => f !== '!**/*.map')));
      },
      /out\/main\/index.js.map is packaged but never loaded at run time \(a source map\)/,
    ],
    [
      'an OS filter in a platform-level files list',
      (p) =>
        editConfig(p, (c) => (c.linux = { ...(c.linux as object), files: ['!node_modules/x/**'] })),
      /electron\/main\/index.ts is packaged but never loaded at run time \(TypeScript source\)/,
    ],
    [
      'no afterPack hook',
      (p) => editConfig(p, (c) => delete c.afterPack),
      /\[config\] no afterPack hook: the Electron fuses would not be set/,
    ],
    [
      'native rebuild off',
      (p) => editConfig(p, (c) => (c.npmRebuild = false)),
      /npmRebuild is off/,
    ],
    [
      'no arm64 Linux installers',
      (p) =>
        editConfig(
          p,
          (c) =>
            (c.linux = {
              ...(c.linux as object),
              target: [
                { target: 'AppImage', arch: ['x64'] },
                { target: 'deb', arch: ['x64'] },
              ],
            }),
        ),
      /\[config\] no AppImage installer for linux arm64/,
    ],
    [
      'a misspelt option',
      (p) => editConfig(p, (c) => (c.asarUnpak = ['x'])),
      /electron-builder rejects electron-builder.yml: .*asarUnpak/,
    ],
  ])('reports %s', async (_name, breakIt, expected) => {
    const p = project();
    breakIt(p);
    const errors = errorsOf(await check(p));
    expect(errors.find((e) => expected.test(e)) ?? errors).toMatch(expected);
  });

  it('packs for real: the archive has what the app loads, the hook set the fuses, and the native modules load', async () => {
    const report = await runCheck({
      projectDir: project().dir,
      build: false,
      pack: true,
      targets: [`linux-${process.arch}`],
    });
    expect(errorsOf(report)).toEqual([]);
    const infos = report.findings.filter((f) => f.level === 'info').map((f) => f.message);
    const info = infos.find((m) => m.includes('onnxruntime-node:')) ?? infos.join('\n');
    expect(info).toMatch(/onnxruntime-node: tiny-classifier.onnx inputs \w+/);
    expect(info).toMatch(/better-sqlite3: \{"answer":42\}/);
    expect(info).toMatch(/dlopen'ed [1-9]\d* unpacked addons/);
  }, 180_000);
});

describe.runIf(existsSync(path.join(REPO, 'out', 'main', 'index.js')))(
  'packaging check on this repository (out/ is built)',
  () => {
    it('finds no error in the configuration, the build output or any target', async () => {
      const report = await runCheck({ projectDir: REPO, build: false, pack: false });
      expect(errorsOf(report)).toEqual([]);
    }, 120_000);
  },
);
