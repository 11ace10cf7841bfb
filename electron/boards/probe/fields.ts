/**
 * Parsers for the individual files the probe and telemetry read. Each is forgiving: odd
 * content becomes a warning string, never an exception.
 */

export interface NpuCoreLoad {
  core: number;
  /** Clamped to 0..100. */
  percent: number;
  /** The raw reading when it was outside 0..100 (a known driver quirk). */
  absurd?: number;
}

/** `NPU load:  Core0: 21%, Core1: 11%, Core2:  0%,` or single-core `NPU load:  0%`. */
export function parseNpuLoad(text: string, warnings: string[]): NpuCoreLoad[] | null {
  const t = text.trim();
  if (!/^NPU load:/i.test(t)) {
    if (t)
      warnings.push(
        `The NPU load file holds unexpected text: "${t.slice(0, 60).replace(/[^\x20-\x7e]/g, '?')}".`,
      );
    return null;
  }
  const cores: NpuCoreLoad[] = [];
  const perCore = [...t.matchAll(/Core(\d+):\s*(-?\d+(?:\.\d+)?)%/gi)];
  const readings = perCore.length
    ? perCore.map((m) => ({ core: Number(m[1]), value: Number(m[2]) }))
    : [...t.matchAll(/NPU load:\s*(-?\d+(?:\.\d+)?)%/gi)].map((m) => ({
        core: 0,
        value: Number(m[1]),
      }));
  if (!readings.length) {
    warnings.push(`The NPU load file has no readings: "${t.slice(0, 60)}".`);
    return null;
  }
  for (const { core, value } of readings) {
    const percent = Math.min(100, Math.max(0, value));
    const entry: NpuCoreLoad = { core, percent };
    if (percent !== value) {
      entry.absurd = value;
      warnings.push(
        `The NPU driver reports ${value}% load on core ${core}; shown as ${percent}% (a known driver quirk).`,
      );
    }
    cores.push(entry);
  }
  return cores;
}

export interface Temperature {
  zone: string;
  type: string;
  celsius: number;
}

/** The output of `grep -H .` over the thermal zones' type and temp files. */
export function parseThermal(text: string, warnings: string[]): Temperature[] {
  const types = new Map<string, string>();
  const temps = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /thermal_zone(\d+)\/(type|temp):(.*)$/.exec(line.trim());
    if (!m) continue;
    (m[2] === 'type' ? types : temps).set(m[1], m[3].trim());
  }
  const out: Temperature[] = [];
  for (const [zone, raw] of [...temps].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const n = Number(raw);
    const type = types.get(zone) ?? `zone${zone}`;
    if (!Number.isFinite(n)) {
      warnings.push(`Thermal zone ${zone} (${type}) reads "${raw.slice(0, 30)}", not a number.`);
      continue;
    }
    const celsius = Math.abs(n) >= 1000 ? n / 1000 : n;
    if (celsius < -40 || celsius > 150) {
      warnings.push(
        `Thermal zone ${zone} (${type}) reads ${celsius} °C, which cannot be right; ignored.`,
      );
      continue;
    }
    out.push({ zone: `thermal_zone${zone}`, type, celsius: Math.round(celsius * 10) / 10 });
  }
  return out;
}

export interface MemoryInfo {
  totalMb: number;
  availableMb: number;
}

export function parseMeminfo(text: string, warnings: string[]): MemoryInfo | null {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'mi').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const total = kb('MemTotal');
  if (total === undefined) {
    if (text.trim()) warnings.push('/proc/meminfo has no MemTotal line.');
    return null;
  }
  const available =
    kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  return { totalMb: Math.round(total / 1024), availableMb: Math.round(available / 1024) };
}

/** Jiffies per CPU line of /proc/stat: `cpu`, `cpu0`, … → [busy, total]. */
export function parseProcStat(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of text.split('\n')) {
    const m = /^(cpu\d*)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const v = m[2].split(/\s+/).map(Number);
    if (v.length < 4 || v.some((x) => !Number.isFinite(x))) continue;
    const idle = v[3] + (v[4] ?? 0); // idle + iowait
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    out.set(m[1], [total - idle, total]);
  }
  return out;
}

/** CPU load in percent between two /proc/stat readings. */
export function cpuLoadBetween(
  prev: Map<string, [number, number]>,
  cur: Map<string, [number, number]>,
): { total: number; perCore: number[] } | null {
  const pct = (key: string): number | null => {
    const a = prev.get(key);
    const b = cur.get(key);
    if (!a || !b) return null;
    const dt = b[1] - a[1];
    if (dt <= 0) return null;
    return Math.round(Math.min(100, Math.max(0, ((b[0] - a[0]) / dt) * 100)) * 10) / 10;
  };
  const total = pct('cpu');
  if (total === null) return null;
  const perCore: number[] = [];
  for (let i = 0; cur.has(`cpu${i}`); i++) perCore.push(pct(`cpu${i}`) ?? 0);
  return { total, perCore };
}

const ARM_PARTS: Record<string, string> = {
  '0xc05': 'Cortex-A5',
  '0xc07': 'Cortex-A7',
  '0xc09': 'Cortex-A9',
  '0xc0f': 'Cortex-A15',
  '0xd03': 'Cortex-A53',
  '0xd04': 'Cortex-A35',
  '0xd05': 'Cortex-A55',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73',
  '0xd0a': 'Cortex-A75',
  '0xd0b': 'Cortex-A76',
  '0xd0d': 'Cortex-A77',
  '0xd41': 'Cortex-A78',
};

export interface CpuInfo {
  count: number;
  /** e.g. `4× Cortex-A55 + 4× Cortex-A76`, or the x86 model name. */
  model: string | null;
}

export function parseCpuinfo(text: string, warnings: string[]): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const field = (b: string, key: string) =>
    new RegExp(`^${key}\\s*:\\s*(.+)$`, 'mi').exec(b)?.[1].trim();
  const names = blocks.map((b) => {
    const part = field(b, 'CPU part')?.toLowerCase();
    const impl = field(b, 'CPU implementer')?.toLowerCase();
    if (part && impl === '0x41') return ARM_PARTS[part] ?? `ARM part ${part}`;
    return field(b, 'model name') ?? (part ? `CPU part ${part}` : null);
  });
  const counts = new Map<string, number>();
  for (const n of names) if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  let model: string | null = counts.size
    ? [...counts].map(([n, c]) => (counts.size === 1 && c === 1 ? n : `${c}× ${n}`)).join(' + ')
    : null;
  if (!model) model = /^(?:Hardware|model name)\s*:\s*(.+)$/im.exec(text)?.[1].trim() ?? null;
  if (!blocks.length && text.trim()) warnings.push('/proc/cpuinfo lists no processors.');
  return { count: blocks.length, model };
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return out;
}

export interface DiskInfo {
  path: string;
  mount: string;
  freeMb: number;
  totalMb: number;
}

/** `df -Pk DIR`: a header, then `fs 1024-blocks used available capacity mount`. */
export function parseDf(text: string, path: string, warnings: string[]): DiskInfo | null {
  const lines = text.split('\n').filter((l) => l.trim());
  const data = lines.find((l) => /\s\d+\s+\d+\s+\d+\s+\d+%\s+\S/.test(l));
  if (!data) {
    warnings.push(
      `Could not read free space of ${path}: ${lines[lines.length - 1]?.trim().slice(0, 80) ?? 'no output'}.`,
    );
    return null;
  }
  const f = data.trim().split(/\s+/);
  const n = f.length;
  return {
    path,
    mount: f[n - 1],
    totalMb: Math.round(Number(f[n - 5]) / 1024),
    freeMb: Math.round(Number(f[n - 3]) / 1024),
  };
}
