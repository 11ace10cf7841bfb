/**
 * What the handler table serves: the runtime service plus the domain services that have landed.
 * A domain whose service is absent answers with UNAVAILABLE (and a hint) instead of failing.
 * The ports are the narrow slices of each service the handlers use, so a service can grow
 * without the IPC layer noticing and tests can pass real services directly.
 */
import type { RuntimeService } from '../runtime/service';
import type { BenchService } from '../bench/service';
import type { SampleModel } from './contract';
import type { DiagnosticsService } from '../diagnostics/service';
import type { RknnService } from '../backends/rknn/service';
import type { BoardsService } from '../boards/service';

export interface AppPort {
  mode: 'electron' | 'browser';
  /** Versions of the parts (app, node, electron, chrome, v8, onnxruntime …). */
  versions: Record<string, string>;
  dataDir: string;
}

/** The slice of electron/bench's BenchService the handlers use. */
export type BenchPort = Pick<
  BenchService,
  | 'start'
  | 'cancel'
  | 'active'
  | 'subscribe'
  | 'list'
  | 'get'
  | 'compare'
  | 'historyStatus'
  | 'adapters'
>;

export interface ModelsPort {
  samples(): SampleModel[] | Promise<SampleModel[]>;
  upload(name: string, bytes: Uint8Array): Promise<{ path: string; sizeBytes: number }>;
}

/** The slice of electron/backends/rknn's RknnService the handlers use. */
export type RknnPort = Pick<RknnService, 'targets' | 'inspect' | 'check' | 'importLog'>;

/** The slice of electron/diagnostics' DiagnosticsService the handlers use. */
export type DiagPort = Pick<DiagnosticsService, 'preview' | 'export'>;

/** What only the desktop shell can do (native dialogs); absent in browser mode. */
export interface ShellPort {
  /** Shows the open dialog; resolves with the chosen path, or null when cancelled. */
  pickModel(): Promise<string | null>;
}

export interface Services {
  app: AppPort;
  shell?: ShellPort;
  runtime: RuntimeService;
  models?: ModelsPort;
  bench?: BenchPort;
  diag?: DiagPort;
  rknn?: RknnPort;
  /** The app's boards (one connection per board); board benchmarks and rknn.check use it. */
  boards?: BoardsService;
}
