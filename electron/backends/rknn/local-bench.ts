/**
 * The rknn adapter's benchmark source for target `local` (Coral running on the board): checks
 * the model against this machine's SoC and librknnrt first, then runs it in a child process
 * (local-bench-host.ts) through the shared benchmark loop, so samples stream to the runner and
 * the run lands in the history like any other. Board targets (ssh/adb) are the remote path.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SourceFactory } from '../../bench/service';
import type { SourceResult } from '../../bench/types';
import { forkChild } from '../../runtime/child-process';
import { CoralError } from '../../runtime/errors';
import { detectPlatform } from '../../runtime/platform';
import { checkCompatibility } from './compat';
import { inspectRknn } from './inspect';
import { rknnLocalStatus } from './local';
import type { LocalBenchMessage, LocalBenchRequest } from './local-bench-protocol';
import type { BoardResolver } from './remote/board-link';
import { prepareRemoteRun } from './remote/source';

/** After a cancel, how long the child may take to hand back its samples before it is killed. */
const CANCEL_GRACE_MS = 3000;

/** The child entry: local-bench-host.ts under tsx from source, rknn-local-bench.js when bundled. */
export function localBenchEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return {
      file: path.join(path.dirname(self), 'local-bench-host.ts'),
      execArgv: ['--import', pathToFileURL(tsx).href],
    };
  }
  const dir = path.dirname(self);
  const candidates = [
    path.join(dir, 'rknn-local-bench.js'),
    path.join(dir, '..', 'rknn-local-bench.js'),
  ];
  return { file: candidates.find((c) => fs.existsSync(c)) ?? candidates[0], execArgv: [] };
}

export interface RknnBenchSourceOptions {
  env?: NodeJS.ProcessEnv;
  /** The SoC of this machine (default: from the device tree). */
  soc?: string | null;
  /** Core mask for local runs (null: the run's coreMask option, else the runtime decides). */
  coreMask?: number | null;
  /** How board targets are reached (remote path); without it only `local` runs. */
  boards?: BoardResolver;
  /** Board-runtime flags as CORAL_ENABLE_* for commands run on a board. */
  remoteEnv?: () => Record<string, string>;
  /** NPU load sampling period during board runs (default 500 ms). */
  telemetryIntervalMs?: number;
}

export function createRknnBenchSource(opts: RknnBenchSourceOptions = {}): SourceFactory {
  return async (req) => {
    const { model, target } = req;
    if (target !== 'local') {
      if (!opts.boards) {
        throw new CoralError(
          'RKNN_BOARD_BENCH_UNAVAILABLE',
          `Board ${target} cannot be reached from here: this front door has no board connections.`,
          {
            hint: 'Use `coral bench MODEL.rknn --board TARGET`, or the app; or import a saved log with `coral bench import LOG --board NAME`.',
          },
        );
      }
      return prepareRemoteRun(req, {
        boards: opts.boards,
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.remoteEnv ? { remoteEnv: opts.remoteEnv } : {}),
        ...(opts.telemetryIntervalMs ? { telemetryIntervalMs: opts.telemetryIntervalMs } : {}),
        log: req.log,
      });
    }
    const env = opts.env ?? process.env;
    const status = rknnLocalStatus(env);
    if (!status.available || !status.library.path) {
      throw new CoralError(
        'RKNN_LOCAL_UNAVAILABLE',
        `This machine cannot run .rknn models: ${status.reason}.`,
        {
          hint: 'Benchmark on a board instead, or see `coral rknn status`.',
        },
      );
    }
    const coreMask = opts.coreMask ?? req.options.coreMask ?? null;
    const info = await inspectRknn(model);
    const soc = opts.soc !== undefined ? opts.soc : (detectPlatform().soc ?? null);
    const compat = checkCompatibility(
      info,
      { soc, librknnrtVersion: status.library.version ?? null, label: 'this machine' },
      coreMask !== null ? { coreMask } : {},
    );
    if (compat.verdict === 'error') {
      throw new CoralError('RKNN_INCOMPATIBLE', compat.message, {
        ...(compat.hint ? { hint: compat.hint } : {}),
        detail: compat,
      });
    }
    const warnings = compat.findings.filter((f) => f.verdict === 'warning').map((f) => f.message);
    const library = status.library.path;
    return {
      model: { path: info.file, sha256: info.sha256, size: info.size, format: 'rknn' },
      extra: {
        toolkitVersion: info.toolkitVersion,
        targetPlatforms: info.targetPlatforms,
        soc,
        compatibility: compat.verdict,
      },
      source: {
        run: ({ options: o, sink, signal }) =>
          new Promise<SourceResult>((resolve, reject) => {
            const { file, execArgv } = localBenchEntry();
            const child = forkChild({ file, execArgv, env, name: 'Coral RKNN benchmark' });
            let stderr = '';
            child.stderr?.on('data', (d: Buffer) => {
              stderr = (stderr + d.toString()).slice(-4000);
            });
            let settled = false;
            let killTimer: NodeJS.Timeout | null = null;
            const finish = (fn: () => void) => {
              if (settled) return;
              settled = true;
              signal.removeEventListener('abort', onAbort);
              if (killTimer) clearTimeout(killTimer);
              if (child.connected) child.disconnect();
              const reaper = setTimeout(() => child.kill('SIGKILL'), 2000);
              reaper.unref();
              child.once('exit', () => clearTimeout(reaper));
              fn();
            };
            const onAbort = () => {
              if (child.connected) child.send({ type: 'cancel' } satisfies LocalBenchRequest);
              killTimer = setTimeout(() => {
                child.kill('SIGKILL');
                finish(() => resolve({}));
              }, CANCEL_GRACE_MS);
            };
            signal.addEventListener('abort', onAbort, { once: true });
            child.on('message', (message: unknown) => {
              const m = message as LocalBenchMessage;
              if (m.type === 'samples') sink.samples(m.values);
              else if (m.type === 'phase') sink.phase(m.phase);
              else if (m.type === 'warn') sink.warn(m.message);
              else if (m.type === 'done') finish(() => resolve(m.result));
              else if (m.type === 'error') {
                const err = new CoralError(m.error.code, m.error.message, {
                  ...(m.error.hint ? { hint: m.error.hint } : {}),
                  ...(m.error.detail !== undefined ? { detail: m.error.detail } : {}),
                });
                finish(() => reject(err));
              }
            });
            child.on('error', (e: Error) =>
              finish(() =>
                reject(
                  new CoralError(
                    'RKNN_LOCAL_WORKER_FAILED',
                    `The RKNN benchmark process could not start: ${e.message}`,
                  ),
                ),
              ),
            );
            child.on('exit', (code: number | null, sig: NodeJS.Signals | null) => {
              const tail = stderr.trim().split('\n').slice(-5).join(' / ');
              finish(() =>
                reject(
                  new CoralError(
                    'RKNN_LOCAL_WORKER_DIED',
                    `The RKNN benchmark process for ${info.file} died (${sig ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}.`,
                    {
                      hint: 'librknnrt crashed or was killed; check `dmesg` and the "E RKNN:" lines above.',
                    },
                  ),
                ),
              );
            });
            if (signal.aborted) onAbort();
            child.send({
              type: 'run',
              model: info.file,
              library,
              options: o,
              coreMask,
              warnings,
            } satisfies LocalBenchRequest);
          }),
      },
    };
  };
}

/** The built-in factory (process environment, device-tree SoC, runtime-chosen cores). */
export const rknnBenchSource: SourceFactory = createRknnBenchSource();
