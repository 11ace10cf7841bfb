import fs from 'node:fs';
import { checkCompatibility } from '../backends/rknn/compat';
import { inspectRknn } from '../backends/rknn/inspect';
import type { BoardsService } from '../boards/service';
import type { Disposable } from '../runtime/types';
import type {
  BoardErrorInput,
  BoardInput,
  BoardsSectionProvider,
  CompatVerdictInput,
} from './providers';
import { compatVerdict } from './sources';

/** What a report needs of the boards service (BoardsService fits; tests may pass less). */
export type BoardsLike = Pick<BoardsService, 'list' | 'probe' | 'on'>;

const MAX_ERRORS = 20;

/**
 * Remembers, per board, the last telemetry sample and the recent connection and telemetry
 * errors, from the boards service's events: the service keeps neither, and a report should
 * say what happened before it was exported. Memory only; dispose() unsubscribes.
 */
export class BoardsRecorder implements Disposable {
  private readonly telemetry = new Map<string, { time: string; values: unknown }>();
  private readonly errors = new Map<string, BoardErrorInput[]>();
  private readonly unsubscribe: Array<() => void>;

  constructor(service: Pick<BoardsService, 'on'>) {
    this.unsubscribe = [
      service.on('telemetry', ({ boardId, sample }) => {
        this.telemetry.set(boardId, { time: sample.time, values: sample });
      }),
      service.on('telemetry-error', ({ boardId, error }) => this.error(boardId, error)),
      service.on('board-state', ({ boardId, error }) => {
        if (error) this.error(boardId, error);
      }),
    ];
  }

  private error(boardId: string, e: { code: string; message: string; hint?: string }): void {
    const list = this.errors.get(boardId) ?? [];
    const last = list[list.length - 1];
    // A reconnect loop repeats the same failure; keep it once.
    if (last && last.code === e.code && last.message === e.message) return;
    list.push({
      time: new Date().toISOString(),
      code: e.code,
      message: e.message,
      ...(e.hint ? { hint: e.hint } : {}),
    });
    if (list.length > MAX_ERRORS) list.splice(0, list.length - MAX_ERRORS);
    this.errors.set(boardId, list);
  }

  lastTelemetry(boardId: string): { time: string; values: unknown } | null {
    return this.telemetry.get(boardId) ?? null;
  }

  recentErrors(boardId: string): BoardErrorInput[] {
    return [...(this.errors.get(boardId) ?? [])];
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}

export interface BoardsProviderOptions {
  recorder?: BoardsRecorder;
  /** .rknn models to check against each probed board (e.g. those of the recent runs). */
  rknnModels?: () => string[] | Promise<string[]>;
  /** Time allowed to a live probe (the builder also bounds the whole refresh). */
  probeTimeoutMs?: number;
}

/**
 * Saved boards as report entries: what the store knows (target, last probe summary, last seen),
 * what the recorder saw (telemetry, errors), and, for boards connected right now, a fresh probe
 * with RKNN compatibility verdicts. Boards that are not connected are not dialled: exporting a
 * report must never ask for a password.
 */
export function boardsProvider(
  service: BoardsLike,
  options: BoardsProviderOptions = {},
): BoardsSectionProvider {
  return {
    boards() {
      return service.list().map((b): BoardInput => {
        const errors = options.recorder?.recentErrors(b.id) ?? [];
        if (
          b.error &&
          !errors.some((e) => e.code === b.error!.code && e.message === b.error!.message)
        ) {
          errors.push({
            time: null,
            code: b.error.code,
            message: b.error.message,
            ...(b.error.hint ? { hint: b.error.hint } : {}),
          });
        }
        const telemetry = options.recorder?.lastTelemetry(b.id) ?? null;
        return {
          id: b.id,
          name: b.name,
          target: b.target,
          transport: b.kind,
          state: b.state,
          probe: b.lastProbe
            ? {
                time: b.lastSeenAt,
                result: { ...b.lastProbe, summary: 'last probe (stored summary)' },
              }
            : null,
          telemetry,
          errors,
        };
      });
    },
    async refresh(board, call) {
      if (board.state !== 'connected') return {};
      const report = await service.probe(board.id, {
        timeoutMs: options.probeTimeoutMs ?? 4000,
        signal: call.signal,
      });
      const compat: CompatVerdictInput[] = [];
      for (const file of [...new Set((await options.rknnModels?.()) ?? [])]) {
        if (call.signal.aborted) break;
        if (!fs.existsSync(file)) continue;
        try {
          const info = await inspectRknn(file);
          compat.push(
            compatVerdict(
              file,
              checkCompatibility(info, {
                soc: report.soc,
                librknnrtVersion: report.runtime.librknnrt,
                name: board.name,
              }),
            ),
          );
        } catch (e) {
          compat.push({
            subject: file,
            verdict: 'error',
            message: e instanceof Error ? e.message : String(e),
          });
        }
      }
      return { probe: { time: new Date().toISOString(), result: report }, compat };
    },
  };
}
