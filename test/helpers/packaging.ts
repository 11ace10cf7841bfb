/**
 * A throwaway project laid out like Coral Studio after `electron-vite build`, for the packaging
 * check: the repository's package.json, electron-builder.yml, packaging scripts, icons and
 * sample models, node_modules linked to the repository's (real production dependencies, see
 * linkNodeModules), and a small but well-formed out/ (main with a secure window, sandboxed
 * preload, renderer page with the repository's CSP). Tests break one thing at a time and expect one finding.
 */
import {
  copyFileSync,
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { productionDependencies } from '../../scripts/packaging/runtime-files';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const GOOD_MAIN = `import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as ort from 'onnxruntime-node';
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const secure = { contextIsolation: true, sandbox: !0, nodeIntegration: false, webSecurity: true };
function createWindow() {
  const win = new BrowserWindow({
    width: 1200,
    webPreferences: { ...secure, preload: path.join(__dirname, '../preload/index.cjs') },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.loadFile(path.join(__dirname, '../renderer/index.html'));
  return { Database, ort };
}
app.whenReady().then(createWindow);
`;

export const GOOD_PRELOAD = `"use strict";
const electron = require("electron");
electron.contextBridge.exposeInMainWorld("coral", { invoke: (c, p) => electron.ipcRenderer.invoke(c, p) });
`;

function repoCsp(): string {
  const html = readFileSync(path.join(REPO, 'renderer', 'index.html'), 'utf8');
  const m = /content="(default-src[^"]*)"/.exec(html);
  return m
    ? m[1]
    : "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'";
}

export function goodHtml(csp = repoCsp()): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${csp}" />
    <title>Coral Studio</title>
    <script type="module" crossorigin src="./assets/index-Bx1.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/index-Cq2.css">
  </head>
  <body><div id="root"></div></body>
</html>
`;
}

/** Hard-links (copies, across file systems) a package's files, keeping its own symlinks. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dest = path.join(to, e.name);
    if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dest);
    else if (e.isDirectory()) linkTree(src, dest);
    else {
      try {
        linkSync(src, dest);
      } catch {
        copyFileSync(src, dest);
      }
    }
  }
}

/**
 * node_modules for a synthetic project: the production dependencies (what electron-builder
 * packs) as real directories hard-linked from the repository's, every other package (the tools:
 * electron-builder, @electron/fuses, …) a symlink to the repository's.
 *
 * Not one symlink to the whole node_modules: electron-builder collects the dependencies with
 * `npm list`, and npm sees a package whose real path lies outside the project as an extraneous
 * link and lists none of its dependencies — so only the top-level ones got packed. It went
 * unnoticed where npm could answer from node_modules/.package-lock.json instead, which it does
 * only while that file is newer than node_modules: true after `npm install`, not in a fresh
 * clone where `npm ci` is followed by a Vitest run (it creates node_modules/.vite).
 */
function linkNodeModules(repoModules: string, dest: string): void {
  const packed = new Set(
    productionDependencies(REPO).deps.map(
      (d) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(d.dir)?.[1] ?? d.name,
    ),
  );
  const place = (name: string) => {
    const src = path.join(repoModules, name);
    if (packed.has(name)) linkTree(src, path.join(dest, name));
    else symlinkSync(src, path.join(dest, name), 'dir');
  };
  mkdirSync(dest, { recursive: true });
  for (const e of readdirSync(repoModules, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue; // .bin, .package-lock.json, caches
    if (!e.name.startsWith('@')) {
      place(e.name);
      continue;
    }
    mkdirSync(path.join(dest, e.name));
    for (const s of readdirSync(path.join(repoModules, e.name))) place(`${e.name}/${s}`);
  }
}

export interface SyntheticProject {
  dir: string;
  write(rel: string, content: string | Buffer): void;
  read(rel: string): string;
  dispose(): void;
}

export function makeProject(): SyntheticProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coral-pkg-test-'));
  const write = (rel: string, content: string | Buffer) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  };
  for (const f of ['package.json', 'electron-builder.yml'])
    cpSync(path.join(REPO, f), path.join(dir, f));
  cpSync(path.join(REPO, 'scripts', 'packaging'), path.join(dir, 'scripts', 'packaging'), {
    recursive: true,
  });
  cpSync(path.join(REPO, 'resources', 'icons'), path.join(dir, 'resources', 'icons'), {
    recursive: true,
  });
  mkdirSync(path.join(dir, 'resources', 'models'), { recursive: true });
  cpSync(
    path.join(REPO, 'resources', 'models', 'tiny-classifier.onnx'),
    path.join(dir, 'resources', 'models', 'tiny-classifier.onnx'),
  );
  linkNodeModules(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  write('resources/boards/rock-5b.json', '{"name":"Radxa ROCK 5B","soc":"rk3588"}\n');
  write('out/main/index.js', GOOD_MAIN);
  write('out/main/cli.js', "import './chunks/shared.js';\nconsole.log('coral');\n");
  write('out/main/chunks/shared.js', 'export const x = 1;\n');
  write('out/preload/index.cjs', GOOD_PRELOAD);
  write('out/renderer/index.html', goodHtml());
  write('out/renderer/assets/index-Bx1.js', 'console.log("renderer");\n');
  write(
    'out/renderer/assets/index-Cq2.css',
    '@font-face{src:url(./inter-Dk3.woff2)}body{margin:0}\n',
  );
  write('out/renderer/assets/inter-Dk3.woff2', Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  // Sources and tests that must never be packaged.
  write('electron/main/index.ts', 'export {};\n');
  write('test/unit/x.test.ts', 'export {};\n');
  return {
    dir,
    write,
    read: (rel) => readFileSync(path.join(dir, rel), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
