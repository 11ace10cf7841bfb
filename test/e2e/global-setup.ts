import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds the app (electron-vite: main, preload, renderer) once; `coral serve` serves out/renderer. */
export default function globalSetup(): void {
  if (
    process.env.E2E_SKIP_BUILD === '1' &&
    fs.existsSync(path.join(root, 'out/renderer/index.html'))
  )
    return;
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
}
