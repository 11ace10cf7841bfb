/** How `coral bench`, `coral inspect` and `coral runs` print runs, models and progress. */
import { formatShape, type OnnxModelInfo } from '../../backends/onnx/inspect';
import type { RunComparison } from '../../bench/history';
import { STAT_ROWS } from '../../bench/stats';
import type { BenchEvent, BenchOptions, BenchStats, RunRecord } from '../../bench/types';
import { table } from '../output';

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (v < 1) return v.toFixed(3);
  if (v < 100) return v.toFixed(2);
  return v.toFixed(1);
}

export function formatBytes(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (v < 1024) return `${v} B`;
  if (v < 1024 ** 2) return `${(v / 1024).toFixed(1)} KB`;
  if (v < 1024 ** 3) return `${(v / 1024 ** 2).toFixed(1)} MB`;
  return `${(v / 1024 ** 3).toFixed(2)} GB`;
}

function formatStat(v: number | null, unit: string): string {
  if (v === null || v === undefined) return '-';
  if (unit === 'ms') return formatMs(v);
  if (unit === 'B') return formatBytes(v);
  if (unit === '/s') return v.toFixed(1);
  return String(v);
}

/** The stats table of one run, as in the README's "Benchmarking a model". */
export function statsTable(stats: BenchStats): string {
  return table(
    ['statistic', 'value', 'unit'],
    STAT_ROWS.map((r) => [r.label, formatStat(stats[r.key], r.unit), r.unit === 'B' ? '' : r.unit]),
  );
}

export function compareTable(c: RunComparison): string {
  return table(
    ['statistic', c.a.id, c.b.id, 'b/a'],
    c.rows.map((r) => [
      r.label,
      formatStat(r.a, r.unit),
      formatStat(r.b, r.unit),
      r.ratio === null ? '-' : `${r.ratio.toFixed(3)}x`,
    ]),
  );
}

export function optionsSummary(o: BenchOptions): string {
  const parts = [
    o.iterations !== null ? `${o.iterations} iterations` : `${(o.durationMs ?? 0) / 1000} s`,
    `${o.warmup} warm-up`,
    `threads ${o.intraOpThreads ?? 'default'}${o.interOpThreads ? `/${o.interOpThreads}` : ''}`,
    `opt ${o.graphOptimization}`,
    `ep ${o.executionProvider}`,
    `${o.inputData} inputs${o.inputData === 'random' ? ` (seed ${o.seed})` : ''}`,
  ];
  const shapes = Object.entries(o.shapes).map(([k, v]) => `${k}=${v.join('x')}`);
  if (shapes.length) parts.push(`shapes ${shapes.join(' ')}`);
  return parts.join(', ');
}

export function runJson(r: RunRecord, extra: Record<string, unknown> = {}) {
  const { samples, ...rest } = r;
  return {
    ...rest,
    samples: r.sampleCount,
    ...(samples ? { latenciesMs: Array.from(samples) } : {}),
    ...extra,
  };
}

export function inspectText(info: OnnxModelInfo): string {
  const lines = [
    `File       ${info.path}`,
    `Format     ONNX (IR ${info.irVersion}, opset ${info.opset ?? 'none'}${
      info.opsets.length > 1
        ? `; ${info.opsets
            .filter((o) => o.domain)
            .map((o) => `${o.domain} v${o.version}`)
            .join(', ')}`
        : ''
    })`,
    `Producer   ${[info.producer.name, info.producer.version].filter(Boolean).join(' ') || '-'}`,
    `Size       ${formatBytes(info.size)} (${info.size} bytes)`,
    `SHA-256    ${info.sha256}`,
    `Graph      ${info.graphName || '-'}: ${info.nodeCount} nodes, ${info.initializerCount} initializers, ${info.parameterCount.toLocaleString('en-US')} parameters`,
  ];
  if (info.description) lines.push(`About      ${info.description}`);
  if (info.externalData.length) lines.push(`External   ${info.externalData.join(', ')}`);
  const io = (title: string, ts: OnnxModelInfo['inputs']) =>
    `\n${title}\n${table(
      ['name', 'type', 'shape'],
      ts.map((t) => [t.name, t.elementType, formatShape(t.shape)]),
    )}`;
  lines.push(io('Inputs', info.inputs), io('Outputs', info.outputs));
  const ops = info.operators.map((o) => `${o.op} ${o.count}`).join(', ');
  if (ops) lines.push(`\nOperators  ${ops}`);
  return lines.join('\n');
}

/** Draws a one-line progress bar on stderr (TTY only), at most 10 times a second. */
export function progressPrinter(enabled: boolean) {
  let last = 0;
  return {
    update(e: Extract<BenchEvent, { type: 'batch' }>, force = false) {
      if (!enabled) return;
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      const p = e.progress;
      const width = 24;
      const filled = p === null ? 0 : Math.round(p * width);
      const bar = p === null ? '~'.repeat(width) : '#'.repeat(filled) + '.'.repeat(width - filled);
      const pct = p === null ? '  ?%' : `${Math.floor(p * 100)}%`.padStart(4);
      const what =
        e.phase === 'measure' || e.phase === 'done'
          ? `${e.total}${e.expected ? `/${e.expected}` : ''}`
          : e.phase;
      const stats = e.live.count
        ? `  p50 ${formatMs(e.live.p50)} ms  p99 ${formatMs(e.live.p99)} ms`
        : '';
      process.stderr.write(
        `\r\x1b[2K[${bar}] ${pct} ${what}${stats}  ${(e.elapsedMs / 1000).toFixed(1)} s`,
      );
    },
    end() {
      if (enabled) process.stderr.write('\r\x1b[2K');
    },
  };
}
