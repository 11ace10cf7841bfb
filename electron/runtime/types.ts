/**
 * Shared shapes of the Coral runtime. Everything here is plain data or interfaces, so the
 * CLI, the web host, the Electron main process and the tests can all depend on it.
 */

export const FLAG_NAMES = [
  'stream_manager',
  'camera',
  'sink',
  'buffer_sink',
  'metric_sink',
  'video_sink',
  'webrtc',
  'plugins',
  'auto_patch_rknn',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

/** Where a resolved value came from. */
export type Source = 'default' | 'override' | `file:${string}` | `env:${string}`;
/** Platform may also be detected; the suffix says how (device-tree, librknnrt, fallback). */
export type PlatformSource = Source | `detected:${string}`;

export interface Sourced<T> {
  value: T;
  source: Source;
}

/** Plain values of every configuration field. */
export interface ConfigValues {
  platform: string | null;
  autoDiscoverBackends: boolean;
  backendEntryPoints: string[];
  pluginDirs: string[];
  extraPatches: string[];
  disabledBackends: string[];
  registerTimeoutMs: number;
  flags: Record<FlagName, boolean>;
}

export type ScalarField = Exclude<keyof ConfigValues, 'flags'>;

/** The resolved configuration: every field (and every flag) carries its source. */
export type RuntimeConfig = {
  [K in ScalarField]: Sourced<ConfigValues[K]>;
} & {
  flags: Record<FlagName, Sourced<boolean>>;
  /** Problems found while resolving (invalid or unknown env values, bad config file). */
  diagnostics: Diagnostic[];
  /** The config file that was read, if any. */
  configFile: string | null;
  /** Every CORAL_* variable seen, raw (redaction happens in reports). */
  env: Record<string, string>;
};

export interface Diagnostic {
  level: 'warn' | 'error';
  message: string;
  /** The environment variable concerned, if any. */
  variable?: string;
  /** The config field concerned, if any (`flags.webrtc` for flags). */
  field?: string;
  hint?: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface LogEntry {
  time: string;
  level: LogLevel;
  source: string;
  message: string;
  detail?: unknown;
}

export type AdapterOrigin = 'builtin' | `plugin:${string}` | `module:${string}`;
export type AdapterStatus = 'enabled' | 'disabled' | 'unsupported' | 'failed';

export interface AdapterState {
  name: string;
  displayName: string;
  version: string;
  origin: AdapterOrigin;
  modelFormats: string[];
  status: AdapterStatus;
  reason?: string;
  /** What activation found (e.g. onnxruntime version and execution providers). */
  detail?: Record<string, unknown>;
}

export type FailurePhase = 'discover' | 'import' | 'register' | 'activate';
export interface Failure {
  /** A package name, a module spec or an adapter name. */
  source: string;
  phase: FailurePhase;
  message: string;
  stack?: string;
}

export interface PluginInfo {
  package: string;
  version: string;
  /** The package directory. */
  path: string;
  backends: string[];
  patches: string[];
  status: 'loaded' | 'failed' | 'skipped';
  reason?: string;
}

export interface PatchState {
  name: string;
  description: string;
  enabled: boolean;
  origin: AdapterOrigin;
}

export interface RuntimeState {
  platform: { value: string; source: PlatformSource };
  backendsEnabled: string[];
  adapters: AdapterState[];
  failures: Failure[];
  patches: PatchState[];
  patchesEnabled: string[];
  pluginsLoaded: string[];
  plugins: PluginInfo[];
  initMs: number;
}

/** A disposable: whatever registers something returns one, and reset() disposes them all. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export interface Logger {
  debug(source: string, message: string, detail?: unknown): void;
  info(source: string, message: string, detail?: unknown): void;
  warn(source: string, message: string, detail?: unknown): void;
  error(source: string, message: string, detail?: unknown): void;
}

export interface ActivationContext {
  platform: string;
  config: RuntimeConfig;
  log: Logger;
}

/** What activate() may return: extra facts for the UI, or "not available here" with why. */
export interface ActivationResult {
  detail?: Record<string, unknown>;
  /** When set, the adapter stays listed as `unsupported` with this reason (not a failure). */
  unavailable?: string;
  /** Disposed on reset(). */
  disposable?: Disposable;
}

export interface BackendAdapter {
  name: string;
  displayName: string;
  version: string;
  /** File extensions, with the dot: `.onnx`, `.rknn`. */
  modelFormats: string[];
  /** True when the adapter can run on this platform, else the reason it cannot. */
  supports(platform: string, config: RuntimeConfig): true | string;
  activate(ctx: ActivationContext): void | ActivationResult | Promise<void | ActivationResult>;
  dispose?(): void | Promise<void>;
}

export interface Patch {
  name: string;
  description: string;
  apply(ctx: ActivationContext): void | Promise<void>;
  revert?(): void | Promise<void>;
}

export interface RuntimeContext {
  config: RuntimeConfig;
  state: RuntimeState;
  /** A snapshot of the log at the end of init(); live entries go through `logger`. */
  log: LogEntry[];
  logger: Logger & { list(): LogEntry[] };
  /** Looks up an activated adapter (or any registered one) by name. */
  adapter(name: string): BackendAdapter | undefined;
}
