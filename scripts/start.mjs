#!/usr/bin/env node
// `npm start`: build with electron-vite, then launch the desktop app. When the Electron binary
// is not installed (it is fetched on first use and some machines cannot reach its download),
// say so in one line and serve the same UI in the browser instead (`coral serve`).
// Extra arguments go to `coral serve` in that case: `npm start -- --open --port 8080`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

/**
 * The Electron executable, or why there is none. Never triggers the `electron` package's
 * on-demand download: its files are checked first, and require('electron') (which throws
 * "Electron failed to install correctly" when the download fails) runs only when they exist.
 */
export function findElectron() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const candidate = override
    ? path.join(override, relative || 'electron')
    : relative
      ? path.join(pkgDir, 'dist', relative)
      : undefined;
  if (!candidate || !existsSync(candidate)) {
    return { reason: 'its binary was never downloaded: node_modules/electron/dist is missing' };
  }
  try {
    return { executable: require('electron') };
  } catch (e) {
    return { reason: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const viteBin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const build = spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('npm start: the build failed (see above); nothing was started.');
    process.exit(build.status ?? 1);
  }
  const electron = findElectron();
  if (electron.executable) {
    run(electron.executable, [root, ...process.argv.slice(2)]);
  } else {
    console.log(
      `Electron is not available (${electron.reason}), so Coral Studio is served to your browser instead.`,
    );
    run(process.execPath, [path.join(root, 'bin', 'coral.js'), 'serve', ...process.argv.slice(2)]);
  }
}
