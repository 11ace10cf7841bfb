import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'Coral Studio';

/**
 * The directory that holds the app's state (run history, known hosts, boards, plugins).
 * Mirrors Electron's `app.getPath('userData')` so the CLI, the web host and the desktop app
 * share one store; `CORAL_DATA_DIR` overrides it.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CORAL_DATA_DIR?.trim();
  if (override) return path.resolve(override);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

export function defaultPluginDir(dataDir: string): string {
  return path.join(dataDir, 'plugins');
}

/**
 * The repository / installed app root (where package.json and resources/ live): the nearest
 * directory above this module with a package.json. Source is electron/runtime/paths.ts, the
 * build puts this code in out/main/*.js or out/main/chunks/*.js: the depth differs.
 */
export function appRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(here, '..', '..');
  }
}

export function resourcesDir(): string {
  return process.env.CORAL_RESOURCES_DIR ?? path.join(appRoot(), 'resources');
}
