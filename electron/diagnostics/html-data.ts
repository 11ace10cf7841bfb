import {
  badge,
  errorCallout,
  esc,
  formatBytes,
  formatTime,
  inlineKv,
  kv,
  objectKv,
  statusBadge,
  table,
  td,
} from './html-parts';
import type { BoardsData, ReportBoard, ReportRun, RunsData, StatRow } from './schema';
import { formatMs, latencyHistogram, latencyTimeline } from './svg';

/** Boards and runs sections of report.html. */

export function renderBoards(d: BoardsData): string {
  if (d.boards.length === 0) return '<p class="note">No boards are saved.</p>';
  return d.boards.map(renderBoard).join('\n');
}

function renderBoard(b: ReportBoard): string {
  const parts: string[] = [];
  const health = b.error
    ? badge('unreachable during export', 'err')
    : b.errors.length
      ? badge(`${b.errors.length} error${b.errors.length === 1 ? '' : 's'}`, 'warn')
      : '';
  const connection = b.state ? badge(b.state, b.state === 'connected' ? 'ok' : 'muted') : '';
  parts.push(
    `<div class="card-head"><span class="title">${esc(b.name)}</span><span><span class="mono">${esc(b.target)}</span> ${
      b.transport ? badge(b.transport, 'info') : ''
    } ${connection} ${health}</span></div>`,
  );
  if (b.error) parts.push(errorCallout(b.error, 'Could not refresh this board'));
  parts.push(`<h3>Probe <span class="source">${esc(formatTime(b.probe?.time))}</span></h3>`);
  parts.push(b.probe ? objectKv(b.probe.value) : '<p class="note">never probed</p>');
  parts.push(
    `<h3>Last telemetry <span class="source">${esc(formatTime(b.telemetry?.time))}</span></h3>`,
  );
  parts.push(
    b.telemetry ? objectKv(b.telemetry.value) : '<p class="note">no telemetry recorded</p>',
  );
  if (b.compat.length) {
    parts.push('<h3>Compatibility</h3>');
    parts.push(
      table(
        ['checked', 'verdict', 'why'],
        b.compat.map((c) => [
          td(esc(c.subject), 'mono'),
          td(statusBadge(c.verdict)),
          td(esc(c.message)),
        ]),
      ),
    );
  }
  parts.push('<h3>Connection errors</h3>');
  parts.push(
    table(
      ['time', 'code', 'message'],
      b.errors.map((e) => [
        td(esc(formatTime(e.time)), 'nowrap'),
        td(esc(e.code ?? '—'), 'mono'),
        td(`${esc(e.message)}${e.hint ? `<div class="source">${esc(e.hint)}</div>` : ''}`),
      ]),
    ),
  );
  return `<div class="card">${parts.join('\n')}</div>`;
}

function statText(row: StatRow): string {
  const v = row.value;
  if (v === null) return '—';
  switch (row.unit) {
    case 'ms':
      return `${formatMs(v)} ms`;
    case 'B':
      return formatBytes(v);
    case '/s':
      return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}/s`;
    default:
      return Number.isInteger(v) ? String(v) : v.toFixed(2);
  }
}

function pickStat(stats: StatRow[], ...keys: string[]): number | null {
  for (const k of keys) {
    const v = stats.find((s) => s.key === k)?.value;
    if (typeof v === 'number') return v;
  }
  return null;
}

export function renderRuns(d: RunsData): string {
  if (d.runs.length === 0) return '<p class="note">No benchmark runs are stored.</p>';
  const summary = table(
    ['started', 'backend', 'model', 'where', 'status', 'mean', 'p50', 'p99', 'samples'],
    d.runs.map((r) => [
      td(esc(formatTime(r.startedAt)), 'nowrap'),
      td(esc(r.backend)),
      td(esc(r.model), 'mono'),
      td(esc(r.target ?? 'local')),
      td(statusBadge(r.status)),
      td(esc(statOrDash(pickStat(r.stats, 'mean', 'meanMs'))), 'num'),
      td(esc(statOrDash(pickStat(r.stats, 'p50', 'p50Ms'))), 'num'),
      td(esc(statOrDash(pickStat(r.stats, 'p99', 'p99Ms'))), 'num'),
      td(String(r.latencyCount), 'num'),
    ]),
  );
  const note =
    d.total !== null && d.total > d.runs.length
      ? `<p class="note">The last ${d.runs.length} of ${d.total} stored runs.</p>`
      : '';
  return `${note}${summary}${d.runs.map(renderRun).join('\n')}`;
}

/** sha256 / size / format of the model as `onnx · 13.4 MiB · sha256 abab…abab`. */
function modelFacts(info: unknown): string {
  const m = (info ?? {}) as { sha256?: unknown; size?: unknown; format?: unknown };
  if (typeof m.sha256 !== 'string' && typeof m.size !== 'number') return inlineKv(info);
  const parts: string[] = [];
  if (typeof m.format === 'string') parts.push(esc(m.format));
  if (typeof m.size === 'number') parts.push(esc(formatBytes(m.size)));
  if (typeof m.sha256 === 'string') {
    parts.push(
      `sha256 <span class="mono" title="${esc(m.sha256)}">${esc(m.sha256.slice(0, 12))}…${esc(m.sha256.slice(-6))}</span>`,
    );
  }
  return parts.join(' · ');
}

function statOrDash(v: number | null): string {
  return v === null ? '—' : `${formatMs(v)} ms`;
}

function renderRun(r: ReportRun): string {
  const stats = r.stats
    .filter((s) => s.value !== null)
    .map(
      (s) =>
        `<span class="stat"><span class="k">${esc(s.label)}</span><span class="v">${esc(statText(s))}</span></span>`,
    )
    .join('');
  const p50 = pickStat(r.stats, 'p50', 'p50Ms');
  const p99 = pickStat(r.stats, 'p99', 'p99Ms');
  const markers = [
    ...(p50 !== null ? [{ label: 'p50', value: p50, color: '#1f7a4d' }] : []),
    ...(p99 !== null ? [{ label: 'p99', value: p99, color: '#b42318' }] : []),
  ];
  const options =
    r.options && typeof r.options === 'object' && Object.keys(r.options as object).length
      ? objectKv(r.options, 'cols')
      : '<p class="note">no options recorded</p>';
  return `<div class="card">
<div class="card-head"><span class="title">${esc(r.model)} <span class="source">on ${esc(r.backend)} · ${esc(r.target ?? 'local')}</span></span><span>${statusBadge(r.status)} <span class="source mono">${esc(r.id)}</span></span></div>
${kv([
  ['started', esc(formatTime(r.startedAt))],
  ['finished', esc(formatTime(r.finishedAt))],
  ...(r.label ? ([['label', esc(r.label)]] as Array<[string, string]>) : []),
  ...(r.modelInfo !== undefined
    ? ([['model', modelFacts(r.modelInfo)]] as Array<[string, string]>)
    : []),
])}
${r.error ? errorCallout({ code: r.error.code ?? 'RUN_FAILED', message: r.error.message, ...(r.error.hint ? { hint: r.error.hint } : {}) }, 'The run failed') : ''}
${r.warnings.map((w) => `<div class="callout warn">${esc(w)}</div>`).join('')}
<div class="stats">${stats || '<span class="note">no statistics</span>'}</div>
<div class="plots">${latencyTimeline(r.latencyMs, r.latencyCount, markers)}${latencyHistogram(r.histogram)}</div>
<h3>Options</h3>${options}
${r.extra !== undefined && r.extra !== null && Object.keys(r.extra as object).length ? `<h3>Recorded with the run</h3>${objectKv(r.extra)}` : ''}
</div>`;
}
