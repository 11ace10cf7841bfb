/**
 * The one handler table: every route of the contract, implemented over the services. Electron
 * IPC (electron/main/ipc.ts) and the web host (electron/host) are two transports over
 * `IpcServer.handle()`, which validates every payload, never throws, and answers with an
 * envelope. Invalid payloads get INVALID_PAYLOAD with the zod issues and are logged.
 */
import { CoralError, toCoralError } from '../runtime/errors';
import type { RuntimeContext } from '../runtime/types';
import { APP_VERSION } from '../runtime/version';
import {
  isChannel,
  routeOf,
  type Channel,
  type Envelope,
  type IpcError,
  type ParsedRequestOf,
  type ResponseOf,
  type RuntimeSnapshot,
} from './contract';
import { boardsHub } from './boards-hub';
import type { Services } from './services';
import { buildSnapshot, configChanges, fieldInfos, plainLogEntry, toPlain } from './snapshot';

/** What a handler knows about its call: who asked and how to notice a cancel. */
export interface CallContext {
  /** Aborted when the caller cancels the request or goes away. */
  signal: AbortSignal;
  /** The caller, from the transport (never from the payload): `window 3`, `ws 127.0.0.1:5123`. */
  caller: string;
}

export type HandlerTable = {
  [C in Channel]: (
    request: ParsedRequestOf<C>,
    call: CallContext,
  ) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

const LOG_SOURCE = 'ipc';
const LEVEL_RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

function unavailable(domain: string, what: string): CoralError {
  return new CoralError(
    'UNAVAILABLE',
    `${what} is not available in this build (no ${domain} service).`,
    {
      hint: 'Update Coral Studio, or use the CLI; the Runtime view lists what is loaded.',
    },
  );
}

/**
 * Keeps the runtime's snapshot bookkeeping: a generation number per init and what changed.
 * Registered first on the runtime service, so every later listener sees the new numbers.
 */
export class SnapshotTracker {
  generation = 0;
  changes: string[] = [];
  private previous: RuntimeContext['config'] | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly services: Services) {
    if (services.runtime.started) {
      this.generation = 1;
      this.previous = services.runtime.context.config;
    }
    this.unsubscribe = services.runtime.onChange((ctx) => this.update(ctx));
  }

  private update(ctx: RuntimeContext): void {
    this.generation += 1;
    this.changes = configChanges(this.previous, ctx.config);
    this.previous = ctx.config;
  }

  snapshot(ctx: RuntimeContext = this.services.runtime.context): RuntimeSnapshot {
    if (this.previous !== ctx.config) this.update(ctx);
    return buildSnapshot(ctx, {
      generation: this.generation,
      overrides: this.services.runtime.overrides,
      changes: this.changes,
      log: this.services.runtime.log.list(),
    });
  }

  dispose(): void {
    this.unsubscribe();
  }
}

export function createHandlers(services: Services, tracker: SnapshotTracker): HandlerTable {
  const { runtime } = services;
  const hub = () => {
    if (!services.boards) throw unavailable('boards', 'Boards');
    return boardsHub(services.boards);
  };
  const need = <K extends 'models' | 'bench' | 'diag' | 'rknn'>(key: K, what: string) => {
    const s = services[key];
    if (!s) throw unavailable(key, what);
    return s as NonNullable<Services[K]>;
  };
  return {
    'app.info': () => ({
      name: 'Coral Studio',
      version: APP_VERSION,
      mode: services.app.mode,
      versions: { coral: APP_VERSION, node: process.versions.node, ...services.app.versions },
      platform: process.platform,
      arch: process.arch,
      dataDir: services.app.dataDir,
      services: (['models', 'bench', 'diag', 'rknn', 'boards'] as const).filter((k) => services[k]),
    }),
    'app.pickModel': async () => {
      if (!services.shell) {
        throw new CoralError('UNAVAILABLE', 'There is no open dialog in browser mode.', {
          hint: 'Choose the file with the file picker or drag it onto the Benchmarks view.',
        });
      }
      return { path: await services.shell.pickModel() };
    },
    'runtime.snapshot': () => tracker.snapshot(),
    'runtime.reinit': async () => tracker.snapshot(await runtime.applyOverrides({})),
    'runtime.log': ({ level, text, limit }) => {
      const min = level ? LEVEL_RANK[level] : 0;
      const needle = text?.toLowerCase();
      return runtime.log
        .list()
        .filter((e) => LEVEL_RANK[e.level] >= min)
        .filter((e) => !needle || `${e.source} ${e.message}`.toLowerCase().includes(needle))
        .slice(-limit)
        .map(plainLogEntry);
    },
    'config.get': () => ({
      config: toPlain(runtime.context.config, 8) as RuntimeContext['config'],
      overrides: toPlain(runtime.overrides) as Record<string, unknown>,
      fields: fieldInfos(),
    }),
    'config.apply': async ({ patch }) => {
      const keys = Object.keys(patch).filter(
        (k) => (patch as Record<string, unknown>)[k] !== undefined,
      );
      if (keys.length === 0) {
        throw new CoralError('INVALID_PAYLOAD', 'config.apply got an empty patch.', {
          hint: 'Send at least one key, e.g. {"patch": {"flags.webrtc": false}}.',
        });
      }
      const clean = Object.fromEntries(keys.map((k) => [k, (patch as Record<string, unknown>)[k]]));
      return tracker.snapshot(await runtime.applyOverrides(clean));
    },
    'config.reset': async () => tracker.snapshot(await runtime.resetOverrides()),
    'models.samples': () => need('models', 'The sample model list').samples(),
    'models.upload': ({ name, bytes }) => need('models', 'Model upload').upload(name, bytes),
    'bench.info': () => {
      const bench = need('bench', 'Benchmarking');
      return { adapters: bench.adapters(), history: bench.historyStatus() };
    },
    'bench.start': (req) => need('bench', 'Benchmarking').start(req),
    'bench.cancel': ({ runId }) => ({ cancelled: need('bench', 'Benchmarking').cancel(runId) }),
    'bench.active': () => need('bench', 'Benchmarking').active(),
    'runs.list': (query) => need('bench', 'The run history').list(query),
    'runs.show': ({ id }) => need('bench', 'The run history').get(id, { samples: true }),
    'runs.compare': ({ a, b }) => need('bench', 'The run history').compare(a, b),
    'rknn.targets': () => need('rknn', 'RKNN targets').targets(),
    'rknn.inspect': ({ model }) => need('rknn', 'RKNN model inspection').inspect(model),
    'rknn.importLog': (req) => need('rknn', 'Importing rknn_benchmark logs').importLog(req),
    'rknn.check': (req, call) =>
      need('rknn', 'The RKNN compatibility check').check(req, call.signal),
    'boards.list': () => hub().list(),
    'boards.add': (req) => hub().add(req),
    'boards.remove': ({ id }) => hub().remove(id),
    'boards.connect': ({ id }, call) => hub().connect(id, call.signal),
    'boards.disconnect': ({ id }) => hub().disconnect(id),
    'boards.probe': ({ id }, call) => hub().probe(id, call.signal),
    'boards.answer': (answer) => hub().answer(answer),
    'boards.sshAliases': () => hub().sshAliases(),
    'boards.profiles': () => hub().profiles(),
    'boards.startVirtual': ({ profile }) => hub().startVirtual(profile),
    'boards.stopVirtual': ({ id }) => hub().stopVirtual(id),
    'diag.preview': (options) => need('diag', 'Diagnostic reports').preview(options),
    'diag.export': (req) => need('diag', 'Diagnostic reports').export(req),
  };
}

export interface IpcServerOptions {
  /** Validate responses against the contract too (on by default; cheap next to the work). */
  checkResponses?: boolean;
  /** At most this many rejected payloads are logged per second (the rest are counted). */
  rejectLogPerSecond?: number;
}

/** Formats what is wrong with a payload, naming the channel and the first problem. */
function invalidPayload(
  channel: string,
  summary: string,
  issues: { path: PropertyKey[]; message: string; code: string }[],
): IpcError {
  const where = (p: PropertyKey[]) => (p.length ? p.map(String).join('.') : '(payload)');
  const first = issues[0];
  return {
    code: 'INVALID_PAYLOAD',
    message: `Invalid request to ${channel}: ${first ? `${where(first.path)}: ${first.message}` : 'rejected'}.`,
    hint: `The request must match the contract of ${channel} (${summary}).`,
    detail: {
      issues: issues
        .slice(0, 10)
        .map((i) => ({ path: where(i.path), message: i.message, code: i.code })),
    },
  };
}

export function errorEnvelope(e: unknown): { ok: false; error: IpcError } {
  const err = toCoralError(e);
  const error: IpcError = { code: err.code, message: err.message };
  if (err.hint) error.hint = err.hint;
  if (err.detail !== undefined) error.detail = toPlain(err.detail);
  return { ok: false, error };
}

/**
 * Validates and dispatches requests over the handler table. Never throws and never rejects:
 * every outcome is an envelope. Shared by both transports.
 */
export class IpcServer {
  readonly tracker: SnapshotTracker;
  private readonly table: HandlerTable;
  private rejectWindow = { start: 0, logged: 0, suppressed: 0 };

  constructor(
    readonly services: Services,
    private readonly options: IpcServerOptions = {},
  ) {
    this.tracker = new SnapshotTracker(services);
    this.table = createHandlers(services, this.tracker);
  }

  get log() {
    return this.services.runtime.log;
  }

  async handle(channel: unknown, payload: unknown, call: CallContext): Promise<Envelope<unknown>> {
    if (!isChannel(channel)) {
      const name = typeof channel === 'string' ? channel.slice(0, 100) : typeof channel;
      return this.reject(call.caller, {
        code: 'UNKNOWN_CHANNEL',
        message: `There is no IPC route named ${JSON.stringify(name)}.`,
        hint: 'Routes are <domain>.<method> names from electron/ipc/contract.ts, e.g. runtime.snapshot.',
      });
    }
    const def = routeOf(channel);
    if (!def)
      return this.reject(call.caller, { code: 'UNKNOWN_CHANNEL', message: `No route ${channel}.` });
    const parsed = def.request.safeParse(payload);
    if (!parsed.success)
      return this.reject(call.caller, invalidPayload(channel, def.summary, parsed.error.issues));
    if (call.signal.aborted) return errorEnvelope(cancelled(channel));
    try {
      const handler = this.table[channel] as (req: unknown, call: CallContext) => unknown;
      // A cancelled request ends now for its caller, even if the work behind it cannot stop.
      const data = await abortable(
        Promise.resolve(handler(parsed.data, call)),
        call.signal,
        channel,
      );
      if (this.options.checkResponses === false) return { ok: true, data };
      const checked = def.response.safeParse(data);
      if (!checked.success) {
        const issues = checked.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`);
        this.log.error(
          LOG_SOURCE,
          `The response of ${channel} does not match the contract: ${issues.join('; ')}`,
        );
        return errorEnvelope(
          new CoralError(
            'INTERNAL',
            `The response of ${channel} does not match the IPC contract.`,
            {
              hint: 'This is a bug in Coral Studio; the log names the fields.',
              detail: { issues },
            },
          ),
        );
      }
      return { ok: true, data: checked.data };
    } catch (e) {
      if (call.signal.aborted) return errorEnvelope(cancelled(channel));
      if (!(e instanceof CoralError)) {
        this.log.error(
          LOG_SOURCE,
          `${channel} failed: ${e instanceof Error ? e.message : String(e)}`,
          {
            stack: e instanceof Error ? e.stack : undefined,
          },
        );
      }
      return errorEnvelope(e);
    }
  }

  /** Answers a rejected request (logged, at most rejectLogPerSecond lines a second). */
  reject(caller: string, error: IpcError): { ok: false; error: IpcError } {
    const now = Date.now();
    const w = this.rejectWindow;
    if (now - w.start >= 1000) {
      if (w.suppressed > 0) {
        this.log.warn(
          LOG_SOURCE,
          `${w.suppressed} more invalid request(s) were rejected and not logged one by one.`,
        );
      }
      this.rejectWindow = { start: now, logged: 0, suppressed: 0 };
    }
    if (this.rejectWindow.logged < (this.options.rejectLogPerSecond ?? 20)) {
      this.rejectWindow.logged += 1;
      this.log.warn(LOG_SOURCE, `Rejected a request from ${caller}: ${error.message}`);
    } else {
      this.rejectWindow.suppressed += 1;
    }
    return { ok: false, error };
  }

  dispose(): void {
    this.tracker.dispose();
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal, channel: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(channel));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function cancelled(what: string): CoralError {
  return new CoralError('CANCELLED', `${what} was cancelled.`);
}
