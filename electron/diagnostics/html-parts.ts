import { escapeXml } from './svg';
import type { SectionError } from './schema';

/** Small HTML building blocks for report.html; every piece of data goes through esc(). */

export const esc = escapeXml;

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** A value as text: strings as they are, the rest as compact JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    return value.length === 0 ? '[]' : value.map((v) => String(v)).join(', ');
  }
  return JSON.stringify(value);
}

export function valueCell(value: unknown): string {
  const text = valueText(value);
  const redacted = typeof value === 'string' && value.startsWith('[REDACTED:');
  return redacted
    ? `<span class="badge b-muted">${esc(text)}</span>`
    : `<span class="mono">${esc(text)}</span>`;
}

export function badge(text: string, tone: 'ok' | 'warn' | 'err' | 'info' | 'muted'): string {
  return `<span class="badge b-${tone}">${esc(text)}</span>`;
}

const TONES: Record<string, 'ok' | 'warn' | 'err' | 'info' | 'muted'> = {
  enabled: 'ok',
  loaded: 'ok',
  ok: 'ok',
  completed: 'ok',
  done: 'ok',
  passed: 'ok',
  compatible: 'ok',
  disabled: 'muted',
  skipped: 'muted',
  unsupported: 'warn',
  warn: 'warn',
  warning: 'warn',
  cancelled: 'warn',
  canceled: 'warn',
  failed: 'err',
  error: 'err',
  fail: 'err',
  incompatible: 'err',
  debug: 'muted',
  info: 'info',
};

export function statusBadge(status: string): string {
  return badge(status, TONES[status.toLowerCase()] ?? 'info');
}

export function sourceLabel(source: string): string {
  const cls = source.startsWith('env:')
    ? 'env'
    : source.startsWith('file:')
      ? 'file'
      : source === 'override'
        ? 'override'
        : '';
  return `<span class="source ${cls}">${esc(source)}</span>`;
}

export function table(headers: string[], rows: string[][], className = ''): string {
  if (rows.length === 0) return '<p class="note">none</p>';
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function td(html: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;
}

export function kv(pairs: Array<[string, string]>, cls = ''): string {
  if (pairs.length === 0) return '';
  return `<dl class="kv${cls ? ` ${cls}` : ''}">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** Nested objects as dotted keys (runtime.rknnServer.version), so probe results read as a list. */
export function flatten(
  value: unknown,
  prefix = '',
  depth = 0,
  out: Array<[string, unknown]> = [],
): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.push([prefix, {}]);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
  } else {
    out.push([prefix || 'value', value]);
  }
  return out;
}

/** An object's fields as a definition list (nested objects flattened to dotted keys). */
export function objectKv(value: unknown, cls = ''): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `<pre>${esc(json(value))}</pre>`;
  }
  const entries = flatten(value);
  if (entries.length === 0) return '<p class="note">empty</p>';
  return kv(
    entries.map(([k, v]) => [k, valueCell(v)]),
    cls,
  );
}

/** A small object on one line: `key value · key value` (adapter details, model facts). */
export function inlineKv(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return esc(valueText(value));
  return `<span class="inline-kv">${flatten(value)
    .map(([k, v]) => `${esc(k)} <b>${esc(valueText(v))}</b>`)
    .join(' · ')}</span>`;
}

export function errorCallout(
  error: SectionError,
  title = 'This section could not be gathered',
): string {
  return `<div class="callout err"><div class="title">${esc(title)}: ${esc(error.message)}</div><div class="mono">${esc(error.code)}</div>${
    error.hint ? `<div class="hint">${esc(error.hint)}</div>` : ''
  }</div>`;
}

export function mutedCallout(text: string): string {
  return `<div class="callout muted">${esc(text)}</div>`;
}

export function section(id: string, title: string, count: string | null, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}${count ? ` <span class="count">${esc(count)}</span>` : ''}</h2>${body}</section>`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/** ISO time shown as `2025-03-01 14:02:11 UTC` (a report is read in other time zones). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} UTC`;
}
