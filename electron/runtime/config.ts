import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { closest } from 'fastest-levenshtein';
import { CoralError } from './errors';
import { FLAGS } from './flags';
import { configFileSchema, formatIssues, type ConfigFile } from './config-schema';
import {
  fromEnv,
  parseBoolean,
  parseList,
  parsePlatform,
  parsePositiveInteger,
  BOOLEAN_HINT,
} from './env';
import { defaultPluginDir, resolveDataDir } from './paths';
import {
  FLAG_NAMES,
  type ConfigValues,
  type Diagnostic,
  type FlagName,
  type RuntimeConfig,
  type ScalarField,
  type Source,
  type Sourced,
} from './types';

export const SCALAR_FIELDS: ScalarField[] = [
  'platform',
  'autoDiscoverBackends',
  'backendEntryPoints',
  'pluginDirs',
  'extraPatches',
  'disabledBackends',
  'registerTimeoutMs',
];

/** Every settable key: scalar fields and `flags.<name>`. */
export const CONFIG_KEYS: string[] = [...SCALAR_FIELDS, ...FLAG_NAMES.map((f) => `flags.${f}`)];

export const CONFIG_FILE_NAMES = ['coral.config.json', 'coral.config.yaml', 'coral.config.yml'];

export function defaultValues(): ConfigValues {
  return {
    platform: null,
    autoDiscoverBackends: true,
    backendEntryPoints: [],
    pluginDirs: [],
    extraPatches: [],
    disabledBackends: [],
    registerTimeoutMs: 5000,
    flags: Object.fromEntries(FLAG_NAMES.map((f) => [f, FLAGS[f].default])) as Record<
      FlagName,
      boolean
    >,
  };
}

export type Overrides = Record<string, unknown>;

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** From --config; wins over CORAL_CONFIG. */
  configPath?: string;
  /** Typed override values keyed by field (`flags.<name>` for flags). */
  overrides?: Overrides;
  /** --plugin-dir values; added to pluginDirs with source `override`. */
  extraPluginDirs?: string[];
  dataDir?: string;
  /** 'throw' (CLI: a bad file is an error) or 'diagnose' (app: keep going, show the problem). */
  onFileError?: 'throw' | 'diagnose';
}

interface LoadedFile {
  path: string;
  values: ConfigFile;
}

/** Reads and validates a config file; throws CoralError with one line per problem. */
export function loadConfigFile(file: string): LoadedFile {
  const abs = path.resolve(file);
  let text: string;
  try {
    const stat = fs.statSync(abs);
    if (stat.isDirectory()) {
      throw new CoralError('CONFIG_INVALID', `The config file ${abs} is a directory.`, {
        hint: 'Point --config or CORAL_CONFIG at a coral.config.json or .yaml file.',
      });
    }
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof CoralError) throw e;
    throw new CoralError('CONFIG_NOT_FOUND', `The config file ${abs} cannot be read.`, {
      hint: 'Check the path given by --config or CORAL_CONFIG.',
      cause: e,
    });
  }
  let data: unknown;
  const yamlLike = /\.ya?ml$/i.test(abs);
  try {
    data = yamlLike ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CoralError(
      'CONFIG_INVALID',
      `${abs}: not valid ${yamlLike ? 'YAML' : 'JSON'}: ${why}`,
      {
        hint: 'Fix the syntax, then run `coral config validate FILE`.',
        detail: { problems: [`(file): ${why}`] },
      },
    );
  }
  if (data === null || data === undefined) data = {};
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw new CoralError(
      'CONFIG_INVALID',
      `${abs}: ${problems.length} problem(s): ${problems.join('; ')}`,
      {
        hint: 'Run `coral config validate FILE` to see each problem on its own line.',
        detail: { problems },
      },
    );
  }
  // Relative directories and module paths are relative to the file, not to the cwd.
  const base = path.dirname(abs);
  const rel = (p: string) => (path.isAbsolute(p) ? p : path.resolve(base, p));
  const relSpec = (p: string) =>
    p.startsWith('./') || p.startsWith('../') ? path.resolve(base, p) : p;
  const values: ConfigFile = { ...parsed.data };
  if (values.pluginDirs) values.pluginDirs = values.pluginDirs.map(rel);
  if (values.backendEntryPoints) values.backendEntryPoints = values.backendEntryPoints.map(relSpec);
  if (values.extraPatches) values.extraPatches = values.extraPatches.map(relSpec);
  return { path: abs, values };
}

/** Problems of a config file, one line each (`path: what is wrong`); empty when valid. */
export function validateConfigFile(file: string): string[] {
  try {
    loadConfigFile(file);
    return [];
  } catch (e) {
    if (e instanceof CoralError) {
      const problems = (e.detail as { problems?: string[] } | undefined)?.problems;
      return problems ?? [e.message];
    }
    throw e;
  }
}

/** Parses one override value from text (CLI `--set key=value`). */
export function parseOverrideValue(key: string, raw: string): unknown {
  if (key.startsWith('flags.')) {
    const v = parseBoolean(raw);
    if (v === undefined) throw badOverride(key, raw, BOOLEAN_HINT);
    return v;
  }
  switch (key as ScalarField) {
    case 'platform': {
      if (['', 'auto', 'none', 'null'].includes(raw.trim().toLowerCase())) return null;
      const v = parsePlatform(raw);
      if (v === undefined)
        throw badOverride(key, raw, 'Use rknn, onnx or a plugin platform name (or auto).');
      return v;
    }
    case 'autoDiscoverBackends': {
      const v = parseBoolean(raw);
      if (v === undefined) throw badOverride(key, raw, BOOLEAN_HINT);
      return v;
    }
    case 'registerTimeoutMs': {
      const v = parsePositiveInteger(raw);
      if (v === undefined)
        throw badOverride(key, raw, 'Use a positive whole number of milliseconds.');
      return v;
    }
    default:
      return parseList(raw, key === 'pluginDirs' ? path.delimiter : ',');
  }
}

function badOverride(key: string, raw: string, hint: string): CoralError {
  return new CoralError('USAGE', `--set ${key}=${raw}: invalid value for ${key}.`, { hint });
}

function unknownKey(key: string): CoralError {
  return new CoralError('USAGE', `Unknown config key "${key}".`, {
    hint: `Did you mean ${closest(key, CONFIG_KEYS)}? Keys: ${CONFIG_KEYS.join(', ')}.`,
  });
}

/** `key=value` strings → typed overrides. Throws a USAGE CoralError naming the bad one. */
export function parseOverrides(items: string[]): Overrides {
  const out: Overrides = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new CoralError('USAGE', `--set ${item}: expected key=value.`, {
        hint: 'For example --set flags.webrtc=false or --set platform=onnx.',
      });
    }
    const key = item.slice(0, eq).trim();
    if (!CONFIG_KEYS.includes(key)) throw unknownKey(key);
    out[key] = parseOverrideValue(key, item.slice(eq + 1));
  }
  return out;
}

/** Checks typed overrides (from the UI); throws a CoralError naming the bad key. */
export function validateOverrides(overrides: Overrides): Overrides {
  const out: Overrides = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (!CONFIG_KEYS.includes(key)) throw unknownKey(key);
    const schema = key.startsWith('flags.')
      ? configFileSchema.shape.flags.unwrap().shape[key.slice(6) as FlagName]
      : configFileSchema.shape[key as ScalarField];
    const parsed = schema.safeParse(value);
    if (!parsed.success || (value === undefined && key !== 'platform')) {
      throw new CoralError(
        'CONFIG_INVALID',
        `Override ${key}=${JSON.stringify(value)} is invalid.`,
        {
          hint:
            formatIssues(parsed.success ? [] : parsed.error.issues).join('; ') || 'Give a value.',
        },
      );
    }
    out[key] = parsed.data ?? null;
  }
  return out;
}

function findDefaultConfigFile(dataDir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const p = path.join(dataDir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Resolves the configuration from defaults < config file < environment < overrides, recording
 * each value's source. pluginDirs accumulate (default dir, file, CORAL_PLUGIN_PATH, --plugin-dir);
 * their source is the highest one that contributed.
 */
export function resolveConfig(options: ResolveOptions = {}): RuntimeConfig {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? resolveDataDir(env);
  const envResult = fromEnv(env);
  const diagnostics: Diagnostic[] = [...envResult.diagnostics];
  const defaults = defaultValues();

  const scalar = {} as Record<ScalarField, Sourced<unknown>>;
  for (const f of SCALAR_FIELDS) scalar[f] = { value: defaults[f], source: 'default' };
  const flags = {} as Record<FlagName, Sourced<boolean>>;
  for (const f of FLAG_NAMES) flags[f] = { value: defaults.flags[f], source: 'default' };

  const pluginDirs: string[] = [defaultPluginDir(dataDir)];
  let pluginDirsSource: Source = 'default';
  const addDirs = (dirs: string[], source: Source) => {
    for (const d of dirs)
      if (!pluginDirs.includes(path.resolve(d))) pluginDirs.push(path.resolve(d));
    if (dirs.length) pluginDirsSource = source;
  };

  // 1. config file
  const explicit = options.configPath ?? envResult.configPath?.value;
  const filePath = explicit ?? findDefaultConfigFile(dataDir);
  let configFile: string | null = null;
  if (filePath) {
    try {
      const loaded = loadConfigFile(filePath);
      configFile = loaded.path;
      const source: Source = `file:${loaded.path}`;
      for (const f of SCALAR_FIELDS) {
        const v = loaded.values[f];
        if (v === undefined) continue;
        if (f === 'pluginDirs') addDirs(v as string[], source);
        else scalar[f] = { value: v, source };
      }
      for (const [f, v] of Object.entries(loaded.values.flags ?? {})) {
        if (v !== undefined) flags[f as FlagName] = { value: v, source };
      }
    } catch (e) {
      if ((options.onFileError ?? 'throw') === 'throw' || !(e instanceof CoralError)) throw e;
      diagnostics.push({
        level: 'error',
        message: e.message,
        hint: e.hint ?? 'Fix the config file; it was ignored.',
        ...(envResult.configPath && !options.configPath
          ? { variable: envResult.configPath.variable }
          : {}),
      });
    }
  }

  // 2. environment
  for (const [f, v] of Object.entries(envResult.fields) as [
    ScalarField,
    { value: unknown; variable: string },
  ][]) {
    const source: Source = `env:${v.variable}`;
    if (f === 'pluginDirs') addDirs(v.value as string[], source);
    else scalar[f] = { value: v.value, source };
  }
  for (const [f, v] of Object.entries(envResult.flags) as [
    FlagName,
    { value: boolean; variable: string },
  ][]) {
    flags[f] = { value: v.value, source: `env:${v.variable}` };
  }

  // 3. overrides
  const overrides = validateOverrides(options.overrides ?? {});
  for (const [key, value] of Object.entries(overrides)) {
    if (key.startsWith('flags.'))
      flags[key.slice(6) as FlagName] = { value: value as boolean, source: 'override' };
    else if (key === 'pluginDirs') addDirs(value as string[], 'override');
    else scalar[key as ScalarField] = { value, source: 'override' };
  }
  if (options.extraPluginDirs?.length) addDirs(options.extraPluginDirs, 'override');
  scalar.pluginDirs = { value: pluginDirs, source: pluginDirsSource };

  return {
    ...(scalar as { [K in ScalarField]: Sourced<ConfigValues[K]> }),
    flags,
    diagnostics,
    configFile,
    env: envResult.seen,
  };
}

/** The plain values of a resolved config (what a config file with the same effect would say). */
export function configValues(config: RuntimeConfig): ConfigValues {
  const out = {} as Record<string, unknown>;
  for (const f of SCALAR_FIELDS) out[f] = config[f].value;
  out.flags = Object.fromEntries(FLAG_NAMES.map((f) => [f, config.flags[f].value]));
  return out as unknown as ConfigValues;
}

/** Flattened `{ field: {value, source} }` with flags as `flags.<name>` (CLI JSON, UI, reports). */
export function flattenConfig(config: RuntimeConfig): Record<string, Sourced<unknown>> {
  const out: Record<string, Sourced<unknown>> = {};
  for (const f of SCALAR_FIELDS) out[f] = config[f];
  for (const f of FLAG_NAMES) out[`flags.${f}`] = config.flags[f];
  return out;
}
