/**
 * What the packaged app loads at run time, found from the build output and the installed
 * production dependencies (never from electron-builder.yml, which is what gets checked):
 * the main/preload bundles, the renderer page and every asset it references, board profiles,
 * sample models, the runtime icon, the native addon, and the production dependencies with
 * their entry files and native binaries for one target OS/arch.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ELECTRON_PLATFORM, type ElectronPlatform, type Target } from './file-selection';
import { classifyAddonFile } from './native-abi';

export type RuntimeKind =
  'main' | 'preload' | 'renderer' | 'resource' | 'native' | 'package' | 'module-entry';

export interface RuntimeFile {
  path: string;
  kind: RuntimeKind;
  /** must be a real file on disk (asarUnpack), not inside app.asar */
  unpack: boolean;
  why: string;
}

/**
 * All files under `dir` as posix paths relative to `base`; [] when `dir` does not exist.
 * `skipDir` (given the directory's relative path) prunes the walk.
 */
export function listFiles(base: string, dir: string, skipDir?: (rel: string) => boolean): string[] {
  const root = path.join(base, dir);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      const rel = path.relative(base, p).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (!skipDir?.(rel)) walk(p);
      } else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

// ---------------------------------------------------------------------------------------------
// Renderer: index.html and everything it references, transitively through CSS.

/** URLs in src/href attributes of an HTML document (script, link, img, source, …). */
export function htmlReferences(html: string): string[] {
  const refs: string[] = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const tag of withoutComments.matchAll(
    /<(script|link|img|source|audio|video|iframe|embed)\b[^>]*>/gi,
  )) {
    for (const attr of tag[0].matchAll(/\s(src|href)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const value = attr[3] ?? attr[4] ?? attr[5] ?? '';
      if (value) refs.push(value);
    }
  }
  return refs;
}

/** URLs in a stylesheet: url(...) and @import. */
export function cssReferences(css: string): string[] {
  const refs: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) {
    const v = m[1] ?? m[2] ?? m[3] ?? '';
    if (v) refs.push(v);
  }
  for (const m of css.matchAll(/@import\s+(?:"([^"]+)"|'([^']+)')/g)) refs.push(m[1] ?? m[2]);
  return refs;
}

export interface RendererScan {
  /** project-relative paths of index.html and every local asset it reaches */
  files: string[];
  problems: string[];
}

/**
 * Follows references from out/renderer/index.html. The page is loaded from file:// (Electron)
 * and from the web host, so references must be relative: "/assets/x.js" resolves to the
 * filesystem root under file:// and the page comes up blank.
 */
export function scanRenderer(projectDir: string, rendererDir = 'out/renderer'): RendererScan {
  const problems: string[] = [];
  const entry = `${rendererDir}/index.html`;
  if (!existsSync(path.join(projectDir, entry)))
    return { files: [], problems: [`${entry} does not exist`] };
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    const text = readFileSync(path.join(projectDir, file), 'utf8');
    const refs = file.endsWith('.html')
      ? htmlReferences(text)
      : file.endsWith('.css')
        ? cssReferences(text)
        : [];
    for (const ref of refs) {
      if (/^(data:|blob:|#|about:)/i.test(ref)) continue;
      if (/^(https?:)?\/\//i.test(ref)) {
        problems.push(
          `${file} loads ${ref} from the network: the app must work offline and the CSP blocks it`,
        );
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) continue; // other schemes (coral:, mailto:) are not files
      if (ref.startsWith('/')) {
        problems.push(
          `${file} references ${ref} with an absolute path: under file:// it resolves to the filesystem root (set base: './')`,
        );
        continue;
      }
      const clean = ref.split(/[?#]/)[0];
      const target = path.posix.normalize(
        path.posix.join(path.posix.dirname(file), decodeURI(clean)),
      );
      if (!target.startsWith(`${rendererDir}/`)) {
        problems.push(`${file} references ${ref}, outside ${rendererDir}`);
        continue;
      }
      if (seen.has(target)) continue;
      if (!existsSync(path.join(projectDir, target))) {
        problems.push(`${file} references ${ref} but ${target} was not built`);
        continue;
      }
      seen.add(target);
      queue.push(target);
    }
  }
  return { files: [...seen].sort(), problems };
}

// ---------------------------------------------------------------------------------------------
// Native binaries and which OS/arch they are for.

export type NativeKind = 'addon' | 'shared-library';

export function nativeKind(file: string): NativeKind | null {
  const base = file.split('/').pop() ?? file;
  if (base.endsWith('.node')) return 'addon';
  if (/\.so(\.\d+)*$/.test(base) || base.endsWith('.dylib') || base.endsWith('.dll'))
    return 'shared-library';
  return null;
}

const OS_TOKENS: Readonly<Record<string, ElectronPlatform>> = {
  linux: 'linux',
  darwin: 'darwin',
  mac: 'darwin',
  macos: 'darwin',
  osx: 'darwin',
  win32: 'win32',
  win: 'win32',
  windows: 'win32',
};
const ARCH_TOKENS: Readonly<Record<string, string>> = {
  x64: 'x64',
  amd64: 'x64',
  x86_64: 'x64',
  arm64: 'arm64',
  aarch64: 'arm64',
  ia32: 'ia32',
  x86: 'ia32',
  arm: 'armv7l',
  armv7l: 'armv7l',
  armhf: 'armv7l',
};

/**
 * The OS and arch a native file is built for, read from its path: folders such as
 * bin/napi-v6/linux/arm64/ or prebuild names such as index.linux-x64-gnu.node. Unknown parts
 * are undefined (a build/Release/ addon is built on the machine that packages).
 */
export function nativeTargetOf(file: string): { os?: ElectronPlatform; arch?: string } {
  const tokens = file
    .replace(/^.*node_modules\//, '')
    .split(/[/._-]+/)
    .map((t) => t.toLowerCase());
  let os: ElectronPlatform | undefined;
  let arch: string | undefined;
  for (const t of tokens) {
    if (!os && OS_TOKENS[t]) os = OS_TOKENS[t];
    if (!arch && ARCH_TOKENS[t]) arch = ARCH_TOKENS[t];
  }
  return { os, arch };
}

export function isForTarget(file: string, target: Target): boolean {
  const { os, arch } = nativeTargetOf(file);
  return (
    (os === undefined || os === ELECTRON_PLATFORM[target.platform]) &&
    (arch === undefined || arch === target.arch)
  );
}

// ---------------------------------------------------------------------------------------------
// Production dependencies.

interface PackageJson {
  name?: string;
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface ProductionDependency {
  name: string;
  /** posix path relative to the project, e.g. node_modules/a/node_modules/b */
  dir: string;
  files: string[];
  entries: string[];
}

/** Node's lookup: node_modules/<name> in `fromDir` and each parent up to the project. */
function resolvePackageDir(projectDir: string, fromDir: string, name: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (existsSync(path.join(projectDir, candidate, 'package.json'))) return candidate;
    if (!dir) return null;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/** Conditions Node itself resolves (others, e.g. "types" or a package's "@x/source", it ignores). */
const NODE_CONDITIONS = new Set(['node', 'import', 'require', 'default', 'module-sync']);

/**
 * The files `require(name)` / `import(name)` start from: the "." export under Node's conditions,
 * or `main` (default index.js). Types-only packages have none.
 */
export function packageEntries(pkg: PackageJson): string[] {
  const entries = new Set<string>();
  const collect = (v: unknown) => {
    if (typeof v === 'string') entries.add(path.posix.normalize(v));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      for (const [k, sub] of Object.entries(v)) if (NODE_CONDITIONS.has(k)) collect(sub);
    }
  };
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const exp = pkg.exports;
    const isMap = typeof exp === 'object' && !Array.isArray(exp);
    const keys = isMap ? Object.keys(exp as object) : [];
    if (!isMap) collect(exp);
    else if (keys.some((k) => k.startsWith('.'))) collect((exp as Record<string, unknown>)['.']);
    else collect(exp);
  } else {
    const main = pkg.main ?? 'index.js';
    entries.add(path.posix.normalize(main.endsWith('/') ? `${main}index.js` : main));
  }
  return [...entries].filter((e) => !e.includes('*'));
}

export function productionDependencies(projectDir: string): {
  deps: ProductionDependency[];
  problems: string[];
} {
  const problems: string[] = [];
  const deps = new Map<string, ProductionDependency>();
  const visit = (fromDir: string, pkg: PackageJson, owner: string) => {
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}).map((n) => [n, false] as const),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((n) => [n, true] as const),
    ];
    for (const [name, optional] of wanted) {
      const dir = resolvePackageDir(projectDir, fromDir, name);
      if (!dir) {
        if (!optional)
          problems.push(`${owner} depends on ${name}, which is not installed (run npm ci)`);
        continue;
      }
      if (deps.has(dir)) continue;
      const depPkg = JSON.parse(
        readFileSync(path.join(projectDir, dir, 'package.json'), 'utf8'),
      ) as PackageJson;
      const files = listFiles(projectDir, dir).filter(
        (f) => !f.slice(dir.length + 1).includes('node_modules/'),
      );
      // An entry that is not on disk is not an error here: nothing may ever require it.
      const entries = packageEntries(depPkg)
        .map((e) => `${dir}/${e}`)
        .flatMap((e) =>
          [e, `${e}.js`, `${e}/index.js`]
            .filter(
              (c) =>
                existsSync(path.join(projectDir, c)) && statSync(path.join(projectDir, c)).isFile(),
            )
            .slice(0, 1),
        );
      deps.set(dir, { name, dir, files, entries });
      visit(dir, depPkg, name);
    }
  };
  const rootPkg = JSON.parse(
    readFileSync(path.join(projectDir, 'package.json'), 'utf8'),
  ) as PackageJson;
  visit('', rootPkg, 'package.json');
  return { deps: [...deps.values()].sort((a, b) => a.dir.localeCompare(b.dir)), problems };
}

// ---------------------------------------------------------------------------------------------
// The whole list for one target.

export interface RuntimeInventory {
  files: RuntimeFile[];
  /** native files of production dependencies built for another OS/arch */
  foreignNative: string[];
  /** dependencies that ship native binaries, but none for this target */
  missingNative: string[];
  /**
   * V8-ABI addons that nothing rebuilds for Electron (no binding.gyp at their package root):
   * they can never load in the packaged app, so they must not ship.
   */
  unloadable: string[];
  problems: string[];
}

export function runtimeInventory(
  projectDir: string,
  target: Target,
  deps: ProductionDependency[],
): RuntimeInventory {
  const files = new Map<string, RuntimeFile>();
  const add = (p: string, kind: RuntimeKind, unpack: boolean, why: string) => {
    if (!files.has(p)) files.set(p, { path: p, kind, unpack, why });
  };
  const problems: string[] = [];
  const notMap = (f: string) => !f.endsWith('.map');

  add('package.json', 'package', false, 'Electron reads "main" from it');
  for (const f of listFiles(projectDir, 'out/main').filter(notMap))
    add(f, 'main', false, 'main-process bundle');
  for (const f of listFiles(projectDir, 'out/preload').filter(notMap))
    add(f, 'preload', false, 'preload bundle');
  const renderer = scanRenderer(projectDir);
  problems.push(...renderer.problems);
  for (const f of renderer.files)
    add(f, 'renderer', false, 'referenced by out/renderer/index.html');
  for (const f of listFiles(projectDir, 'out/renderer').filter(notMap))
    add(f, 'renderer', false, 'renderer build output');
  // A profile is a virtual board's file tree; its README.md documents it and the virtual
  // filesystem hides it (electron/boards/sim/vfs.ts), so it is not a run-time file.
  for (const f of listFiles(projectDir, 'resources/boards').filter((f) => !f.endsWith('.md'))) {
    add(f, 'resource', true, 'board profile (read by path, pushed to boards)');
  }
  for (const f of listFiles(projectDir, 'resources/models'))
    add(f, 'resource', true, 'sample model (onnxruntime reads it by path)');
  if (existsSync(path.join(projectDir, 'resources/icons/icon.png'))) {
    add('resources/icons/icon.png', 'resource', false, 'window icon');
  }
  for (const f of listFiles(projectDir, 'native/build/Release').filter((f) =>
    f.endsWith('.node'),
  )) {
    if (f.slice('native/build/Release/'.length).includes('/')) continue;
    add(f, 'native', true, 'Coral native addon (librknnrt)');
    if (classifyAddonFile(path.join(projectDir, f)).abi === 'v8-abi') {
      problems.push(
        `${f} is built against V8's ABI: nothing rebuilds it for Electron; build it with Node-API (node-addon-api)`,
      );
    }
  }

  const foreignNative: string[] = [];
  const missingNative: string[] = [];
  const unloadable: string[] = [];
  for (const dep of deps) {
    for (const e of dep.entries) add(e, 'module-entry', false, `entry point of ${dep.name}`);
    // build/Release/obj.target/ holds intermediate copies that node-gyp leaves behind.
    const native = dep.files.filter((f) => nativeKind(f) !== null && !/\/obj(\.target)?\//.test(f));
    const mine = native.filter((f) => isForTarget(f, target));
    const rebuilt = existsSync(path.join(projectDir, dep.dir, 'binding.gyp'));
    for (const f of native) {
      if (!mine.includes(f)) {
        foreignNative.push(f);
        continue;
      }
      if (nativeKind(f) === 'shared-library') {
        add(f, 'native', true, `shared library of ${dep.name}, opened by the OS loader`);
        continue;
      }
      const abi = classifyAddonFile(path.join(projectDir, f)).abi;
      if (abi === 'node-api') add(f, 'native', true, `Node-API addon of ${dep.name}`);
      else if (abi === 'v8-abi' && rebuilt)
        add(f, 'native', true, `addon of ${dep.name}, rebuilt for Electron's ABI`);
      else if (abi === 'v8-abi') unloadable.push(f);
    }
    if (native.length > 0 && mine.length === 0) missingNative.push(dep.name);
  }
  if (!existsSync(path.join(projectDir, 'out/main')))
    problems.push('out/main does not exist: run electron-vite build');
  return { files: [...files.values()], foreignNative, missingNative, unloadable, problems };
}

export const fileSize = (projectDir: string, rel: string): number =>
  statSync(path.join(projectDir, rel)).size;
