import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import semver from 'semver';
import { APP_VERSION } from './version';
import { LoadError } from './modules';
import { formatIssues } from './config-schema';

/** The `coral` field of a plugin's package.json. */
const manifestSchema = z
  .object({
    backends: z.array(z.string().min(1)).optional(),
    patches: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((m) => (m.backends?.length ?? 0) + (m.patches?.length ?? 0) > 0, {
    message: 'lists no "backends" and no "patches" entries',
  });

export interface PluginCandidate {
  /** Package name from package.json (or the folder name when the manifest is unreadable). */
  name: string;
  version: string;
  dir: string;
  backends: string[];
  patches: string[];
}

export interface DiscoveryResult {
  plugins: PluginCandidate[];
  /** Packages that look like plugins but cannot be used; phase `discover`. */
  problems: Array<{ name: string; dir: string; error: LoadError }>;
  /** Directories that were searched and exist. */
  searched: string[];
}

/** The package folders directly inside a node_modules directory, scoped ones included. */
function packageDirs(nodeModules: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(nodeModules, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(nodeModules, e.name);
    if (!e.isDirectory() && !e.isSymbolicLink()) continue;
    if (e.name.startsWith('@')) {
      for (const s of safeReaddir(full)) if (!s.startsWith('.')) out.push(path.join(full, s));
    } else out.push(full);
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Resolves an entry inside its package; entries may not escape the package folder. */
function entryPath(pkgDir: string, entry: string, pkgName: string): string {
  const full = path.resolve(pkgDir, entry);
  const rel = path.relative(pkgDir, full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LoadError(
      'discover',
      'PLUGIN_BAD_MANIFEST',
      `${pkgName}: entry "${entry}" points outside the package.`,
      {
        hint: 'Entries are paths inside the package, like "./dist/adapter.js".',
      },
    );
  }
  return full;
}

/**
 * Finds plugin packages: every package in `DIR/node_modules` (or DIR itself when it is a
 * node_modules folder) whose package.json has a `coral` field. Sorted by name so load order
 * (and therefore which duplicate wins) does not depend on the file system.
 */
export function discoverPlugins(dirs: string[]): DiscoveryResult {
  const result: DiscoveryResult = { plugins: [], problems: [], searched: [] };
  const seenPackages = new Set<string>();
  for (const dir of dirs) {
    const nodeModules =
      path.basename(dir) === 'node_modules' ? dir : path.join(dir, 'node_modules');
    if (!fs.existsSync(nodeModules)) continue;
    result.searched.push(dir);
    for (const pkgDir of packageDirs(nodeModules).sort()) {
      const manifestFile = path.join(pkgDir, 'package.json');
      let text: string;
      try {
        text = fs.readFileSync(manifestFile, 'utf8');
      } catch {
        continue; // not a package
      }
      const folderName = path.relative(nodeModules, pkgDir).split(path.sep).join('/');
      let pkg: Record<string, unknown>;
      try {
        pkg = JSON.parse(text) as Record<string, unknown>;
        if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg))
          throw new Error('not an object');
      } catch (e) {
        // Only report broken manifests that mention coral: a random broken package is not ours.
        if (text.includes('"coral"')) {
          result.problems.push({
            name: folderName,
            dir: pkgDir,
            error: new LoadError(
              'discover',
              'PLUGIN_BAD_MANIFEST',
              `${manifestFile} is not valid JSON: ${(e as Error).message}`,
              { hint: 'Reinstall the plugin package; its package.json is damaged.' },
            ),
          });
        }
        continue;
      }
      if (!('coral' in pkg)) continue;
      const name = typeof pkg.name === 'string' && pkg.name ? pkg.name : folderName;
      const version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
      try {
        const manifest = manifestSchema.safeParse(pkg.coral);
        if (!manifest.success) {
          throw new LoadError(
            'discover',
            'PLUGIN_BAD_MANIFEST',
            `${name}: the "coral" field of package.json is invalid: ${formatIssues(manifest.error.issues).join('; ')}`,
            {
              hint: 'Expected { "coral": { "backends": ["./dist/adapter.js"], "patches": [...] } }.',
            },
          );
        }
        const engines = (pkg.engines as Record<string, unknown> | undefined)?.['coral-studio'];
        if (
          typeof engines === 'string' &&
          semver.validRange(engines) &&
          !semver.satisfies(APP_VERSION, engines, { includePrerelease: true })
        ) {
          throw new LoadError(
            'discover',
            'PLUGIN_INCOMPATIBLE',
            `${name}@${version} requires coral-studio ${engines}; this is ${APP_VERSION}.`,
            {
              hint: 'Install a plugin version made for this Coral Studio, or update Coral Studio.',
            },
          );
        }
        if (seenPackages.has(name)) {
          throw new LoadError(
            'discover',
            'PLUGIN_DUPLICATE',
            `${name} is installed in more than one plugin directory; ${pkgDir} was ignored.`,
            {
              hint: 'Remove one of the copies.',
            },
          );
        }
        seenPackages.add(name);
        result.plugins.push({
          name,
          version,
          dir: pkgDir,
          backends: (manifest.data.backends ?? []).map((e) => entryPath(pkgDir, e, name)),
          patches: (manifest.data.patches ?? []).map((e) => entryPath(pkgDir, e, name)),
        });
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        result.problems.push({ name, dir: pkgDir, error: e });
      }
    }
  }
  return result;
}
