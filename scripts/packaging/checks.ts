/**
 * The packaging check's rules, in three groups, each returning findings (never throwing on a
 * bad project): the electron-builder config itself, the built output (out/), and, per target
 * OS/arch, "is everything the app loads packaged (and unpacked where native), and nothing else".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  findWebPreferences,
  isBuiltin,
  moduleReferences,
  packageNameOf,
  parseBundle,
  runAsNodeUses,
  SANDBOXED_PRELOAD_MODULES,
  siblingEntryReferences,
  webPreferencesProblems,
} from './bundle-analysis';
import {
  type BuilderConfig,
  normalizeBuilderConfig,
  validateBuilderConfig,
} from './builder-internals';
import { pageCspProblems } from './csp';
import {
  type AppInfo,
  type BuilderPlatform,
  createSelection,
  type Target,
  targetName,
} from './file-selection';
import { staleIcons } from './generate-icons';
import { parseIcns, parseIco, readPngInfo } from './icon-formats';
import { fileSize, listFiles, type ProductionDependency, runtimeInventory } from './runtime-files';

export type Level = 'error' | 'warning' | 'info';
export interface Finding {
  level: Level;
  area: string;
  message: string;
}
const error = (area: string, message: string): Finding => ({ level: 'error', area, message });
const warning = (area: string, message: string): Finding => ({ level: 'warning', area, message });
const info = (area: string, message: string): Finding => ({ level: 'info', area, message });

export interface PackageJson {
  name: string;
  productName?: string;
  version: string;
  main?: string;
  author?: string | { name?: string; email?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Project {
  dir: string;
  pkg: PackageJson;
  app: AppInfo;
  /** electron-builder.yml as written */
  raw: BuilderConfig;
  /** as electron-builder sees it (normalizeBuilderConfig) */
  config: BuilderConfig;
}

export function loadProject(dir: string, configFile = 'electron-builder.yml'): Project {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  const raw = (YAML.parse(readFileSync(path.join(dir, configFile), 'utf8')) ?? {}) as BuilderConfig;
  const app = { name: pkg.name, productName: pkg.productName ?? pkg.name, version: pkg.version };
  return { dir, pkg, app, raw, config: normalizeBuilderConfig(raw) };
}

/** The installers this issue promises; the config must declare at least these. */
export const REQUIRED_TARGETS: ReadonlyArray<{
  platform: BuilderPlatform;
  target: string;
  arch: string;
}> = [
  { platform: 'linux', target: 'AppImage', arch: 'x64' },
  { platform: 'linux', target: 'AppImage', arch: 'arm64' },
  { platform: 'linux', target: 'deb', arch: 'x64' },
  { platform: 'linux', target: 'deb', arch: 'arm64' },
  { platform: 'mac', target: 'dmg', arch: 'x64' },
  { platform: 'mac', target: 'dmg', arch: 'arm64' },
  { platform: 'win', target: 'nsis', arch: 'x64' },
];

interface TargetEntry {
  target: string;
  arch?: string | string[];
}

/** (platform, installer, arch) triples the config declares. */
export function declaredInstallers(
  config: BuilderConfig,
): Array<{ platform: BuilderPlatform; target: string; arch: string }> {
  const out: Array<{ platform: BuilderPlatform; target: string; arch: string }> = [];
  for (const platform of ['linux', 'mac', 'win'] as const) {
    const section = config[platform] as { target?: unknown } | undefined;
    const entries =
      section?.target === undefined
        ? []
        : Array.isArray(section.target)
          ? section.target
          : [section.target];
    for (const e of entries as Array<string | TargetEntry>) {
      const entry: TargetEntry = typeof e === 'string' ? { target: e } : e;
      const archs =
        entry.arch === undefined ? ['x64'] : Array.isArray(entry.arch) ? entry.arch : [entry.arch];
      for (const arch of archs) out.push({ platform, target: entry.target, arch });
    }
  }
  return out;
}

/** One Target per (OS, arch) the config builds. */
export function declaredTargets(config: BuilderConfig): Target[] {
  const seen = new Map<string, Target>();
  for (const { platform, arch } of declaredInstallers(config))
    seen.set(`${platform}-${arch}`, { platform, arch });
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------

export async function configFindings(project: Project): Promise<Finding[]> {
  const { dir, raw, config, pkg } = project;
  const findings: Finding[] = [];
  const area = 'config';
  try {
    await validateBuilderConfig(config);
  } catch (err) {
    findings.push(
      error(
        area,
        `electron-builder rejects electron-builder.yml: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`,
      ),
    );
  }
  if (config.asar === false)
    findings.push(error(area, 'asar is off, but the OnlyLoadAppFromAsar fuse requires app.asar'));
  const afterPack = raw.afterPack;
  if (typeof afterPack !== 'string')
    findings.push(error(area, 'no afterPack hook: the Electron fuses would not be set'));
  else if (!existsSync(path.join(dir, afterPack)))
    findings.push(error(area, `afterPack ${afterPack} does not exist`));
  if (config.npmRebuild === false)
    findings.push(
      error(
        area,
        "npmRebuild is off: native modules would keep Node's ABI and fail to load in Electron",
      ),
    );
  if (config.buildDependenciesFromSource !== true) {
    findings.push(
      warning(
        area,
        'buildDependenciesFromSource is off: native modules may come from prebuilt downloads',
      ),
    );
  }
  const declared = declaredInstallers(config);
  for (const req of REQUIRED_TARGETS) {
    if (
      !declared.some(
        (d) =>
          d.platform === req.platform &&
          d.target.toLowerCase() === req.target.toLowerCase() &&
          d.arch === req.arch,
      )
    ) {
      findings.push(error(area, `no ${req.target} installer for ${req.platform} ${req.arch}`));
    }
  }
  const linux = (config.linux ?? {}) as { maintainer?: string; icon?: string };
  const authorEmail =
    typeof pkg.author === 'object' ? pkg.author.email : /<[^>]+@[^>]+>/.test(pkg.author ?? '');
  if (!linux.maintainer && !authorEmail)
    findings.push(
      error(
        area,
        'deb needs a maintainer: set linux.maintainer or an author email in package.json',
      ),
    );
  findings.push(...iconFindings(dir, config));
  return findings;
}

function iconFindings(dir: string, config: BuilderConfig): Finding[] {
  const findings: Finding[] = [];
  const area = 'icons';
  const icon = (platform: string) => (config[platform] as { icon?: string } | undefined)?.icon;
  const check = (file: string | undefined, what: string, test: (abs: string) => string | null) => {
    if (!file)
      return findings.push(
        error(area, `${what}: no icon configured (Electron's default icon would be used)`),
      );
    const abs = path.join(dir, file);
    if (!existsSync(abs)) return findings.push(error(area, `${what}: ${file} does not exist`));
    try {
      const problem = test(abs);
      if (problem) findings.push(error(area, `${what}: ${file} ${problem}`));
    } catch (err) {
      findings.push(error(area, `${what}: ${file} is unreadable: ${(err as Error).message}`));
    }
  };
  check(icon('linux'), 'Linux', (abs) => {
    const pngs = listFiles(abs, '.').filter((f) => /^\d+x\d+\.png$/.test(f));
    for (const size of [256, 512]) {
      const name = `${size}x${size}.png`;
      if (!pngs.includes(name)) return `has no ${name}`;
      const info = readPngInfo(readFileSync(path.join(abs, name)));
      if (info.width !== size || info.height !== size)
        return `${name} is ${info.width}x${info.height}`;
    }
    return null;
  });
  check(icon('mac'), 'macOS', (abs) => {
    const types = parseIcns(readFileSync(abs)).map((e) => e.width);
    return types.includes(512) && types.includes(1024) ? null : 'lacks the 512 and 1024 px images';
  });
  check(icon('win'), 'Windows', (abs) =>
    parseIco(readFileSync(abs)).some((e) => e.size === 256) ? null : 'lacks a 256 px image',
  );
  const iconsDir = path.join(dir, 'resources/icons');
  if (existsSync(path.join(iconsDir, 'icons.json')))
    for (const p of staleIcons(iconsDir)) findings.push(error(area, p));
  return findings;
}

// ---------------------------------------------------------------------------------------------

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');

/** Files statically reachable from `entry` through relative imports (the Electron main's graph). */
function reachable(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file) || !existsSync(path.join(dir, file))) continue;
    seen.add(file);
    for (const ref of moduleReferences(parseBundle(file, read(dir, file)))) {
      if (ref.specifier.startsWith('.'))
        queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.specifier)));
    }
  }
  return [...seen];
}

export function buildFindings(project: Project): Finding[] {
  const { dir, pkg } = project;
  const findings: Finding[] = [];
  const main = path.posix.normalize(pkg.main ?? 'index.js');
  if (!existsSync(path.join(dir, main))) {
    return [error('build', `package.json main (${main}) was not built: run electron-vite build`)];
  }
  const mainFiles = listFiles(dir, 'out/main').filter((f) => /\.[cm]?js$/.test(f));
  const preloadFiles = listFiles(dir, 'out/preload').filter((f) => /\.[cm]?js$/.test(f));
  if (preloadFiles.length === 0) findings.push(error('build', 'out/preload has no bundle'));

  // Window security (DESIGN.md: contextIsolation, sandbox, no nodeIntegration, webSecurity).
  const prefs = mainFiles.flatMap((f) => findWebPreferences(parseBundle(f, read(dir, f))));
  if (prefs.length === 0)
    findings.push(
      error(
        'window',
        'no webPreferences found in out/main: the window security options are not set',
      ),
    );
  for (const p of prefs)
    for (const m of webPreferencesProblems(p)) findings.push(error('window', m));
  const mainText = mainFiles.map((f) => read(dir, f)).join('\n');
  if (!mainText.includes('setWindowOpenHandler'))
    findings.push(
      error('window', 'out/main never calls setWindowOpenHandler: new windows are not denied'),
    );
  if (!mainText.includes('will-navigate'))
    findings.push(
      error(
        'window',
        'out/main does not handle will-navigate: navigation away from the app is not denied',
      ),
    );
  if (
    preloadFiles.length > 0 &&
    !preloadFiles.some((f) => mainText.includes(path.posix.basename(f)))
  ) {
    findings.push(
      error(
        'build',
        `out/main never names the preload (${preloadFiles.map((f) => path.posix.basename(f)).join(', ')})`,
      ),
    );
  }

  // The RunAsNode fuse is off in packaged builds. A child_process.fork kept for the CLI and
  // tests is fine when the Electron main installs utilityProcess.fork through the runtime's
  // child-process seam (setChildForker) before anything is forked.
  const forkSeam = /\butilityProcess\.fork\b/.test(mainText) && /\bsetChildForker\b/.test(mainText);
  for (const f of reachable(dir, main)) {
    for (const m of runAsNodeUses(parseBundle(f, read(dir, f)))) {
      if (forkSeam && /imports child_process\.fork|calls child_process\.fork/.test(m)) {
        findings.push(
          info(
            'fuses',
            `${m}: used only outside Electron (the main process plugs utilityProcess.fork into setChildForker)`,
          ),
        );
        continue;
      }
      findings.push(
        error(
          'fuses',
          `${m}: in the packaged app this starts a second app instance instead (use utilityProcess.fork or worker_threads)`,
        ),
      );
    }
  }

  // Worker / child-process entries the code starts from a path next to itself must be built.
  const built = new Set(mainFiles.map((f) => path.posix.basename(f)));
  for (const f of mainFiles) {
    for (const ref of siblingEntryReferences(parseBundle(f, read(dir, f)))) {
      if (!built.has(ref.name)) {
        findings.push(
          error(
            'build',
            `${f}:${ref.line} starts ${ref.name} from beside the bundle, but the build has no such file: add it as a main entry in electron.vite.config.ts`,
          ),
        );
      }
    }
  }

  // External modules must be packaged: only `dependencies` are.
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
  for (const f of [...mainFiles, ...preloadFiles]) {
    for (const ref of moduleReferences(parseBundle(f, read(dir, f)))) {
      const name = packageNameOf(ref.specifier);
      if (!name || name === 'electron') continue;
      if (devDeps.has(name))
        findings.push(
          error(
            'modules',
            `${f}:${ref.line} loads ${ref.specifier}, a devDependency: it is not packaged`,
          ),
        );
      else if (!deps.has(name))
        findings.push(
          error(
            'modules',
            `${f}:${ref.line} loads ${ref.specifier}, which package.json does not list`,
          ),
        );
    }
  }
  for (const f of preloadFiles) {
    for (const ref of moduleReferences(parseBundle(f, read(dir, f)))) {
      if (
        ref.kind === 'require' &&
        !SANDBOXED_PRELOAD_MODULES.has(ref.specifier) &&
        !ref.specifier.startsWith('.')
      ) {
        const what = isBuiltin(ref.specifier) ? 'a Node module' : 'a package';
        findings.push(
          error(
            'preload',
            `${f}:${ref.line} requires ${ref.specifier} (${what}); a sandboxed preload can only require electron, events, timers and url: bundle it`,
          ),
        );
      }
    }
  }

  // Renderer CSP.
  const html = 'out/renderer/index.html';
  if (!existsSync(path.join(dir, html))) findings.push(error('csp', `${html} was not built`));
  else for (const m of pageCspProblems(read(dir, html), html)) findings.push(error('csp', m));

  // Secrets and embedded sources in what we wrote ourselves.
  for (const f of listFiles(dir, 'out').filter((x) => /\.(c|m)?js$|\.html$/.test(x))) {
    const text = read(dir, f);
    if (/sourceMappingURL=data:/.test(text))
      findings.push(error('secrets', `${f} embeds an inline source map (the original sources)`));
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\\n]*[A-Za-z0-9+/=]{40}/.test(text))
      findings.push(error('secrets', `${f} contains a private key`));
  }
  return findings.filter((f, i) => findings.findIndex((g) => g.message === f.message) === i);
}

// ---------------------------------------------------------------------------------------------

/** Project files that are never part of the app, by kind (for readable messages). */
export function devFileKind(rel: string): string | null {
  if (/\.map$/.test(rel)) return 'a source map';
  if (
    /(^|\/)(\.env(\.[^/]*)?|\.npmrc|id_(rsa|ed25519|ecdsa)[^/]*|[^/]*\.pem|[^/]*\.key)$/.test(rel)
  )
    return 'a file that may hold secrets';
  if (
    /(^|\/)(test|tests|__tests__|__mocks__)\//.test(rel) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(rel)
  )
    return 'a test file';
  if (/\.(ts|tsx|mts|cts)$/.test(rel)) return 'TypeScript source';
  return null;
}

export interface TargetReport {
  target: Target;
  findings: Finding[];
  files: number;
  bytes: number;
  unpackedBytes: number;
}

export function targetFindings(
  project: Project,
  target: Target,
  deps: ProductionDependency[],
): TargetReport {
  const { dir, config, app } = project;
  const name = targetName(target);
  const findings: Finding[] = [];
  const sel = createSelection({ projectDir: dir, config, target, app });
  const inv = runtimeInventory(dir, target, deps);
  for (const p of inv.problems) findings.push(error(name, p));

  const runtime = new Set(inv.files.map((f) => f.path));
  for (const f of inv.files) {
    if (!sel.includes(f.path))
      findings.push(error(name, `${f.path} is not packaged (${f.why}): add it to files`));
    else if (f.unpack && !sel.isUnpacked(f.path))
      findings.push(
        error(name, `${f.path} stays inside app.asar (${f.why}): add it to asarUnpack`),
      );
  }
  for (const dep of inv.missingNative) {
    findings.push(
      warning(
        name,
        `${dep} ships no native binary for ${name}: it will fail to load there (the app reports it and goes on)`,
      ),
    );
  }
  for (const f of inv.foreignNative) {
    if (sel.includes(f))
      findings.push(
        warning(
          name,
          `${f} (${(fileSize(dir, f) / 1e6).toFixed(1)} MB) is built for another OS/arch but is packaged`,
        ),
      );
  }
  for (const f of inv.unloadable) {
    if (sel.includes(f))
      findings.push(
        error(
          name,
          `${f} is a V8-ABI addon nothing rebuilds for Electron: it cannot load; exclude it`,
        ),
      );
  }

  // Nothing but run-time files from the project; no dev files from dependencies.
  const outputDir = ((config.directories ?? {}) as { output?: string }).output ?? 'dist';
  const projectFiles = listFiles(dir, '.', (d) => ['node_modules', '.git', outputDir].includes(d));
  let files = 0;
  let bytes = 0;
  let unpackedBytes = 0;
  const count = (f: string) => {
    const size = fileSize(dir, f);
    files++;
    bytes += size;
    if (sel.isUnpacked(f)) unpackedBytes += size;
  };
  for (const f of projectFiles) {
    if (!sel.includesAppFile(f)) continue;
    count(f);
    if (!runtime.has(f))
      findings.push(
        error(
          name,
          `${f} is packaged but never loaded at run time (${devFileKind(f) ?? 'not a run-time file'})`,
        ),
      );
  }
  for (const dep of deps) {
    for (const f of dep.files) {
      if (!sel.includesModuleFile(f)) continue;
      count(f);
      const kind = devFileKind(f);
      if (kind && !(kind === 'TypeScript source' && f.endsWith('.d.ts')))
        findings.push(error(name, `${f} is packaged but is ${kind}`));
    }
  }
  return { target, findings, files, bytes, unpackedBytes };
}
