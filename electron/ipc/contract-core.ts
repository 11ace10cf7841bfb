/**
 * The dependency-free core of the IPC contract: route and event names, the envelope every
 * response travels in, and the shape of the bridge. The sandboxed preload can load nothing but
 * this (it may not `require` zod), so the names live here and `contract.ts` is checked against
 * them by the type checker: a route in one and not the other does not compile.
 */

/** Request routes, one section per domain. The channel name is `<domain>.<method>`. */
export const ROUTES = {
  app: ['info', 'pickModel'],
  runtime: ['snapshot', 'reinit', 'log'],
  config: ['get', 'apply', 'reset'],
  models: ['samples', 'upload'],
  bench: ['info', 'start', 'cancel', 'active'],
  runs: ['list', 'show', 'compare'],
  boards: [
    'list',
    'add',
    'remove',
    'connect',
    'disconnect',
    'probe',
    'answer',
    'sshAliases',
    'profiles',
    'startVirtual',
    'stopVirtual',
  ],
  rknn: ['targets', 'inspect', 'check', 'importLog'],
  diag: ['preview', 'export'],
} as const satisfies Record<string, readonly string[]>;

export type Domain = keyof typeof ROUTES;
export type Channel = {
  [D in Domain]: `${D}.${(typeof ROUTES)[D][number]}`;
}[Domain];

/** Events pushed from the main side; subscriptions are lazy (first listener ... last one). */
export const EVENTS = [
  'runtime.changed',
  'runtime.log',
  'bench.started',
  'bench.progress',
  'bench.finished',
  'app.command',
  'boards.changed',
  'boards.state',
  'boards.prompt',
  'boards.promptClosed',
  'boards.telemetry',
  'boards.adb',
  'boards.virtual',
] as const;
export type EventName = (typeof EVENTS)[number];

export const CHANNELS: readonly Channel[] = Object.entries(ROUTES).flatMap(([domain, methods]) =>
  (methods as readonly string[]).map((m) => `${domain}.${m}` as Channel),
);

const CHANNEL_SET = new Set<string>(CHANNELS);
const EVENT_SET = new Set<string>(EVENTS);
export const isChannel = (c: unknown): c is Channel => typeof c === 'string' && CHANNEL_SET.has(c);
export const isEventName = (e: unknown): e is EventName =>
  typeof e === 'string' && EVENT_SET.has(e);

/** Electron IPC channels besides the request channels themselves. */
export const IPC_META = {
  cancel: 'coral:cancel',
  subscribe: 'coral:subscribe',
  unsubscribe: 'coral:unsubscribe',
  event: 'coral:event',
} as const;

/** What crosses the bridge instead of a thrown error (custom fields survive every transport). */
export interface IpcError {
  /** Stable SCREAMING_SNAKE code, e.g. INVALID_PAYLOAD, UNKNOWN_CHANNEL, CANCELLED. */
  code: string;
  /** What went wrong and where. */
  message: string;
  /** What to do about it. */
  hint?: string;
  detail?: unknown;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: IpcError };

/**
 * `window.coral` in the Electron renderer. Narrow on purpose: three functions over the
 * contract's names, never ipcRenderer itself.
 */
export interface CoralBridge {
  readonly transport: 'electron';
  /** Never rejects: resolves with an envelope. `requestId` makes the request cancellable. */
  invoke(channel: Channel, payload: unknown, requestId?: string): Promise<Envelope<unknown>>;
  /** Asks the main side to abort the request started with this id (no-op when finished). */
  cancel(requestId: string): void;
  /** Listens to an event; returns the unsubscribe function. */
  on(event: EventName, listener: (data: unknown) => void): () => void;
}
