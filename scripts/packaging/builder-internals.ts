/**
 * The parts of electron-builder (app-builder-lib) the packaging check reuses so that its
 * answers are electron-builder's answers: the config schema validation, and the file matchers
 * that decide what goes into app.asar and what is unpacked (they use minimatch with
 * electron-builder's own options, macro expansion and default exclusions).
 *
 * They are loaded from the copy of app-builder-lib that the installed electron-builder uses.
 * getMainFileMatchers and getNodeModuleFileMatcher are internal to electron-builder; this file
 * is the one place that knows their shape. test/unit/packaging/file-selection.test.ts pins
 * their behaviour, so an electron-builder upgrade that changes them fails loudly there.
 */
import { createRequire } from 'node:module';

/** The stat fields electron-builder's filters read. */
export interface FilterStat {
  isDirectory(): boolean;
  moduleFullFilePath?: string;
}
export type BuilderFilter = (file: string, stat: FilterStat) => boolean;

export interface BuilderFileMatcher {
  readonly from: string;
  readonly to: string;
  readonly patterns: string[];
  createFilter(): BuilderFilter;
}

/** electron-builder's configuration object (validated against its schema, otherwise opaque). */
export type BuilderConfig = Record<string, unknown>;

interface FileMatcherModule {
  excludedNames: string;
  excludedExts: string;
  FileMatcher: new (
    from: string,
    to: string,
    macroExpander: (pattern: string) => string,
    patterns?: string[] | string | null,
  ) => BuilderFileMatcher;
  getMainFileMatchers(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: BuilderConfig,
    platformPackager: { info: PackagerInfoStub },
    outDir: string,
    isElectronCompile: boolean,
  ): BuilderFileMatcher[];
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: BuilderConfig,
    packager: Pick<PackagerInfoStub, 'config' | 'debugLogger'>,
  ): BuilderFileMatcher;
  getFileMatchers(
    config: BuilderConfig,
    name: 'asarUnpack' | 'files',
    defaultDestination: string,
    options: {
      macroExpander: (pattern: string) => string;
      customBuildOptions: BuilderConfig;
      globalOutDir: string;
      defaultSrc: string;
    },
  ): BuilderFileMatcher[] | null;
}

interface ConfigModule {
  validateConfiguration(config: BuilderConfig, debugLogger: DebugLoggerStub): Promise<void>;
  doMergeConfigs(configs: BuilderConfig[]): BuilderConfig;
}

interface DebugLoggerStub {
  isEnabled: boolean;
  add(key: string, value: unknown): void;
}

/** The fields of electron-builder's Packager that the file matchers read. */
export interface PackagerInfoStub {
  projectDir: string;
  buildResourcesDir: string;
  isPrepackedAppAsar: boolean;
  config: BuilderConfig;
  debugLogger: DebugLoggerStub;
}

const requireFromBuilder = createRequire(
  createRequire(import.meta.url).resolve('electron-builder/package.json'),
);

let fileMatcherModule: FileMatcherModule | undefined;
let configModule: ConfigModule | undefined;

export function builderFileMatchers(): FileMatcherModule {
  fileMatcherModule ??= requireFromBuilder('app-builder-lib/out/fileMatcher') as FileMatcherModule;
  return fileMatcherModule;
}

export const silentDebugLogger: DebugLoggerStub = { isEnabled: false, add: () => undefined };

/** electron-builder's own schema validation, exactly as `electron-builder` runs it. */
function builderConfigModule(): ConfigModule {
  configModule ??= requireFromBuilder('app-builder-lib/out/util/config/config') as ConfigModule;
  return configModule;
}

export async function validateBuilderConfig(config: BuilderConfig): Promise<void> {
  await builderConfigModule().validateConfiguration(config, silentDebugLogger);
}

/**
 * electron-builder's config normalisation (the last step of its getConfig): string entries of
 * `files` become one FileSet `{ filter: [...] }`, merged over defaults such as
 * `directories.output: dist`. The file matchers behave differently on the normalised form
 * (a platform-level `files` list then stands on its own), so the check must use it too.
 */
export function normalizeBuilderConfig(raw: BuilderConfig): BuilderConfig {
  return builderConfigModule().doMergeConfigs([structuredClone(raw)]);
}

export function builderVersion(): string {
  return (requireFromBuilder('electron-builder/package.json') as { version: string }).version;
}
