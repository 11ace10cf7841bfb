import type { DiagnosticReport, LogData, RuntimeData, SectionName } from './schema';

/**
 * A short plain-text account of a report (for `coral diag show` and the export's last lines):
 * per section its state and the few numbers that matter.
 */
export function sectionLine(report: DiagnosticReport, name: SectionName): string {
  const s = report[name];
  switch (s.status) {
    case 'omitted':
      return `${name}: left out`;
    case 'unavailable':
      return `${name}: unavailable (${s.reason})`;
    case 'error':
      return `${name}: FAILED ${s.error.code}: ${s.error.message}`;
    case 'ok':
      break;
  }
  switch (name) {
    case 'runtime': {
      const d = report.runtime.status === 'ok' ? (report.runtime.data as RuntimeData) : null;
      if (!d) return 'runtime: ok';
      const enabled = d.adapters.filter((a) => a.status === 'enabled').length;
      return `runtime: platform ${d.platform.value} (${d.platform.source}), ${d.adapters.length} adapters (${enabled} enabled), ${d.failures.length} failures, ${d.plugins.length} plugins`;
    }
    case 'log': {
      const d = (report.log as { data: LogData }).data;
      const warn = d.entries.filter((e) => e.level === 'warn').length;
      const err = d.entries.filter((e) => e.level === 'error').length;
      return `log: last ${d.entries.length} of ${d.total} entries (${warn} warnings, ${err} errors)`;
    }
    case 'boards': {
      const boards = (report.boards as { data: { boards: Array<{ error?: unknown }> } }).data
        .boards;
      const broken = boards.filter((b) => b.error).length;
      return `boards: ${boards.length}${broken ? ` (${broken} could not be refreshed)` : ''}`;
    }
    case 'runs': {
      const runs = (report.runs as { data: { runs: unknown[] } }).data.runs;
      return `runs: ${runs.length}`;
    }
  }
}

export function redactionLine(report: DiagnosticReport): string {
  const r = report.redaction;
  if (!r.enabled) return 'redaction: OFF — this report contains secrets; do not share it';
  const parts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return `redaction: ${r.total} replaced${parts.length ? ` (${parts.join(', ')})` : ''}${r.anonymized ? ', anonymized' : ''}`;
}

export function headerLines(report: DiagnosticReport): string[] {
  const h = report.header;
  const v = h.versions;
  const probe = (p?: { version: string | null }) => p?.version ?? '—';
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  return [
    `${h.app.name} ${h.app.version} · report schema v${report.schemaVersion} · ${h.hostname} · ${h.generatedAt}`,
    `system: ${h.os.distro ?? h.os.type} ${h.os.release} · ${h.os.platform}/${h.os.arch} · ${h.cpu.model} × ${h.cpu.cores} · ${gib(h.memory.totalBytes)} RAM`,
    `versions: node ${v.node}${v.electron ? ` · electron ${v.electron}` : ''}${v.chromium ? ` · chromium ${v.chromium}` : ''} · onnxruntime-node ${probe(v.onnxruntimeNode)} · native addon ${probe(v.nativeAddon)} · librknnrt ${probe(v.librknnrt)}`,
  ];
}
