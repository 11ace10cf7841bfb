/**
 * Builds the services behind the handler table, the same way for the Electron main process and
 * for `coral serve`: the runtime (started), the bench engine with its run history, and the model
 * store. Returns them with one dispose() that stops everything they started.
 */
import { serviceBoards } from '../backends/rknn/remote/board-link';
import { RknnService } from '../backends/rknn/service';
import { builtinSources } from '../bench/builtin-sources';
import { BoardsService } from '../boards/service';
import { boardFlagEnv } from '../runtime/flags';
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

  const enabled = (name: string, target: string): true | string => {
    const a = runtime.context.state.adapters.find((x) => x.name === name);
    if (!a) return `no adapter named ${name} is registered`;
    // A board brings its own NPU: only switching the adapter off (or a broken one) stops it.
    if (target !== 'local' && a.status === 'unsupported') return true;
    if (a.status !== 'enabled') return `it is ${a.status}${a.reason ? ` (${a.reason})` : ''}`;
    return true;
  };
  const remoteEnv = () => boardFlagEnv(runtime.context.config.flags);
  // adb devices are tracked once the Boards view asks (tracking would start an adb server).
  const boards = new BoardsService({ dataDir, env, log, remoteEnv, trackAdb: false });
  const history = openHistory(dataDir);
  const bench = new BenchService({
    sources: builtinSources({ rknn: { env, boards: serviceBoards(boards), remoteEnv } }),
    history,
    flags: () => ({
      stream_manager: runtime.context.config.flags.stream_manager.value,
      metric_sink: runtime.context.config.flags.metric_sink.value,
    }),
    adapterGate: enabled,
    log,
  });
  const models = new ModelStore(options.resourcesDir ?? resourcesDir(), dataDir);
  const rknn = new RknnService({
    boards,
    env,
    log,
    history,
    saving: () => runtime.context.config.flags.metric_sink.value || 'the flag metric_sink is off',
  });
  const diag = new DiagnosticsService({
    env,
    runtime: () => runtime.context,
    runs: bench,
    boards,
    versions: { ...process.versions, ...options.versions },
  });

  return {
    app: { mode: options.mode, versions: options.versions ?? {}, dataDir },
    runtime,
    bench,
    models,
    diag,
    rknn,
    boards,
    async dispose() {
      diag.dispose();
      await bench.dispose();
      await boards.dispose();
      await runtime.dispose();
    },
  };
}
