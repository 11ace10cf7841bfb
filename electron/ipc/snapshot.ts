/**
 * Turns the runtime's live objects into what crosses the bridge: the snapshot the Runtime and
 * Configuration views draw, field descriptions, and log entries made safe to clone and to JSON.
 */
import { flattenConfig, SCALAR_FIELDS } from '../runtime/config';
import { ENV_VARIABLES } from '../runtime/env';
import { FLAGS } from '../runtime/flags';
import { resolvePlatform } from '../runtime/platform';
import {
  FLAG_NAMES,
  type LogEntry,
  type RuntimeConfig,
  type RuntimeContext,
} from '../runtime/types';
import type { FieldInfo, RuntimeSnapshot } from './contract';

const SCALAR_DESCRIPTIONS: Record<string, string> = {
  platform: 'The platform adapters are activated for (rknn, onnx, or a plugin platform).',
  autoDiscoverBackends: 'Discover plugin packages in the plugin directories.',
  backendEntryPoints: 'Modules (paths or package names) imported as backends, always.',
  pluginDirs: 'Directories searched for plugin packages (DIR/node_modules/*).',
  extraPatches: 'Modules exporting extra patches to apply.',
  disabledBackends: 'Adapters switched off (they stay listed as disabled).',
  registerTimeoutMs: "How long a plugin's register() or an adapter's activate() may take.",
};
const SCALAR_KIND: Record<string, FieldInfo['kind']> = {
  platform: 'platform',
  autoDiscoverBackends: 'boolean',
  backendEntryPoints: 'list',
  pluginDirs: 'pathlist',
  extraPatches: 'list',
  disabledBackends: 'list',
  registerTimeoutMs: 'integer',
};

/** Every setting the Configuration view lists, with the variables that can set it. */
export function fieldInfos(): FieldInfo[] {
  const vars = (key: string) => ENV_VARIABLES.filter((v) => v.field === key).map((v) => v.name);
  return [
    ...SCALAR_FIELDS.map((f) => ({
      key: f,
      description: SCALAR_DESCRIPTIONS[f] ?? f,
      kind: SCALAR_KIND[f] ?? 'list',
      variables: vars(f),
    })),
    ...FLAG_NAMES.map((f) => ({
      key: `flags.${f}`,
      description: FLAGS[f].description,
      kind: 'flag' as const,
      variables: vars(`flags.${f}`),
      effect: FLAGS[f].effect,
    })),
  ];
}

/** One line per changed setting: `flags.webrtc: true (default) → false (override)`. */
export function configChanges(before: RuntimeConfig | undefined, after: RuntimeConfig): string[] {
  if (!before) return [];
  const a = flattenConfig(before);
  const b = flattenConfig(after);
  const out: string[] = [];
  for (const [key, now] of Object.entries(b)) {
    const was = a[key];
    if (JSON.stringify(was?.value) !== JSON.stringify(now.value) || was?.source !== now.source) {
      out.push(
        `${key}: ${JSON.stringify(was?.value)} (${was?.source}) → ${JSON.stringify(now.value)} (${now.source})`,
      );
    }
  }
  return out;
}

export function platformReason(ctx: RuntimeContext): string {
  const p = ctx.state.platform;
  if (!p.source.startsWith('detected:'))
    return `set by ${p.source.replace(/^env:/, 'the environment variable ')}`;
  try {
    const detected = resolvePlatform(ctx.config);
    if (detected.value === p.value) return detected.reason;
  } catch {
    // Detection reads /proc and /usr/lib; a failure here only costs the explanation.
  }
  return `detected (${p.source.slice('detected:'.length)})`;
}

/**
 * Makes a value safe for the structured clone and for JSON: Errors become plain objects,
 * functions and symbols are dropped, depth and size are bounded, cycles are cut.
 */
export function toPlain(value: unknown, depth = 6, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && value.length > 20_000) return `${value.slice(0, 20_000)}…`;
    return value;
  }
  if (ArrayBuffer.isView(value)) return value;
  if (seen.has(value)) return '[circular]';
  if (depth <= 0) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; hint?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  if (Array.isArray(value)) return value.slice(0, 1000).map((v) => toPlain(v, depth - 1, seen));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value)) {
    if (++n > 200) break;
    const p = toPlain(v, depth - 1, seen);
    if (p !== undefined) out[k] = p;
  }
  return out;
}

export function plainLogEntry(e: LogEntry): LogEntry {
  const out: LogEntry = { time: e.time, level: e.level, source: e.source, message: e.message };
  if (e.detail !== undefined) out.detail = toPlain(e.detail);
  return out;
}

export const SNAPSHOT_LOG_ENTRIES = 500;

export function buildSnapshot(
  ctx: RuntimeContext,
  extra: {
    generation: number;
    overrides: Record<string, unknown>;
    changes: string[];
    log: LogEntry[];
  },
): RuntimeSnapshot {
  return {
    generation: extra.generation,
    state: toPlain(ctx.state, 8) as RuntimeContext['state'],
    config: toPlain(ctx.config, 8) as RuntimeConfig,
    overrides: toPlain(extra.overrides) as Record<string, unknown>,
    platformReason: platformReason(ctx),
    fields: fieldInfos(),
    log: extra.log.slice(-SNAPSHOT_LOG_ENTRIES).map(plainLogEntry),
    changes: extra.changes,
  };
}
