import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/bench/history';
import { DiagnosticsService } from '../../../electron/diagnostics/service';
import { SessionSecrets } from '../../../electron/diagnostics/secrets';
import { latencies, realRuntime, runRecord, seedHistory } from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

async function service(secrets = new SessionSecrets(), previewTtlMs?: number) {
  const dataDir = tempDir();
  seedHistory(dataDir, [runRecord({ id: 'r1', samples: latencies(100, 3) })]);
  const store = HistoryStore.open(HistoryStore.fileIn(dataDir));
  stores.push(store);
  const ctx = await realRuntime({ CORAL_DATA_DIR: dataDir });
  return {
    ctx,
    svc: new DiagnosticsService({
      env: { CORAL_DATA_DIR: dataDir },
      runtime: () => ctx,
      runs: store,
      secrets,
      ...(previewTtlMs !== undefined ? { previewTtlMs } : {}),
    }),
  };
}

describe('DiagnosticsService', () => {
  it('exports exactly the previewed report, even after the log has moved on', async () => {
    const { svc, ctx } = await service();
    const preview = await svc.preview({ log: 50 });
    ctx.logger.info('test', 'written after the preview');
    const zip = await svc.export({ id: preview.id, format: 'zip' });
    const entries = unzipSync(zip.bytes);
    const json = strFromU8(entries[Object.keys(entries).find((n) => n.endsWith('report.json'))!]);
    const html = strFromU8(entries[Object.keys(entries).find((n) => n.endsWith('report.html'))!]);
    expect(JSON.parse(json)).toEqual(preview.report);
    expect(html).toBe(preview.html);
    expect(json).not.toContain('written after the preview');
    expect(zip.fileName).toBe(preview.fileName);
  });

  it('applies the section switches of the preview to what is written', async () => {
    const { svc } = await service();
    const preview = await svc.preview({ sections: { runs: false } });
    expect(preview.report.runs).toEqual({ status: 'omitted' });
    expect(preview.html).toContain('Left out of this report when it was exported.');
    const json = await svc.export({ id: preview.id, format: 'json' });
    expect(JSON.parse(strFromU8(json.bytes)).runs).toEqual({ status: 'omitted' });
  });

  it('includes runs from the run history and scrubs this session’s secrets', async () => {
    const secrets = new SessionSecrets();
    secrets.add('typed-into-a-prompt-42', 'password');
    const { svc, ctx } = await service(secrets);
    ctx.logger.warn('ssh', 'auth retry with typed-into-a-prompt-42');
    const preview = await svc.preview();
    expect(preview.report.runs.status).toBe('ok');
    expect(JSON.stringify(preview.report)).not.toContain('typed-into-a-prompt-42');
    expect(preview.html).not.toContain('typed-into-a-prompt-42');
  });

  it('refuses an unknown or expired preview id with a hint to refresh', async () => {
    const { svc } = await service(new SessionSecrets(), 0);
    const preview = await svc.preview();
    await new Promise((r) => setTimeout(r, 5));
    await expect(svc.export({ id: preview.id, format: 'zip' })).rejects.toMatchObject({
      code: 'DIAG_PREVIEW_EXPIRED',
      hint: 'Refresh the preview, then export again.',
    });
  });

  it('builds a fresh report when no preview id is given', async () => {
    const { svc } = await service();
    const html = await svc.export({ options: { sections: { log: false } }, format: 'html' });
    expect(html.mime).toBe('text/html; charset=utf-8');
    expect(strFromU8(html.bytes)).toContain('Coral Studio diagnostic report');
  });
});
