import crypto from 'node:crypto';
import { CoralError } from '../runtime/errors';
import type { RuntimeContext } from '../runtime/types';
import { buildReport, type ReportOptions } from './build';
import { renderHtml } from './html';
import type { BoardsSectionProvider, ReportSources } from './providers';
import type { DiagnosticReport } from './schema';
import { sessionSecrets, type SessionSecrets } from './secrets';
import { baseSources, historyProvider, runtimeProvider, type RunHistoryLike } from './sources';
import { encodeReport, reportFileName, type EncodedReport, type ReportFormat } from './write';

export interface DiagnosticsServiceOptions {
  env: NodeJS.ProcessEnv;
  /** The current runtime context (it changes on every reset). */
  runtime: () => RuntimeContext;
  /** The run history: a HistoryStore or the bench service (both have list/get). */
  runs?: RunHistoryLike;
  boards?: BoardsSectionProvider;
  secrets?: SessionSecrets;
  /** process.versions of the main process (Electron adds electron and chrome). */
  versions?: Record<string, string | undefined>;
  /** How long a preview stays available for export (default 15 min). */
  previewTtlMs?: number;
}

export interface ReportPreview {
  /** Pass it to export() to write exactly this report. */
  id: string;
  /** The zip's file name; other formats differ only by extension. */
  fileName: string;
  report: DiagnosticReport;
  /** report.html, as it will be written. */
  html: string;
}

const MAX_PREVIEWS = 4;

/**
 * The diagnostics room's service for the app (Electron and browser mode): preview a report,
 * then export exactly the previewed report. Previews are kept briefly in memory (never on
 * disk), so what the user saw is what gets written, byte for byte.
 */
export class DiagnosticsService {
  private readonly previews = new Map<string, { report: DiagnosticReport; at: number }>();

  constructor(private readonly o: DiagnosticsServiceOptions) {}

  sources(): ReportSources {
    const runs = this.o.runs;
    return {
      ...baseSources(this.o.env, this.o.secrets ?? sessionSecrets),
      ...(this.o.versions ? { versions: this.o.versions } : {}),
      runtime: runtimeProvider(this.o.runtime),
      ...(runs ? { runs: historyProvider(() => runs) } : {}),
      ...(this.o.boards ? { boards: this.o.boards } : {}),
    };
  }

  async preview(options: ReportOptions = {}): Promise<ReportPreview> {
    const { json } = await buildReport(this.sources(), options);
    this.prune();
    const id = crypto.randomUUID();
    this.previews.set(id, { report: json, at: Date.now() });
    while (this.previews.size > MAX_PREVIEWS)
      this.previews.delete(this.previews.keys().next().value!);
    return { id, fileName: reportFileName(json, 'zip'), report: json, html: renderHtml(json) };
  }

  /** The bytes of a previewed report (by id), or of a fresh one built with `options`. */
  async export(request: {
    id?: string;
    options?: ReportOptions;
    format: ReportFormat;
  }): Promise<EncodedReport> {
    if (request.id !== undefined) {
      this.prune();
      const kept = this.previews.get(request.id);
      if (!kept) {
        throw new CoralError(
          'DIAG_PREVIEW_EXPIRED',
          'This report preview is no longer available.',
          {
            hint: 'Refresh the preview, then export again.',
          },
        );
      }
      return encodeReport(kept.report, request.format);
    }
    const { json } = await buildReport(this.sources(), request.options ?? {});
    return encodeReport(json, request.format);
  }

  private prune(): void {
    const ttl = this.o.previewTtlMs ?? 15 * 60_000;
    const now = Date.now();
    for (const [id, p] of this.previews) if (now - p.at > ttl) this.previews.delete(id);
  }
}
