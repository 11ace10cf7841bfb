/**
 * "Would electron-builder ship this file, and would it unpack it?" — answered with
 * electron-builder's own matchers (builder-internals.ts) for one target (OS + arch), on paths
 * alone, so it works for synthetic file lists as well as for the real tree.
 *
 * What electron-builder does, and this mirrors:
 * - project files: the `files` patterns plus electron-builder's default exclusions, walked from
 *   the project root; a directory that fails the filter is not entered.
 * - node_modules of production dependencies: only the "!" patterns of `files` apply, plus the
 *   fixed exclusions of its NodeModuleCopyHelper (README at a module's root, test/ at a module's
 *   root, *.d.ts, *.o, *.a, CHANGELOG, binding.gyp, Release/obj.target, and *.dll / *.exe on
 *   non-Windows targets, …), copied below because they are not exported.
 * - asarUnpack: its patterns, evaluated on the same relative paths. electron-builder's
 *   smartUnpack may unpack more (whole modules that contain binaries); the check does not count
 *   on it: everything native must be unpacked explicitly.
 */
import path from 'node:path';
import {
  builderFileMatchers,
  type BuilderConfig,
  type BuilderFilter,
  silentDebugLogger,
} from './builder-internals';

export type BuilderPlatform = 'linux' | 'mac' | 'win';
export type ElectronPlatform = 'linux' | 'darwin' | 'win32';

export interface Target {
  platform: BuilderPlatform;
  arch: string;
}

export const ELECTRON_PLATFORM: Readonly<Record<BuilderPlatform, ElectronPlatform>> = {
  linux: 'linux',
  mac: 'darwin',
  win: 'win32',
};

export const targetName = (t: Target): string => `${t.platform}-${t.arch}`;

export interface AppInfo {
  name: string;
  productName: string;
  version: string;
}

export class PatternMacroError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternMacroError';
  }
}

export interface MacroOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * process.platform of the machine that runs electron-builder: ${platform} expands to it, not
   * to the target. Defaults to the target's own OS, i.e. each OS is built on that OS, as the
   * release workflow does.
   */
  hostPlatform?: string;
}

/**
 * electron-builder's macro expansion for file patterns (util/macroExpander.ts): ${arch},
 * ${os} (linux/mac/win), ${platform} (the build host's process.platform),
 * ${name}/${productName}/${version}, ${env.NAME}, and ${/*}.
 */
export function macroExpander(target: Target, app: AppInfo, options: MacroOptions = {}) {
  const env = options.env ?? process.env;
  const hostPlatform = options.hostPlatform ?? ELECTRON_PLATFORM[target.platform];
  return (pattern: string): string =>
    pattern.replace(/\${([_a-zA-Z./*+]+)}/g, (_match, name: string) => {
      switch (name) {
        case 'arch':
          return target.arch;
        case 'os':
          return target.platform;
        case 'platform':
          return hostPlatform;
        case 'name':
          return app.name;
        case 'productName':
          return app.productName;
        case 'version':
          return app.version;
        case '/*':
          return '{,/**/*}';
        default:
          if (name.startsWith('env.')) {
            const value = env[name.slice(4)];
            if (value == null)
              throw new PatternMacroError(
                `pattern "${pattern}": env ${name.slice(4)} is not defined`,
              );
            return value;
          }
          throw new PatternMacroError(`pattern "${pattern}": macro \${${name}} is not defined`);
      }
    });
}

// NodeModuleCopyHelper's fixed exclusions (app-builder-lib/out/util/NodeModuleCopyHelper.js).
const MODULE_EXCLUDED_NAMES = new Set([
  '.DS_Store',
  'node_modules',
  'CHANGELOG.md',
  'ChangeLog',
  'changelog.md',
  'Changelog.md',
  'Changelog',
  'binding.gyp',
  '.npmignore',
  'node_gyp_bins',
]);
const MODULE_TOP_LEVEL_EXCLUDED = new Set([
  'karma.conf.js',
  '.coveralls.yml',
  'README.md',
  'readme.markdown',
  'README',
  'readme.md',
  'Readme.md',
  'Readme',
  'readme',
  'test',
  'tests',
  '__tests__',
  'powered-test',
  'example',
  'examples',
  '.bin',
]);

/** Splits `node_modules/a/node_modules/@s/b/lib/x.js` into the module root and the rest. */
export function splitModulePath(
  rel: string,
): { moduleRoot: string; moduleName: string; inner: string[] } | null {
  const parts = rel.split('/');
  let rootEnd = -1;
  let moduleName = '';
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'node_modules') continue;
    const scoped = parts[i + 1].startsWith('@');
    const end = scoped ? i + 3 : i + 2;
    if (end > parts.length) return null;
    rootEnd = end;
    moduleName = parts.slice(i + 1, end).join('/');
    i = end - 1;
  }
  if (rootEnd < 0 || parts[0] !== 'node_modules') return null;
  return { moduleRoot: parts.slice(0, rootEnd).join('/'), moduleName, inner: parts.slice(rootEnd) };
}

const stat = (isDir: boolean, moduleFullFilePath?: string) => ({
  isDirectory: () => isDir,
  moduleFullFilePath,
});

/** Every proper ancestor directory of a relative path, outermost first. */
function ancestors(rel: string): string[] {
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

export interface Selection {
  readonly target: Target;
  /** Would this project file (posix path relative to the project) be put into the app? */
  includesAppFile(rel: string): boolean;
  /** Would this file of a production dependency (`node_modules/...`) be put into the app? */
  includesModuleFile(rel: string): boolean;
  /** Either of the above, by the path's shape. */
  includes(rel: string): boolean;
  /** Is this file unpacked by an explicit asarUnpack pattern? */
  isUnpacked(rel: string): boolean;
}

export interface SelectionOptions extends MacroOptions {
  projectDir: string;
  /** electron-builder's normalised config (normalizeBuilderConfig) */
  config: BuilderConfig;
  target: Target;
  app: AppInfo;
}

export function createSelection({
  projectDir,
  config,
  target,
  app,
  ...macro
}: SelectionOptions): Selection {
  const eb = builderFileMatchers();
  const expand = macroExpander(target, app, macro);
  const platformOptions = (config[target.platform] ?? {}) as BuilderConfig;
  const directories = (config.directories ?? {}) as { output?: string; buildResources?: string };
  const outDir = path.resolve(projectDir, directories.output ?? 'dist');
  const destination = path.join(projectDir, '.packaged-app');
  const info = {
    projectDir,
    buildResourcesDir: directories.buildResources ?? 'build',
    isPrepackedAppAsar: false,
    config,
    debugLogger: silentDebugLogger,
  };

  // Every matcher copies its own files into the app (the union is what ships); only the first
  // one carries electron-builder's default exclusions.
  const mainMatchers = eb.getMainFileMatchers(
    projectDir,
    destination,
    expand,
    platformOptions,
    { info },
    outDir,
    false,
  );
  for (const m of mainMatchers) {
    if (m.from !== projectDir || m.to !== destination) {
      throw new Error(
        `files: a FileSet with from/to (${m.from} -> ${m.to}) is not modelled by the packaging check`,
      );
    }
  }
  const appFilters = mainMatchers.map((m) => {
    // AppFileWalker: a matcher with only "!" patterns copies everything else.
    if (m.patterns.length === 0 || m.patterns.every((p) => p.startsWith('!')))
      m.patterns.unshift('**/*');
    return m.createFilter();
  });
  const moduleMatcher = eb.getNodeModuleFileMatcher(
    projectDir,
    destination,
    expand,
    platformOptions,
    info,
  );
  const moduleFilter: BuilderFilter | null =
    moduleMatcher.patterns.length === 0
      ? null
      : new eb.FileMatcher(projectDir, destination, expand, moduleMatcher.patterns).createFilter();
  const unpackMatchers = eb.getFileMatchers(config, 'asarUnpack', destination, {
    macroExpander: expand,
    customBuildOptions: platformOptions,
    globalOutDir: outDir,
    defaultSrc: projectDir,
  });
  const unpackFilter = unpackMatchers?.[0]?.createFilter() ?? null;

  const excludedExts = ['.o', '.obj', ...eb.excludedExts.split(',').map((e) => `.${e}`)];
  if (config.includePdb !== true) excludedExts.push('.pdb');
  if (target.platform !== 'win') excludedExts.push('.dll', '.exe');
  const excludedNames = new Set([...MODULE_EXCLUDED_NAMES, ...eb.excludedNames.split(',')]);

  const abs = (rel: string) => path.join(projectDir, rel);

  function includesAppFile(rel: string): boolean {
    if (rel === 'node_modules' || rel.startsWith('node_modules/')) return false;
    return appFilters.some(
      (filter) =>
        ancestors(rel).every((dir) => filter(abs(dir), stat(true))) &&
        filter(abs(rel), stat(false)),
    );
  }

  /** NodeModuleCopyHelper's fixed rules for one child `name` of directory `dirRel`. */
  function moduleDefaultExcludes(
    name: string,
    dirRel: string,
    moduleRoot: string,
    moduleName: string,
  ): boolean {
    if (excludedNames.has(name) || name.startsWith('._')) return true;
    if (excludedExts.some((ext) => name.endsWith(ext))) return true;
    if (dirRel === moduleRoot && MODULE_TOP_LEVEL_EXCLUDED.has(name)) return true;
    if (
      dirRel === moduleRoot &&
      moduleName === 'libui-node' &&
      ['build', 'docs', 'src'].includes(name)
    )
      return true;
    if (dirRel.endsWith('build')) {
      if (name === 'gyp-mac-tool' || name === 'Makefile' || /\.(mk|gypi|Makefile)$/.test(name))
        return true;
    } else if (dirRel.endsWith('Release') && (name === '.deps' || name === 'obj.target'))
      return true;
    else if (name === 'src' && (dirRel.endsWith('keytar') || dirRel.endsWith('keytar-prebuild')))
      return true;
    else if (dirRel.endsWith('lzma-native') && (name === 'build' || name === 'deps')) return true;
    return false;
  }

  function includesModuleFile(rel: string): boolean {
    const split = splitModulePath(rel);
    if (!split || split.inner.length === 0) return false;
    // Nested node_modules are separate modules, each walked from its own root: check every
    // path segment below each module root that the path passes through.
    const parts = rel.split('/');
    let moduleRoot = '';
    let moduleName = '';
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === 'node_modules' && i + 1 < parts.length) {
        const end = parts[i + 1].startsWith('@') ? i + 3 : i + 2;
        moduleRoot = parts.slice(0, end).join('/');
        moduleName = parts.slice(i + 1, end).join('/');
        i = end - 1;
        continue;
      }
      const dirRel = parts.slice(0, i).join('/');
      const here = parts.slice(0, i + 1).join('/');
      const isDir = i < parts.length - 1;
      if (moduleDefaultExcludes(parts[i], dirRel, moduleRoot, moduleName)) return false;
      if (moduleFilter && !moduleFilter(abs(here), stat(isDir, here))) return false;
    }
    return true;
  }

  function isUnpacked(rel: string): boolean {
    if (!unpackFilter) return false;
    const moduleFullFilePath = rel.startsWith('node_modules/') ? rel : undefined;
    return unpackFilter(abs(rel), stat(false, moduleFullFilePath));
  }

  return {
    target,
    includesAppFile,
    includesModuleFile,
    includes: (rel) =>
      rel.startsWith('node_modules/') ? includesModuleFile(rel) : includesAppFile(rel),
    isUnpacked,
  };
}
