/**
 * One connected page (an Electron window or a browser tab over the WebSocket): its in-flight
 * requests (cancellable by id) and its event subscriptions. Subscriptions are lazy: the session
 * attaches to a service's events on the page's first listener and detaches on its last, so a
 * page that never opens the Benchmarks view never receives a sample.
 */
import type { BenchEvent } from '../bench/types';
import { isEventName, type Envelope, type EventName, type EventOf } from './contract';
import { boardsHub, plainBoard, plainError } from './boards-hub';
import { cancelled, errorEnvelope, type IpcServer } from './handlers';
import { plainLogEntry } from './snapshot';

export type EventSink = (event: EventName, data: unknown) => void;
type Emit<E extends EventName> = (data: EventOf<E>) => void;
type Source<E extends EventName> = (server: IpcServer, emit: Emit<E>) => () => void;

const noop = () => undefined;

function benchSource<E extends 'bench.started' | 'bench.progress' | 'bench.finished'>(
  pick: (event: BenchEvent) => EventOf<E> | undefined,
): Source<E> {
  return (server, emit) =>
    server.services.bench?.subscribe((event) => {
      const data = pick(event);
      if (data) emit(data);
    }) ?? noop;
}

/** Where each event comes from. `app.command` is pushed by the Electron shell (menus). */
const SOURCES: { [E in EventName]: Source<E> } = {
  'runtime.changed': (server, emit) =>
    server.services.runtime.onChange((ctx) => emit(server.tracker.snapshot(ctx))),
  'runtime.log': (server, emit) =>
    server.services.runtime.log.subscribe((e) => emit(plainLogEntry(e))),
  'bench.started': benchSource((e) =>
    e.type === 'started'
      ? {
          runId: e.runId,
          adapter: e.adapter,
          target: e.target,
          model: e.model,
          options: e.options,
          startedAt: e.startedAt,
        }
      : undefined,
  ),
  'bench.progress': benchSource((e) =>
    e.type === 'batch'
      ? {
          runId: e.runId,
          seq: e.seq,
          phase: e.phase,
          samples: e.samples,
          total: e.total,
          elapsedMs: e.elapsedMs,
          expected: e.expected,
          progress: e.progress,
          live: e.live,
          ...(e.gauges ? { gauges: e.gauges } : {}),
        }
      : undefined,
  ),
  'bench.finished': benchSource((e) => {
    if (e.type !== 'finished') return undefined;
    const { samples: _samples, ...record } = e.record;
    return {
      runId: e.runId,
      record,
      saved: e.saved,
      ...(e.notSavedReason ? { notSavedReason: e.notSavedReason } : {}),
    };
  }),
  'app.command': () => noop,
  'boards.changed': (server, emit) =>
    server.services.boards?.on('boards-changed', ({ boards }) =>
      emit({ boards: boards.map(plainBoard) }),
    ) ?? noop,
  'boards.state': (server, emit) =>
    server.services.boards?.on('board-state', (e) =>
      emit(e.error ? { ...e, error: plainError(e.error) } : e),
    ) ?? noop,
  'boards.prompt': (server, emit) =>
    server.services.boards
      ? boardsHub(server.services.boards).onPrompts((e) => {
          if (e.type === 'open') emit(e.prompt);
        })
      : noop,
  'boards.promptClosed': (server, emit) =>
    server.services.boards
      ? boardsHub(server.services.boards).onPrompts((e) => {
          if (e.type === 'closed') emit({ id: e.id });
        })
      : noop,
  // Lazy on purpose: the first listener starts telemetry (adb tracking), the last one stops it.
  'boards.telemetry': (server, emit) =>
    server.services.boards ? boardsHub(server.services.boards).onTelemetry(emit) : noop,
  'boards.adb': (server, emit) =>
    server.services.boards ? boardsHub(server.services.boards).onAdb(emit) : noop,
  'boards.virtual': (server, emit) => server.services.boards?.on('virtual-boards', emit) ?? noop,
};

export class Session {
  private readonly inflight = new Map<string, AbortController>();
  private readonly subscriptions = new Map<EventName, () => void>();
  private readonly lifetime = new AbortController();
  private disposed = false;

  constructor(
    private readonly server: IpcServer,
    private readonly send: EventSink,
    /** Who this is, for the log: `window 1`, `ws 127.0.0.1:51234`. */
    readonly caller: string,
  ) {}

  /** Handles one request; `requestId` (unique per session) makes it cancellable. */
  async request(
    channel: unknown,
    payload: unknown,
    requestId?: string,
  ): Promise<Envelope<unknown>> {
    if (this.disposed) return errorEnvelope(cancelled(String(channel)));
    const controller = new AbortController();
    const onEnd = () => controller.abort();
    this.lifetime.signal.addEventListener('abort', onEnd, { once: true });
    const id = typeof requestId === 'string' && requestId.length <= 100 ? requestId : undefined;
    if (id) this.inflight.set(id, controller);
    try {
      return await this.server.handle(channel, payload, {
        signal: controller.signal,
        caller: this.caller,
      });
    } finally {
      if (id && this.inflight.get(id) === controller) this.inflight.delete(id);
      this.lifetime.signal.removeEventListener('abort', onEnd);
    }
  }

  /** Aborts an in-flight request; unknown or finished ids are ignored. */
  cancel(requestId: unknown): boolean {
    const c = typeof requestId === 'string' ? this.inflight.get(requestId) : undefined;
    c?.abort();
    return Boolean(c);
  }

  subscribe(event: unknown): boolean {
    if (this.disposed || !isEventName(event)) return false;
    if (this.subscriptions.has(event)) return true;
    const source = SOURCES[event] as Source<EventName>;
    const emit = (data: unknown) => this.deliver(event, data);
    this.subscriptions.set(event, source(this.server, emit));
    return true;
  }

  unsubscribe(event: unknown): boolean {
    if (!isEventName(event)) return false;
    const off = this.subscriptions.get(event);
    this.subscriptions.delete(event);
    off?.();
    return Boolean(off);
  }

  /** Events this session listens to (tests check laziness with it). */
  get subscribed(): EventName[] {
    return [...this.subscriptions.keys()];
  }

  /** Pushes an event the shell produced itself (menu commands); only if the page listens. */
  push<E extends EventName>(event: E, data: EventOf<E>): void {
    if (this.subscriptions.has(event)) this.deliver(event, data);
  }

  private deliver(event: EventName, data: unknown): void {
    if (this.disposed) return;
    try {
      this.send(event, data);
    } catch (e) {
      // The page went away mid-send: stop sending to it (dispose first, so logging this cannot
      // loop back into a runtime.log delivery to the same dead page).
      this.dispose();
      this.server.log.warn('ipc', `Stopped sending events to ${this.caller}: ${String(e)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lifetime.abort();
    for (const off of this.subscriptions.values()) off();
    this.subscriptions.clear();
    this.inflight.clear();
  }
}
