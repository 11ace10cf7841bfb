import crypto from 'node:crypto';
import { CoralError } from '../runtime/errors';
import type { Disposable, RuntimeContext } from '../runtime/types';
import { BoardsRecorder, boardsProvider, type BoardsLike } from './boards';
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
  /** The boards service: saved boards, live probes of connected ones, recorded telemetry/errors. */
  boards?: BoardsLike;
  /** Or any boards source (tests). */
  boardsSource?: BoardsSectionProvider;
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
export class DiagnosticsService implements Disposable {
  private readonly previews = new Map<string, { report: DiagnosticReport; at: number }>();
  private readonly recorder: BoardsRecorder | null;
  private readonly boards: BoardsSectionProvider | undefined;

  constructor(private readonly o: DiagnosticsServiceOptions) {
    this.recorder = o.boards ? new BoardsRecorder(o.boards) : null;
    this.boards = o.boards
      ? boardsProvider(o.boards, {
          ...(this.recorder ? { recorder: this.recorder } : {}),
          rknnModels: () => this.recentRknnModels(),
        })
      : o.boardsSource;
  }

  /** The .rknn files of the recent runs: checked against every board probed for a report. */
  private recentRknnModels(): string[] {
    try {
      return (this.o.runs?.list({ limit: 20 }) ?? [])
        .map((r) => r.model.path)
        .filter((p) => p.endsWith('.rknn'));
    } catch {
      return [];
    }
  }

  dispose(): void {
    this.recorder?.dispose();
    this.previews.clear();
  }

  sources(): ReportSources {
    const runs = this.o.runs;
    return {
      ...baseSources(this.o.env, this.o.secrets ?? sessionSecrets),
      ...(this.o.versions ? { versions: this.o.versions } : {}),
      runtime: runtimeProvider(this.o.runtime),
      ...(runs ? { runs: historyProvider(() => runs) } : {}),
      ...(this.boards ? { boards: this.boards } : {}),
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
