import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { FLAGS, flagEnvName } from './flags';
import {
  FLAG_NAMES,
  type ConfigValues,
  type Diagnostic,
  type FlagName,
  type ScalarField,
} from './types';

export type EnvKind = 'boolean' | 'list' | 'pathlist' | 'string' | 'platform' | 'integer' | 'path';

export interface EnvVariable {
  name: string;
  kind: EnvKind;
  description: string;
  /** The config field it sets (`flags.<name>` for flags); absent for non-config variables. */
  field?: ScalarField | `flags.${FlagName}`;
  /** Values of this variable are secrets and must be redacted in reports. */
  secret?: boolean;
}

/** Every CORAL_* variable the app reads. Documented in the README from this table. */
export const ENV_VARIABLES: EnvVariable[] = [
  {
    name: 'CORAL_RUNTIME_PLATFORM',
    kind: 'platform',
    field: 'platform',
    description: 'Force the platform (rknn, onnx, or a plugin platform) instead of detecting it.',
  },
  ...FLAG_NAMES.map((f): EnvVariable => ({
    name: flagEnvName(f),
    kind: 'boolean',
    field: `flags.${f}`,
    description: `${FLAGS[f].description} (default ${FLAGS[f].default ? 'on' : 'off'})`,
  })),
  {
    name: 'CORAL_AUTO_PATCH_RKNN',
    kind: 'boolean',
    field: 'flags.auto_patch_rknn',
    description: 'Same as CORAL_ENABLE_AUTO_PATCH_RKNN (wins when both are set).',
  },
  {
    name: 'CORAL_AUTO_DISCOVER_BACKENDS',
    kind: 'boolean',
    field: 'autoDiscoverBackends',
    description: 'Discover plugin packages in the plugin directories (default on).',
  },
  {
    name: 'CORAL_BACKENDS',
    kind: 'list',
    field: 'backendEntryPoints',
    description: 'Comma-separated modules (paths or package names) to import as backends, always.',
  },
  {
    name: 'CORAL_BACKEND_MODULES',
    kind: 'list',
    field: 'backendEntryPoints',
    description: 'Alias of CORAL_BACKENDS; both lists are combined.',
  },
  {
    name: 'CORAL_EXTRA_PATCHES',
    kind: 'list',
    field: 'extraPatches',
    description: 'Comma-separated modules exporting extra patches to apply.',
  },
  {
    name: 'CORAL_DISABLED_BACKENDS',
    kind: 'list',
    field: 'disabledBackends',
    description: 'Comma-separated adapter names to switch off (they stay listed as disabled).',
  },
  {
    name: 'CORAL_PLUGIN_PATH',
    kind: 'pathlist',
    field: 'pluginDirs',
    description: `Extra plugin directories, separated by "${path.delimiter}".`,
  },
  {
    name: 'CORAL_REGISTER_TIMEOUT_MS',
    kind: 'integer',
    field: 'registerTimeoutMs',
    description:
      "How long a plugin's register() or an adapter's activate() may take (default 5000).",
  },
  {
    name: 'CORAL_CONFIG',
    kind: 'path',
    description: 'Config file to read (coral.config.json or .yaml); --config wins.',
  },
  {
    name: 'CORAL_DATA_DIR',
    kind: 'path',
    description: 'Where the app keeps its state: run history, boards, known hosts, plugins.',
  },
  {
    name: 'CORAL_RESOURCES_DIR',
    kind: 'path',
    description: 'Where bundled resources (sample models, board profiles) are read from.',
  },
  {
    name: 'CORAL_ADB',
    kind: 'path',
    description:
      'The adb binary Coral uses (and starts the adb server with), instead of adb on PATH. The server port follows ANDROID_ADB_SERVER_PORT.',
  },
  {
    name: 'CORAL_RKNN_LIB',
    kind: 'path',
    description:
      'The librknnrt.so (or librknnmrt.so) the local NPU path loads, instead of searching /usr/lib and LD_LIBRARY_PATH.',
  },
  {
    name: 'CORAL_RKNN_BENCHMARK',
    kind: 'string',
    description:
      'Path of rknn_benchmark on the boards, instead of searching PATH and the usual places (/usr/bin, /userdata/rknn_benchmark_Linux, /data/local/tmp …).',
  },
  {
    name: 'CORAL_RKNN_WORKDIR',
    kind: 'string',
    description:
      "Directory on the boards where models are pushed for a benchmark (default /tmp/coral; a saved board's work directory wins).",
  },
];

const BY_NAME = new Map(ENV_VARIABLES.map((v) => [v.name, v]));

export function knownVariable(name: string): EnvVariable | undefined {
  return BY_NAME.get(name);
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'off']);
export const BOOLEAN_HINT = 'Use one of 1/true/yes/y/on or 0/false/no/n/off.';

export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

/** Comma (or other separator) list: trimmed, empties dropped, duplicates removed in order. */
export function parseList(raw: string, separator: string | RegExp = ','): string[] {
  const seen = new Set<string>();
  for (const part of raw.split(separator)) {
    const item = part.trim();
    if (item) seen.add(item);
  }
  return [...seen];
}

export const PLATFORM_PATTERN = /^[a-z][a-z0-9_-]*$/;

export function parsePlatform(raw: string): string | undefined {
  const v = raw.trim().toLowerCase();
  return PLATFORM_PATTERN.test(v) ? v : undefined;
}

export function parsePositiveInteger(raw: string): number | undefined {
  const v = raw.trim();
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

export interface EnvValue<T> {
  value: T;
  variable: string;
}

export interface EnvResult {
  fields: { [K in ScalarField]?: EnvValue<ConfigValues[K]> };
  flags: { [K in FlagName]?: EnvValue<boolean> };
  configPath?: EnvValue<string>;
  dataDir?: EnvValue<string>;
  diagnostics: Diagnostic[];
  /** Every variable with the prefix, raw. */
  seen: Record<string, string>;
}

/**
 * Reads the CORAL_* environment. Invalid values are never accepted silently: each becomes a
 * diagnostic naming the variable and value, and the field keeps its lower-precedence value.
 */
export function fromEnv(env: NodeJS.ProcessEnv, prefix = 'CORAL_'): EnvResult {
  const result: EnvResult = { fields: {}, flags: {}, diagnostics: [], seen: {} };
  const names = Object.keys(env)
    .filter((k) => k.startsWith(prefix) && env[k] !== undefined)
    .sort();
  for (const k of names) result.seen[k] = env[k] as string;

  const rename = (name: string) => (prefix === 'CORAL_' ? name : prefix + name.slice(6));
  const invalid = (variable: string, raw: string, expected: string, hint: string, field?: string) =>
    result.diagnostics.push({
      level: 'error',
      variable,
      ...(field ? { field } : {}),
      message: `${variable}=${JSON.stringify(raw)} is not ${expected}; it was ignored.`,
      hint,
    });

  const lists = new Map<ScalarField, { items: string[]; variables: string[] }>();
  const setField = (field: ScalarField, v: EnvValue<unknown>) => {
    (result.fields as Record<string, EnvValue<unknown>>)[field] = v;
  };

  for (const known of ENV_VARIABLES) {
    const variable = rename(known.name);
    const raw = env[variable];
    if (raw === undefined) continue;
    switch (known.kind) {
      case 'boolean': {
        const value = parseBoolean(raw);
        if (value === undefined) {
          invalid(variable, raw, 'a boolean', BOOLEAN_HINT, known.field);
          break;
        }
        const flag = (known.field as string).startsWith('flags.')
          ? ((known.field as string).slice(6) as FlagName)
          : undefined;
        if (flag) {
          const previous = result.flags[flag];
          if (previous && previous.value !== value) {
            result.diagnostics.push({
              level: 'warn',
              variable,
              field: known.field,
              message: `${previous.variable} and ${variable} disagree; ${variable} wins.`,
              hint: `Set only one of them.`,
            });
          }
          // CORAL_AUTO_PATCH_RKNN comes after CORAL_ENABLE_AUTO_PATCH_RKNN in the table: it wins.
          result.flags[flag] = { value, variable };
        } else {
          setField(known.field as ScalarField, { value, variable });
        }
        break;
      }
      case 'platform': {
        const value = parsePlatform(raw);
        if (value === undefined) {
          invalid(
            variable,
            raw,
            'a platform name',
            'Use rknn, onnx, or the platform name of an installed plugin (letters, digits, - and _).',
            'platform',
          );
        } else result.fields.platform = { value, variable };
        break;
      }
      case 'integer': {
        const value = parsePositiveInteger(raw);
        if (value === undefined) {
          invalid(variable, raw, 'a positive whole number', 'For example 5000.', known.field);
        } else setField(known.field as ScalarField, { value, variable });
        break;
      }
      case 'list':
      case 'pathlist': {
        const field = known.field as ScalarField;
        const items =
          known.kind === 'pathlist' ? parseList(raw, path.delimiter) : parseList(raw, ',');
        const entry = lists.get(field) ?? { items: [], variables: [] };
        entry.items = [...new Set([...entry.items, ...items])];
        entry.variables.push(variable);
        lists.set(field, entry);
        break;
      }
      case 'path': {
        const value = raw.trim();
        if (!value) {
          invalid(variable, raw, 'a path', 'Set it to a file or directory path, or unset it.');
        } else if (known.name === 'CORAL_CONFIG') result.configPath = { value, variable };
        else if (known.name === 'CORAL_DATA_DIR') result.dataDir = { value, variable };
        break;
      }
      case 'string':
        break;
    }
  }
  for (const [field, { items, variables }] of lists) {
    setField(field, { value: items, variable: variables.join(',') });
  }

  const knownNames = ENV_VARIABLES.map((v) => rename(v.name));
  for (const name of names) {
    if (knownNames.includes(name)) continue;
    const suggestion = closest(name, knownNames);
    const near = distance(name, suggestion) <= Math.max(3, Math.floor(name.length / 4));
    result.diagnostics.push({
      level: 'warn',
      variable: name,
      message: `${name} is not a Coral variable; it was ignored.`,
      hint: near
        ? `Did you mean ${suggestion}?`
        : 'See "Configuration through environment variables" in the README for the list.',
    });
  }
  return result;
}
