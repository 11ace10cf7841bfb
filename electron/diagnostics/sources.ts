import type { CompatResult } from '../backends/rknn/compat';
import type { HistoryStore } from '../bench/history';
import { STAT_ROWS } from '../bench/stats';
import type { RunRecord } from '../bench/types';
import { findRknnLibrary, loadRknnAddon } from '../../native/index';
import { ENV_VARIABLES } from '../runtime/env';
import { APP_VERSION } from '../runtime/version';
import type { RuntimeContext } from '../runtime/types';
import type {
  CompatVerdictInput,
  KnownSecret,
  NativeInfo,
  NativeInfoProvider,
  ReportSources,
  RunInput,
  RunsSectionProvider,
  RuntimeSectionProvider,
} from './providers';
import { sessionSecrets, type SessionSecrets } from './secrets';

/**
 * Adapters from the rooms that own the data to the report's provider interfaces. Each takes
 * a getter, so a long-lived app (whose runtime context is replaced on every reset) always
 * reports the current state.
 */

export function runtimeProvider(get: () => RuntimeContext): RuntimeSectionProvider {
  return {
    snapshot() {
      const ctx = get();
      return { config: ctx.config, state: ctx.state, log: ctx.logger.list() };
    },
  };
}

/** A stored run as the report shows it: statistics with units, latency samples. */
export function runFromRecord(r: RunRecord): RunInput {
  const run: RunInput = {
    id: r.id,
    label: r.label ?? null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    backend: r.adapter,
    model: r.model.path,
    modelInfo: { sha256: r.model.sha256, size: r.model.size, format: r.model.format },
    target: r.target,
    status: r.status,
    options: r.options,
    stats: STAT_ROWS.map((row) => ({
      key: row.key,
      label: row.label,
      unit: row.unit,
      value: r.stats[row.key],
    })),
    latencyMs: r.samples ?? [],
    warnings: r.warnings,
    extra: r.extra,
  };
  if (r.error) run.error = r.error;
  return run;
}

/** What the report needs of a run history: the HistoryStore and the bench service both fit. */
export type RunHistoryLike = Pick<HistoryStore, 'list' | 'get'>;

/** The last N runs of the run history, with their samples (for the plots). */
export function historyProvider(get: () => RunHistoryLike): RunsSectionProvider {
  return {
    runs(limit, call) {
      const store = get();
      const page = store.list({ limit: limit + 1 });
      const runs: RunInput[] = [];
      for (const r of page.slice(0, limit)) {
        if (call.signal.aborted) break;
        runs.push(runFromRecord(store.get(r.id, { samples: true })));
      }
      // One extra row tells "there are more" without counting the whole table.
      return { runs, total: page.length > limit ? null : runs.length };
    },
  };
}

/** An RKNN compatibility verdict as a board's report entry. */
export function compatVerdict(subject: string, result: CompatResult): CompatVerdictInput {
  return {
    subject,
    verdict: result.verdict,
    message: result.message,
    detail: { ...(result.hint ? { hint: result.hint } : {}), findings: result.findings },
  };
}

/**
 * The native addon and librknnrt, each shown when present or when it is broken (a failed
 * build, a CORAL_RKNN_LIB pointing nowhere); absence on a machine without an NPU is normal
 * and stays out of the header.
 */
export function nativeProvider(env: NodeJS.ProcessEnv): NativeInfoProvider {
  return {
    info() {
      const out: NativeInfo = {};
      const addon = loadRknnAddon();
      if (addon.ok) out.nativeAddon = { version: APP_VERSION, path: addon.path };
      else if (addon.state === 'build-failed' || addon.state === 'load-failed') {
        out.nativeAddon = { version: null, path: addon.path, error: addon.reason };
      }
      const lib = findRknnLibrary(env);
      if (lib.ok) {
        out.librknnrt = lib.version
          ? { version: lib.version, path: lib.path }
          : { version: null, path: lib.path, error: 'no version string found in the library' };
      } else if (lib.fromEnv) {
        out.librknnrt = { version: null, error: lib.reason };
      }
      return out;
    },
  };
}

/** Values of CORAL_* variables marked secret in the runtime's variable table. */
export function secretEnvValues(env: NodeJS.ProcessEnv): KnownSecret[] {
  const out: KnownSecret[] = [];
  for (const v of ENV_VARIABLES) {
    const value = env[v.name];
    if (v.secret && value) out.push({ value, kind: 'secret' });
  }
  return out;
}

/** The secrets every report scrubs: this session's prompt answers and secret variables. */
export function secretsProvider(
  env: NodeJS.ProcessEnv,
  registry: SessionSecrets = sessionSecrets,
): () => KnownSecret[] {
  return () => [...registry.list(), ...secretEnvValues(env)];
}

/** Sources common to every front door; add runtime/boards/runs on top. */
export function baseSources(
  env: NodeJS.ProcessEnv,
  registry: SessionSecrets = sessionSecrets,
): ReportSources {
  return {
    env,
    secrets: secretsProvider(env, registry),
    versions: process.versions,
    native: nativeProvider(env),
  };
}
