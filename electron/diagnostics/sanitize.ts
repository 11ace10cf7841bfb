/**
 * Turns whatever a source hands us (log details with Error objects, Maps, Buffers, BigInts,
 * cycles) into plain JSON data, bounded in depth and size, so the report always serializes.
 * Binary data is summarized, never copied: a buffer could hold anything.
 */
export interface SanitizeOptions {
  maxDepth?: number;
  maxArray?: number;
  maxKeys?: number;
}

export function toJsonSafe(value: unknown, options: SanitizeOptions = {}): unknown {
  const { maxDepth = 8, maxArray = 5000, maxKeys = 200 } = options;
  const seen = new WeakSet<object>();

  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v !== 'object') return String(v);
    if (seen.has(v)) return '[circular]';
    if (depth >= maxDepth) return '[too deep]';
    seen.add(v);
    try {
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
        return `[binary ${v.constructor.name}, ${v.byteLength} bytes]`;
      }
      if (v instanceof Error) {
        const out: Record<string, unknown> = { name: v.name, message: v.message };
        const extra = v as Error & { code?: unknown; hint?: unknown; stack?: string };
        if (extra.code !== undefined) out.code = walk(extra.code, depth + 1);
        if (extra.hint !== undefined) out.hint = walk(extra.hint, depth + 1);
        if (extra.stack) out.stack = extra.stack;
        if (v.cause !== undefined) out.cause = walk(v.cause, depth + 1);
        return out;
      }
      if (v instanceof Map) return walk(Object.fromEntries(v), depth);
      if (v instanceof Set) return walk([...v], depth);
      if (Array.isArray(v)) {
        const items = v.slice(0, maxArray).map((x) => {
          const w = walk(x, depth + 1);
          return w === undefined ? null : w;
        });
        if (v.length > maxArray) items.push(`[${v.length - maxArray} more items]`);
        return items;
      }
      const out: Record<string, unknown> = {};
      const entries = Object.entries(v);
      for (const [k, x] of entries.slice(0, maxKeys)) {
        const w = walk(x, depth + 1);
        if (w !== undefined) out[k] = w;
      }
      if (entries.length > maxKeys) out['…'] = `${entries.length - maxKeys} more keys`;
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

/** Shortens very long strings in a JSON tree (after redaction, so no secret is cut in half). */
export function truncateStrings(value: unknown, max = 20_000): unknown {
  if (typeof value === 'string') {
    return value.length > max
      ? `${value.slice(0, max)}… [${value.length - max} more characters]`
      : value;
  }
  if (Array.isArray(value)) return value.map((v) => truncateStrings(v, max));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = truncateStrings(v, max);
    return out;
  }
  return value;
}
