import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { CoralError } from '../runtime/errors';
import { renderHtml } from './html';
import { REPORT_FORMATS, type DiagnosticReport, type ReportFormat } from './schema';

export { REPORT_FORMATS, type ReportFormat };

const MIME: Record<ReportFormat, string> = {
  zip: 'application/zip',
  json: 'application/json',
  html: 'text/html; charset=utf-8',
};

export function parseFormat(value: string): ReportFormat {
  const v = value.trim().toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(v)) return v as ReportFormat;
  throw new CoralError('DIAG_BAD_FORMAT', `Unknown report format "${value}"`, {
    hint: `Use one of: ${REPORT_FORMATS.join(', ')}.`,
  });
}

/**
 * coral-studio_<host>_<YYYYMMDD-HHMMSS>Z.<ext>: app, host (already anonymized when asked) and
 * time in UTC, safe on every file system.
 */
export function reportFileName(report: DiagnosticReport, format: ReportFormat): string {
  const host =
    report.header.hostname
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 48) || 'host';
  const t = new Date(report.header.generatedAt);
  const stamp = Number.isNaN(t.getTime())
    ? 'unknown-time'
    : t
        .toISOString()
        .replace(/\.\d+Z$/, 'Z')
        .replace(/[-:]/g, '')
        .replace('T', '-');
  return `${report.header.app.id}_${host}_${stamp}.${format}`;
}

export function reportJsonText(report: DiagnosticReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface EncodedReport {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

/**
 * The bytes of a report in one format: what a save dialog writes and what browser mode
 * downloads. The zip holds report.json and report.html in a folder named like the file.
 */
export function encodeReport(report: DiagnosticReport, format: ReportFormat): EncodedReport {
  const fileName = reportFileName(report, format);
  let bytes: Uint8Array;
  if (format === 'json') bytes = strToU8(reportJsonText(report));
  else if (format === 'html') bytes = strToU8(renderHtml(report));
  else {
    const folder = fileName.replace(/\.zip$/, '');
    const mtime = new Date(report.header.generatedAt);
    bytes = zipSync(
      {
        [`${folder}/report.json`]: strToU8(reportJsonText(report)),
        [`${folder}/report.html`]: strToU8(renderHtml(report)),
      },
      { level: 6, mtime: Number.isNaN(mtime.getTime()) ? new Date() : mtime },
    );
  }
  return { fileName, mime: MIME[format], bytes };
}

export interface WriteOptions {
  format?: ReportFormat;
  /** A file path, or an existing directory (the default file name is used inside it). */
  out?: string;
}

export interface WrittenReport {
  path: string;
  format: ReportFormat;
  bytes: number;
}

/**
 * Writes the report: to a temporary file next to the target, then renamed, so a failed write
 * never leaves half a report (nor replaces a good one).
 */
export function writeReport(report: DiagnosticReport, options: WriteOptions = {}): WrittenReport {
  const format = options.format ?? inferFormat(options.out) ?? 'zip';
  const encoded = encodeReport(report, format);
  const out = options.out ?? '.';
  const target = isDirectory(out) || /[\\/]$/.test(out) ? path.join(out, encoded.fileName) : out;
  const dir = path.dirname(path.resolve(target));
  if (!isDirectory(dir)) {
    throw new CoralError(
      'DIAG_OUT_DIR_MISSING',
      `Cannot write the report: the folder ${dir} does not exist`,
      {
        hint: 'Create the folder or pass --out with an existing folder.',
      },
    );
  }
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, encoded.bytes, { mode: 0o644 });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CoralError(
      'DIAG_WRITE_FAILED',
      `Cannot write the report to ${target}: ${(e as Error).message}`,
      {
        hint: 'Check that the folder is writable and has free space.',
        cause: e,
      },
    );
  }
  return { path: path.resolve(target), format, bytes: encoded.bytes.byteLength };
}

/** `--out report.html` without --format means html. */
export function inferFormat(out: string | undefined): ReportFormat | undefined {
  const ext = out ? path.extname(out).slice(1).toLowerCase() : '';
  return (REPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ReportFormat) : undefined;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
