import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../electron/ipc/create-services';
import { IpcServer } from '../../../electron/ipc/handlers';
import type { ReportPreview } from '../../../electron/ipc/contract';
import { reportSchema } from '../../../electron/diagnostics/schema';
import { latencies, runRecord, seedHistory } from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';

let services: Awaited<ReturnType<typeof createServices>>;
let ipc: IpcServer;
const call = () => ({ signal: new AbortController().signal, caller: 'test' });

beforeAll(async () => {
  const dataDir = tempDir('coral-ipc-diag-');
  seedHistory(dataDir, [runRecord({ id: 'ipc-run', samples: latencies(64, 2) })]);
  services = await createServices({
    mode: 'browser',
    env: { CORAL_DATA_DIR: dataDir, CORAL_API_TOKEN: 'ipc-secret-token-77' },
    dataDir,
  });
  ipc = new IpcServer(services);
});

afterAll(async () => {
  ipc?.tracker.dispose();
  await services?.dispose();
});

describe('diag.* over the handler table', () => {
  it('previews a redacted report with runs from the history, its HTML and an id', async () => {
    const res = await ipc.handle('diag.preview', { sections: { log: false }, runs: 5 }, call());
    if (!res.ok) throw new Error(res.error.message);
    const preview = res.data as ReportPreview;
    expect(reportSchema.safeParse(preview.report).success).toBe(true);
    expect(preview.report.log).toEqual({ status: 'omitted' });
    expect(preview.report.runs.status).toBe('ok');
    expect(preview.html).toContain('<!doctype html>');
    expect(JSON.stringify(preview)).not.toContain('ipc-secret-token-77');
  });

  it('exports exactly the previewed report as bytes for a download or a save dialog', async () => {
    const res = await ipc.handle('diag.preview', {}, call());
    if (!res.ok) throw new Error(res.error.message);
    const preview = res.data as ReportPreview;
    const exp = await ipc.handle('diag.export', { id: preview.id }, call());
    if (!exp.ok) throw new Error(exp.error.message);
    const { fileName, mime, bytes } = exp.data as {
      fileName: string;
      mime: string;
      bytes: Uint8Array;
    };
    expect(fileName).toBe(preview.fileName);
    expect(mime).toBe('application/zip');
    const entries = unzipSync(bytes);
    const name = Object.keys(entries).find((n) => n.endsWith('report.json'))!;
    expect(JSON.parse(strFromU8(entries[name]))).toEqual(preview.report);
  });

  it('does not let a window switch redaction off', async () => {
    const res = await ipc.handle('diag.preview', { redact: false }, call());
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('INVALID_PAYLOAD');
  });

  it('answers an unknown preview id with an error envelope that says to refresh', async () => {
    const res = await ipc.handle('diag.export', { id: 'gone', format: 'html' }, call());
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'DIAG_PREVIEW_EXPIRED', hint: 'Refresh the preview, then export again.' },
    });
  });

  it('lists diag among the services in app.info', async () => {
    const res = await ipc.handle('app.info', {}, call());
    if (!res.ok) throw new Error(res.error.message);
    expect((res.data as { services: string[] }).services).toContain('diag');
  });
});
