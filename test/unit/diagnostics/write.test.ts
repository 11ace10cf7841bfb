import fs from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../electron/diagnostics/build';
import type { DiagnosticReport } from '../../../electron/diagnostics/schema';
import { reportSchema } from '../../../electron/diagnostics/schema';
import {
  encodeReport,
  inferFormat,
  parseFormat,
  reportFileName,
  writeReport,
} from '../../../electron/diagnostics/write';
import { tempDir } from '../../helpers/plugins';

let report: DiagnosticReport;
beforeAll(async () => {
  ({ json: report } = await buildReport({}, { now: new Date('2025-03-01T14:02:11.500Z') }));
});

describe('reportFileName', () => {
  it('carries app, host and UTC time, safe for any file system', () => {
    const r = { ...report, header: { ...report.header, hostname: 'Lab PC/01:east' } };
    expect(reportFileName(r, 'zip')).toBe('coral-studio_Lab-PC-01-east_20250301-140211Z.zip');
    expect(reportFileName(r, 'html')).toMatch(/\.html$/);
  });
});

describe('encodeReport', () => {
  it('zips report.json and report.html in a folder named like the file', () => {
    const { bytes, fileName, mime } = encodeReport(report, 'zip');
    expect(mime).toBe('application/zip');
    const entries = unzipSync(bytes);
    const folder = fileName.replace(/\.zip$/, '');
    expect(Object.keys(entries).sort()).toEqual([`${folder}/report.html`, `${folder}/report.json`]);
    const json = JSON.parse(strFromU8(entries[`${folder}/report.json`])) as unknown;
    expect(reportSchema.safeParse(json).success).toBe(true);
    expect(strFromU8(entries[`${folder}/report.html`])).toMatch(/^<!doctype html>/);
  });

  it('writes JSON that parses back to the same report', () => {
    const { bytes } = encodeReport(report, 'json');
    expect(JSON.parse(strFromU8(bytes))).toEqual(report);
  });
});

describe('writeReport', () => {
  it('puts the default file name inside a folder given as --out', () => {
    const dir = tempDir();
    const w = writeReport(report, { out: dir });
    expect(w.format).toBe('zip');
    expect(path.dirname(w.path)).toBe(dir);
    expect(path.basename(w.path)).toBe(reportFileName(report, 'zip'));
    expect(fs.statSync(w.path).size).toBe(w.bytes);
  });

  it('takes the format from the file extension when --format is not given', () => {
    const dir = tempDir();
    const w = writeReport(report, { out: path.join(dir, 'bug-1234.html') });
    expect(w.format).toBe('html');
    expect(fs.readFileSync(w.path, 'utf8')).toContain('<html');
  });

  it('refuses a folder that does not exist, naming it, and leaves nothing behind', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'nope', 'r.zip');
    expect(() => writeReport(report, { out: missing })).toThrow(
      expect.objectContaining({
        code: 'DIAG_OUT_DIR_MISSING',
        message: expect.stringContaining(path.join(dir, 'nope')),
      }),
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('replaces an existing report whole (written to a temporary file, then renamed)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.json');
    fs.writeFileSync(file, 'old');
    writeReport(report, { out: file });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(report);
    expect(fs.readdirSync(dir)).toEqual(['r.json']);
  });
});

describe('formats', () => {
  it('accepts zip, json and html in any case and rejects the rest with the list', () => {
    expect(parseFormat('ZIP')).toBe('zip');
    expect(() => parseFormat('pdf')).toThrow(
      expect.objectContaining({ code: 'DIAG_BAD_FORMAT', hint: 'Use one of: zip, json, html.' }),
    );
    expect(inferFormat('a/b.JSON')).toBe('json');
    expect(inferFormat('a/b.txt')).toBeUndefined();
  });
});
