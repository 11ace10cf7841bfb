/**
 * Builds the services behind the handler table, the same way for the Electron main process and
 * for `coral serve`: the runtime (started), the bench engine with its run history, and the model
 * store. Returns them with one dispose() that stops everything they started.
 */
import { builtinSources } from '../bench/builtin-sources';
import { openHistory } from '../bench/history';
import { BenchService } from '../bench/service';
import { DiagnosticsService } from '../diagnostics/service';
import { RuntimeLog } from '../runtime/log';
import { resolveDataDir, resourcesDir } from '../runtime/paths';
import { RuntimeService, type RuntimeServiceOptions } from '../runtime/service';
import type { Disposable } from '../runtime/types';
import { ModelStore } from './models';
import type { AppPort, Services } from './services';

export interface CreateServicesOptions extends Omit<RuntimeServiceOptions, 'dataDir'> {
  mode: AppPort['mode'];
  versions?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  /** Where resources/ is (sample models); defaults to the app's. */
  resourcesDir?: string;
}

export async function createServices(
  options: CreateServicesOptions,
): Promise<Services & Disposable> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? resolveDataDir(env);
  const log = options.log ?? new RuntimeLog();
  const runtime = new RuntimeService({ ...options, env, dataDir, log });
  await runtime.start();

  const enabled = (name: string): true | string => {
    const a = runtime.context.state.adapters.find((x) => x.name === name);
    if (!a) return `no adapter named ${name} is registered`;
    if (a.status !== 'enabled') return `it is ${a.status}${a.reason ? ` (${a.reason})` : ''}`;
    return true;
  };
  const bench = new BenchService({
    sources: builtinSources(),
    history: openHistory(dataDir),
    flags: () => ({
      stream_manager: runtime.context.config.flags.stream_manager.value,
      metric_sink: runtime.context.config.flags.metric_sink.value,
    }),
    adapterGate: enabled,
    log,
  });
  const models = new ModelStore(options.resourcesDir ?? resourcesDir(), dataDir);
  const diag = new DiagnosticsService({
    env,
    runtime: () => runtime.context,
    runs: bench,
    versions: { ...process.versions, ...options.versions },
  });

  return {
    app: { mode: options.mode, versions: options.versions ?? {}, dataDir },
    runtime,
    bench,
    models,
    diag,
    async dispose() {
      await bench.dispose();
      await runtime.dispose();
    },
  };
}
