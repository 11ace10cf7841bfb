import fs from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BoardStore } from '../../../electron/boards/store';
import { reportSchema } from '../../../electron/diagnostics/schema';
import { runCoral } from '../../helpers/cli';
import { latencies, runRecord, seedHistory } from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';

function setup(): { dir: string; env: Record<string, string> } {
  const dir = tempDir('coral-cli-diag-');
  return { dir, env: { CORAL_DATA_DIR: path.join(dir, 'data') } };
}

describe('coral diag export', () => {
  it('writes one self-contained HTML file when asked, named by --out', async () => {
    const { dir, env } = setup();
    const out = path.join(dir, 'bug-42.html');
    const res = await runCoral(['diag', 'export', '--format', 'html', '--out', out], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Wrote ${out}`);
    expect(res.stdout).toMatch(/runtime: platform \w+/);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('includes the last N runs of the real run history', async () => {
    const { dir, env } = setup();
    seedHistory(env.CORAL_DATA_DIR, [
      runRecord({ id: 'run-1', samples: latencies(50, 4), startedAt: '2025-01-01T00:00:00.000Z' }),
      runRecord({ id: 'run-2', samples: latencies(50, 4), startedAt: '2025-01-02T00:00:00.000Z' }),
      runRecord({ id: 'run-3', samples: latencies(50, 4), startedAt: '2025-01-03T00:00:00.000Z' }),
    ]);
    const res = await runCoral(['diag', 'export', '--out', dir, '--runs', '2', '--json'], { env });
    expect(res.code).toBe(0);
    const { path: file } = JSON.parse(res.stdout) as { path: string };
    const entries = unzipSync(fs.readFileSync(file));
    const jsonName = Object.keys(entries).find((n) => n.endsWith('report.json'))!;
    const report = reportSchema.parse(JSON.parse(strFromU8(entries[jsonName])));
    if (report.runs.status !== 'ok') throw new Error(`runs: ${report.runs.status}`);
    expect(report.runs.data.runs.map((r) => r.id)).toEqual(['run-3', 'run-2']);
    expect(report.runs.data.runs[0].latencyCount).toBe(50);
  });

  it('still writes the report when the run history is damaged, with the error inside', async () => {
    const { dir, env } = setup();
    fs.mkdirSync(env.CORAL_DATA_DIR, { recursive: true });
    fs.writeFileSync(
      path.join(env.CORAL_DATA_DIR, 'coral.db'),
      'this is not a database '.repeat(100),
    );
    const res = await runCoral(['diag', 'export', '--out', dir, '--format', 'json', '--json'], {
      env,
    });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { path: string; sections: Record<string, string> };
    expect(out.sections).toMatchObject({ runtime: 'ok', runs: 'error' });
    const report = reportSchema.parse(JSON.parse(fs.readFileSync(out.path, 'utf8')));
    if (report.runs.status !== 'error') throw new Error('expected an error section');
    expect(report.runs.error.code).toBe('DB_CORRUPT');
  });

  it('still writes the report when the config file is broken; the runtime section says why', async () => {
    const { dir, env } = setup();
    const cfg = path.join(dir, 'coral.config.json');
    fs.writeFileSync(cfg, '{ "platform": ');
    const res = await runCoral(['--config', cfg, 'diag', 'export', '--out', dir, '--json'], {
      env,
    });
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as { sections: Record<string, string> }).sections.runtime).toBe(
      'error',
    );
  });

  it('rejects an unknown format with the list of formats (exit 1)', async () => {
    const { dir, env } = setup();
    const res = await runCoral(['diag', 'export', '--format', 'pdf', '--out', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: Unknown report format "pdf"');
    expect(res.stderr).toContain('hint: Use one of: zip, json, html.');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects a bad --runs or --skip as a usage error (exit 2)', async () => {
    const { dir, env } = setup();
    const runs = await runCoral(['diag', 'export', '--runs', 'many', '--out', dir], { env });
    expect(runs.code).toBe(2);
    expect(runs.stderr).toContain('--runs must be a whole number');
    const skip = await runCoral(['diag', 'export', '--skip', 'board', '--out', dir], { env });
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain('Sections: runtime, log, boards, runs.');
  });

  it('names the missing folder when --out points into one (exit 1)', async () => {
    const { dir, env } = setup();
    const res = await runCoral(['diag', 'export', '--out', path.join(dir, 'missing', 'r.zip')], {
      env,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the folder ${path.join(dir, 'missing')} does not exist`);
  });
});

describe('coral diag and saved boards', () => {
  it('lists saved boards with their stored facts, without dialling them', async () => {
    const { env } = setup();
    fs.mkdirSync(env.CORAL_DATA_DIR, { recursive: true });
    const store = BoardStore.open(env.CORAL_DATA_DIR);
    store.add({ target: 'ssh://radxa@10.9.8.7:22', name: 'lab-rock5b' });
    store.close();
    const res = await runCoral(['diag', 'show', '--json', '--skip', 'runtime,log'], { env });
    expect(res.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(res.stdout));
    if (report.boards.status !== 'ok') throw new Error(`boards: ${report.boards.status}`);
    expect(report.boards.data.boards).toMatchObject([
      { name: 'lab-rock5b', target: 'ssh://radxa@10.9.8.7:22', state: 'idle', probe: null },
    ]);
  });
});

describe('coral diag show', () => {
  it('prints the header and one line per section, and the redaction counts', async () => {
    const { env } = setup();
    const res = await runCoral(['diag', 'show', '--skip', 'log'], {
      env: { ...env, CORAL_API_TOKEN: 'zz-visible-nowhere-zz' },
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Coral Studio \d+\.\d+\.\d+ · report schema v1/);
    expect(res.stdout).toMatch(/^versions: node \d+/m);
    expect(res.stdout).toMatch(/^runtime: platform/m);
    expect(res.stdout).toContain('log: left out');
    expect(res.stdout).toMatch(/^runs: unavailable \(No run history yet/m);
    expect(res.stdout).toMatch(/^redaction: \d+ replaced \(token 1\)/m);
    expect(res.stdout + res.stderr).not.toContain('zz-visible-nowhere-zz');
  });

  it('prints the whole report as schema-valid JSON with --json', async () => {
    const { env } = setup();
    const res = await runCoral(['diag', 'show', '--json', '--log', '5'], { env });
    expect(res.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(res.stdout));
    if (report.log.status !== 'ok') throw new Error('log missing');
    expect(report.log.data.entries.length).toBeLessThanOrEqual(5);
  });
});
