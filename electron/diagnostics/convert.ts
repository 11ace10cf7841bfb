import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { knownVariable } from '../runtime/env';
import { FLAGS } from '../runtime/flags';
import type { FlagName, LogEntry } from '../runtime/types';
import type { BoardInput, RunInput, RuntimeSnapshot, StatInput } from './providers';
import type { IdentifierKind } from './redact';
import { secretKindOfName } from './patterns';
import type { SectionError } from './schema';

/**
 * Turns provider data into the report's shapes. Values stay raw here; the builder redacts
 * the whole tree afterwards (so nothing can skip redaction by being converted differently).
 */

const NOT_CONFIG_FIELDS = new Set(['flags', 'diagnostics', 'configFile', 'env']);

export function convertRuntime(s: RuntimeSnapshot): Record<string, unknown> {
  const { config, state } = s;
  const config_: Array<{ name: string; value: unknown; source: string }> = [];
  for (const [name, field] of Object.entries(config)) {
    if (NOT_CONFIG_FIELDS.has(name)) continue;
    if (field && typeof field === 'object' && 'source' in field) {
      const f = field as { value: unknown; source: string };
      config_.push({ name, value: f.value, source: f.source });
    }
  }
  const flags = Object.entries(config.flags ?? {}).map(([name, f]) => ({
    name,
    value: f.value,
    source: f.source,
    ...(FLAGS[name as FlagName] ? { description: FLAGS[name as FlagName].description } : {}),
  }));
  const env = Object.entries(config.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      name,
      value,
      // Secret by name, or marked secret in the runtime's variable table (scrubbed as a known secret).
      redacted: secretKindOfName(name) !== null || knownVariable(name)?.secret === true,
    }));
  return {
    platform: { value: state.platform.value, source: state.platform.source },
    configFile: config.configFile ? readConfigFile(config.configFile) : null,
    config: config_,
    flags,
    env,
    diagnostics: config.diagnostics ?? [],
    backendsEnabled: state.backendsEnabled ?? [],
    adapters: state.adapters ?? [],
    failures: state.failures ?? [],
    patches: state.patches ?? [],
    plugins: state.plugins ?? [],
    initMs: typeof state.initMs === 'number' ? state.initMs : null,
  };
}

/**
 * The config file as parsed data (secret fields are redacted by name later). A file that does
 * not parse is left out: its secrets could not be found by name.
 */
export function readConfigFile(file: string): { path: string; content?: unknown; note?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return {
      path: file,
      note: `could not be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    };
  }
  try {
    return { path: file, content: parseYaml(text) as unknown };
  } catch {
    return {
      path: file,
      note: 'does not parse; its content is left out so no secret slips through',
    };
  }
}

export function convertLog(log: LogEntry[], limit: number): { total: number; entries: LogEntry[] } {
  return { total: log.length, entries: limit > 0 ? log.slice(-limit) : [] };
}

/** Host, user and serial named by a board target: ssh://user:pw@host:22, user@host, adb:SERIAL. */
export function parseTarget(target: string): { host?: string; user?: string; serial?: string } {
  const t = target.trim();
  const adb = /^adb:(?:\/\/)?([^/?#\s]+)/i.exec(t);
  if (adb) return { serial: decodeURIComponent(adb[1]) };
  const m =
    /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:([^:@/\s]+)(?::[^@/\s]*)?@)?(\[[^\]]+\]|[^:/\s?#]+)/i.exec(t);
  if (!m) return {};
  const out: { host?: string; user?: string } = {};
  if (m[2]) out.user = decodeURIComponent(m[2]);
  if (m[3]) out.host = m[3].replace(/^\[|\]$/g, '');
  return out;
}

export function boardIdentifiers(b: BoardInput): Array<{ kind: IdentifierKind; value: string }> {
  const parsed = parseTarget(b.target);
  const out: Array<{ kind: IdentifierKind; value: string }> = [];
  const host = b.host ?? parsed.host;
  if (host) out.push({ kind: /^[\d.]+$|:/.test(host) ? 'ip' : 'host', value: host });
  const user = b.user ?? parsed.user;
  if (user) out.push({ kind: 'user', value: user });
  const serial = b.serial ?? parsed.serial;
  if (serial) out.push({ kind: 'serial', value: serial });
  // What the board says about itself (probe: hostname, user) identifies it as well.
  const probe = b.probe?.result as { hostname?: unknown; user?: { name?: unknown } } | undefined;
  if (typeof probe?.hostname === 'string') out.push({ kind: 'host', value: probe.hostname });
  if (typeof probe?.user?.name === 'string') out.push({ kind: 'user', value: probe.user.name });
  return out;
}

export function convertBoard(b: BoardInput, error?: SectionError): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: b.id,
    name: b.name,
    target: b.target,
    transport: b.transport ?? null,
    state: b.state ?? null,
    probe: b.probe ? { time: b.probe.time ?? null, value: b.probe.result } : null,
    telemetry: b.telemetry ? { time: b.telemetry.time ?? null, value: b.telemetry.values } : null,
    errors: (b.errors ?? []).map((e) => ({
      time: e.time ?? null,
      code: e.code ?? null,
      message: e.message,
      ...(e.hint ? { hint: e.hint } : {}),
    })),
    compat: b.compat ?? [],
  };
  if (error) out.error = error;
  return out;
}

export const MAX_PLOT_POINTS = 1000;

/**
 * Keeps the shape of a long latency series in a bounded number of points: the min and max of
 * each bucket, in the order they occurred, so spikes survive.
 */
export function decimate(values: ArrayLike<number>, maxPoints = MAX_PLOT_POINTS): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from(values, (v) => round3(v));
  const buckets = Math.floor(maxPoints / 2);
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let min = start;
    let max = start;
    for (let i = start; i < end; i++) {
      if (values[i] < values[min]) min = i;
      if (values[i] > values[max]) max = i;
    }
    if (min === max) out.push(round3(values[min]));
    else if (min < max) out.push(round3(values[min]), round3(values[max]));
    else out.push(round3(values[max]), round3(values[min]));
  }
  return out;
}

export interface Histogram {
  minMs: number;
  maxMs: number;
  counts: number[];
  overflow: number;
  overflowMaxMs: number | null;
}

/**
 * Equal-width bins from the minimum up to Tukey's far-out fence (q3 + 3·IQR); spikes beyond
 * it go to an overflow count instead of squeezing every other bar into one column.
 */
export function histogram(values: ArrayLike<number>, bins = 30): Histogram | null {
  const all = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) all[n++] = values[i];
  const finite = all.subarray(0, n).sort();
  if (n === 0) return null;
  const min = finite[0];
  const max = finite[n - 1];
  const q = (p: number) => finite[Math.min(n - 1, Math.floor(n * p))];
  const fence = q(0.75) + 3 * (q(0.75) - q(0.25));
  const hi = fence > min && fence < max ? fence : max;
  const counts = new Array<number>(bins).fill(0);
  const width = hi - min || 1;
  let overflow = 0;
  for (let i = 0; i < n; i++) {
    const v = finite[i];
    if (v > hi) overflow += 1;
    else counts[Math.min(bins - 1, Math.floor(((v - min) / width) * bins))] += 1;
  }
  return {
    minMs: round3(min),
    maxMs: round3(hi),
    counts,
    overflow,
    overflowMaxMs: overflow ? round3(max) : null,
  };
}

function round3(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0;
}

function statRows(
  stats: RunInput['stats'],
): Array<{ key: string; label: string; unit: string; value: number | null }> {
  const rows: StatInput[] = Array.isArray(stats)
    ? stats
    : Object.entries(stats ?? {}).map(([key, value]) => ({ key, value }));
  return rows.map((r) => ({
    key: r.key,
    label: r.label ?? r.key.replace(/Ms$/, ''),
    unit: r.unit ?? (r.key.endsWith('Ms') ? 'ms' : ''),
    value: typeof r.value === 'number' && Number.isFinite(r.value) ? r.value : null,
  }));
}

export function convertRun(r: RunInput): Record<string, unknown> {
  const latency = r.latencyMs ?? [];
  const out: Record<string, unknown> = {
    id: String(r.id),
    label: r.label ?? null,
    startedAt: r.startedAt ?? null,
    finishedAt: r.finishedAt ?? null,
    backend: r.backend,
    model: r.model,
    target: r.target ?? null,
    status: r.status,
    options: r.options ?? {},
    stats: statRows(r.stats),
    latencyMs: decimate(latency),
    latencyCount: latency.length,
    histogram: histogram(latency),
    warnings: r.warnings ?? [],
  };
  if (r.modelInfo !== undefined) out.modelInfo = r.modelInfo;
  if (r.extra !== undefined) out.extra = r.extra;
  if (r.error) {
    out.error =
      typeof r.error === 'string'
        ? { code: null, message: r.error }
        : {
            code: r.error.code ?? null,
            message: r.error.message,
            ...(r.error.hint ? { hint: r.error.hint } : {}),
          };
  }
  return out;
}
