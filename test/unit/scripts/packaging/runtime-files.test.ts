import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cssReferences,
  htmlReferences,
  isForTarget,
  nativeKind,
  nativeTargetOf,
  packageEntries,
  productionDependencies,
  scanRenderer,
} from '../../../../scripts/packaging/runtime-files';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coral-runtime-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('renderer assets', () => {
  it('reads src/href of scripts, styles and images, skipping comments', () => {
    const html = `<script type="module" src="./assets/a.js"></script><link rel=stylesheet href='./assets/b.css'>
      <!-- <script src="./old.js"></script> --><img src=./logo.png alt=x><a href="./not-loaded.html">`;
    expect(htmlReferences(html)).toEqual(['./assets/a.js', './assets/b.css', './logo.png']);
  });

  it('reads url() and @import of a stylesheet', () => {
    expect(
      cssReferences(
        `@import "./base.css";@font-face{src:url(./f.woff2) format("woff2"),url('data:x')}`,
      ),
    ).toEqual(['./f.woff2', 'data:x', './base.css']);
  });

  it('follows the page through CSS to fonts and reports nothing for a relative, complete build', () => {
    const dir = tree({
      'out/renderer/index.html':
        '<script src="./assets/a.js"></script><link href="./assets/b.css" rel="stylesheet">',
      'out/renderer/assets/a.js': '',
      'out/renderer/assets/b.css': 'body{background:url(./bg.png?v=2)}',
      'out/renderer/assets/bg.png': '',
    });
    expect(scanRenderer(dir)).toEqual({
      files: [
        'out/renderer/assets/a.js',
        'out/renderer/assets/b.css',
        'out/renderer/assets/bg.png',
        'out/renderer/index.html',
      ],
      problems: [],
    });
  });

  it.each([
    ['<script src="/assets/a.js"></script>', /absolute path: under file:\/\//],
    ['<script src="./assets/missing.js"></script>', /was not built/],
    ['<script src="https://cdn.example.com/react.js"></script>', /from the network/],
    ['<script src="../../secret.js"></script>', /outside out\/renderer/],
  ])('reports %s', (html, message) => {
    expect(scanRenderer(tree({ 'out/renderer/index.html': html })).problems.join('\n')).toMatch(
      message,
    );
  });

  it('reports a missing page', () => {
    expect(scanRenderer(tree({})).problems).toEqual(['out/renderer/index.html does not exist']);
  });
});

describe('native files and their targets', () => {
  it.each([
    ['node_modules/a/build/Release/a.node', 'addon'],
    ['node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', 'shared-library'],
    ['node_modules/x/lib/libfoo.so', 'shared-library'],
    ['node_modules/x/libfoo.1.2.dylib', 'shared-library'],
    ['node_modules/x/DirectML.dll', 'shared-library'],
    ['node_modules/x/lib/sort.js', null],
    ['node_modules/x/lib/so.json', null],
  ])('classifies %s as %s', (file, kind) => {
    expect(nativeKind(file)).toBe(kind);
  });

  it.each([
    [
      'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/x.node',
      { os: 'darwin', arch: 'arm64' },
    ],
    [
      'node_modules/@rolldown/binding-linux-x64-gnu/rolldown-binding.linux-x64-gnu.node',
      { os: 'linux', arch: 'x64' },
    ],
    ['node_modules/x/prebuilds/win32-ia32/x.node', { os: 'win32', arch: 'ia32' }],
    [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      { os: undefined, arch: undefined },
    ],
  ])('reads the target of %s from its path', (file, expected) => {
    expect(nativeTargetOf(file)).toEqual(expected);
  });

  it('keeps a binary without markers for every target and one with markers for its own', () => {
    expect(
      isForTarget('node_modules/b/build/Release/b.node', { platform: 'mac', arch: 'arm64' }),
    ).toBe(true);
    expect(
      isForTarget('node_modules/o/bin/linux/arm64/o.node', { platform: 'linux', arch: 'arm64' }),
    ).toBe(true);
    expect(
      isForTarget('node_modules/o/bin/linux/arm64/o.node', { platform: 'linux', arch: 'x64' }),
    ).toBe(false);
    expect(
      isForTarget('node_modules/o/bin/darwin/arm64/o.node', { platform: 'linux', arch: 'arm64' }),
    ).toBe(false);
  });
});

describe('production dependencies', () => {
  it.each([
    ['main', { main: 'lib/index.js' }, ['lib/index.js']],
    ['no main', {}, ['index.js']],
    ['exports string', { exports: './dist/x.cjs' }, ['dist/x.cjs']],
    [
      'conditional exports with a types and a source condition',
      {
        exports: {
          '.': {
            '@zod/source': './src/index.ts',
            types: './index.d.ts',
            import: './index.js',
            require: './index.cjs',
          },
          './v4': './v4/index.js',
        },
      },
      ['index.js', 'index.cjs'],
    ],
    ['types only', { exports: { '.': { types: './index.d.ts' } } }, []],
  ])('finds the entry files of a package with %s', (_name, pkg, entries) => {
    expect(packageEntries(pkg)).toEqual(entries);
  });

  it('walks dependencies with Node resolution, nested and scoped, without devDependencies', () => {
    const dir = tree({
      'package.json': JSON.stringify({
        dependencies: { a: '1', '@s/b': '1' },
        optionalDependencies: { gone: '1' },
        devDependencies: { dev: '1' },
      }),
      'node_modules/a/package.json': JSON.stringify({ dependencies: { c: '1' } }),
      'node_modules/a/index.js': '',
      'node_modules/a/node_modules/c/package.json': JSON.stringify({ main: 'c.js' }),
      'node_modules/a/node_modules/c/c.js': '',
      'node_modules/@s/b/package.json': JSON.stringify({ dependencies: { c: '1' } }),
      'node_modules/@s/b/index.js': '',
      'node_modules/c/package.json': JSON.stringify({ main: 'top.js' }),
      'node_modules/c/top.js': '',
      'node_modules/dev/package.json': '{}',
    });
    const { deps, problems } = productionDependencies(dir);
    expect(problems).toEqual([]);
    expect(deps.map((d) => d.dir)).toEqual([
      'node_modules/@s/b',
      'node_modules/a',
      'node_modules/a/node_modules/c',
      'node_modules/c',
    ]);
    expect(deps.find((d) => d.dir === 'node_modules/a')?.files).toEqual([
      'node_modules/a/index.js',
      'node_modules/a/package.json',
    ]);
    expect(deps.find((d) => d.dir === 'node_modules/c')?.entries).toEqual([
      'node_modules/c/top.js',
    ]);
  });

  it('reports a missing required dependency, not a missing optional one', () => {
    const dir = tree({
      'package.json': JSON.stringify({
        dependencies: { absent: '1' },
        optionalDependencies: { alsoAbsent: '1' },
      }),
    });
    expect(productionDependencies(dir).problems).toEqual([
      'package.json depends on absent, which is not installed (run npm ci)',
    ]);
  });
});
