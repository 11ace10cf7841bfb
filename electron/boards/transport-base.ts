/**
 * What both transports share: connection state and its events, one connect attempt at a
 * time, reconnect with exponential backoff after an unexpected drop, and the set of running
 * commands that must fail with BOARD_DISCONNECTED when the connection goes away.
 */
import { CoralError, toCoralError } from '../runtime/errors';
import type { Logger } from '../runtime/types';
import type {
  ConnectionState,
  ExecOptions,
  ExecResult,
  StateEvent,
  Transport,
  TransferOptions,
  TransferProgress,
  TransferResult,
  TransportKind,
} from './types';

export interface ReconnectOptions {
  enabled: boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before giving up (state becomes `disconnected`); default 8. */
  maxAttempts?: number;
}

export const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export abstract class BaseTransport implements Transport {
  abstract readonly kind: TransportKind;
  private _state: ConnectionState = 'idle';
  private listeners = new Set<(e: StateEvent) => void>();
  private connecting: Promise<void> | null = null;
  private backoffTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** Rejecters of running operations, called when the connection drops. */
  protected readonly running = new Set<(err: CoralError) => void>();
  protected closing = false;

  protected constructor(
    readonly target: string,
    protected readonly reconnectOptions: ReconnectOptions,
    protected readonly log: Logger,
  ) {}

  get state(): ConnectionState {
    return this._state;
  }

  onState(listener: (e: StateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected setState(state: ConnectionState, extra: Omit<StateEvent, 'state'> = {}): void {
    if (this._state === state && !extra.error && extra.attempt === undefined) return;
    this._state = state;
    const event: StateEvent = { state, ...extra };
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.log.warn(
          'boards',
          `A state listener of ${this.target} threw: ${toCoralError(e).message}`,
        );
      }
    }
  }

  /** Opens the connection; concurrent callers share one attempt. */
  connect(): Promise<void> {
    if (this.closing || this._state === 'closed') {
      return Promise.reject(
        new CoralError('BOARD_CLOSED', `The connection to ${this.target} was closed.`, {
          hint: 'Connect again to use the board.',
        }),
      );
    }
    if (this._state === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.backoffTimer) {
      clearTimeout(this.backoffTimer);
      this.backoffTimer = null;
    }
    const wasReconnecting = this._state === 'reconnecting';
    if (!wasReconnecting) this.setState('connecting');
    this.connecting = this.doConnect()
      .then(() => {
        this.attempt = 0;
        this.setState('connected');
      })
      .catch((e: unknown) => {
        const err = toCoralError(e, 'BOARD_CONNECT_FAILED');
        if (this.closing) throw err;
        if (wasReconnecting && this.shouldRetry(err)) this.scheduleReconnect(err);
        else this.setState('disconnected', { error: err.toJSON() });
        throw err;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  /** Errors a retry cannot fix (a changed host key, bad credentials) stop the retries. */
  protected shouldRetry(err: CoralError): boolean {
    return !/^(HOST_KEY_|BOARD_AUTH_|BOARD_TARGET_|ADB_NOT_FOUND)/.test(err.code);
  }

  /** Called by subclasses when an established connection is lost unexpectedly. */
  protected connectionLost(cause: CoralError): void {
    if (this.closing || this._state === 'closed') return;
    this.failRunning(cause);
    if (this.reconnectOptions.enabled && this._state === 'connected') {
      this.attempt = 0;
      this.scheduleReconnect(cause);
    } else if (this._state !== 'reconnecting') {
      this.setState('disconnected', { error: cause.toJSON() });
    }
  }

  protected failRunning(err: CoralError): void {
    for (const reject of [...this.running]) reject(err);
    this.running.clear();
  }

  private scheduleReconnect(cause: CoralError): void {
    const { initialDelayMs = 500, maxDelayMs = 30_000, maxAttempts = 8 } = this.reconnectOptions;
    if (this.attempt >= maxAttempts) {
      this.setState('disconnected', { error: cause.toJSON() });
      return;
    }
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt);
    this.attempt++;
    this.setState('reconnecting', { error: cause.toJSON(), attempt: this.attempt, delayMs });
    this.log.info(
      'boards',
      `Reconnecting to ${this.target} in ${delayMs} ms (attempt ${this.attempt}).`,
    );
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = null;
      this.connect().catch(() => {
        // connect() already scheduled the next attempt or gave up; state events tell the story.
      });
    }, delayMs);
  }

  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.closing = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    this.failRunning(
      new CoralError(
        'BOARD_DISCONNECTED',
        `The connection to ${this.target} was closed while a command ran.`,
        {
          hint: 'The command was stopped because the board was disconnected.',
        },
      ),
    );
    try {
      await this.doClose();
    } finally {
      this.setState('closed');
    }
  }

  /** Registers a running operation; returns the function that unregisters it. */
  protected track(reject: (err: CoralError) => void): () => void {
    this.running.add(reject);
    return () => this.running.delete(reject);
  }

  protected disconnectedError(cause?: unknown): CoralError {
    return new CoralError(
      'BOARD_DISCONNECTED',
      `The connection to ${this.target} dropped while a command ran.`,
      {
        hint: 'Check the network or cable and the board; the app reconnects by itself.',
        ...(cause !== undefined ? { cause } : {}),
      },
    );
  }

  protected abstract doConnect(): Promise<void>;
  protected abstract doClose(): Promise<void>;
  abstract exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  abstract push(
    local: string,
    remote: string,
    options?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult>;
  abstract pull(
    remote: string,
    local: string,
    options?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult>;
}

export function cancelledError(target: string, what = 'The command'): CoralError {
  return new CoralError('CANCELLED', `${what} on ${target} was cancelled.`);
}

export function isCancelled(e: unknown): boolean {
  return e instanceof CoralError && e.code === 'CANCELLED';
}

export function execTimeoutError(target: string, command: string, timeoutMs: number): CoralError {
  const short = command.length > 60 ? `${command.slice(0, 57)}...` : command;
  return new CoralError(
    'BOARD_EXEC_TIMEOUT',
    `"${short}" on ${target} did not finish within ${timeoutMs} ms and was killed.`,
    {
      hint: 'Raise the time-out, or check whether the command waits for input on the board.',
    },
  );
}

/** A counting semaphore: sshd limits sessions per connection (MaxSessions, default 10). */
export class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private available: number) {}
  async acquire(): Promise<() => void> {
    if (this.available > 0) {
      this.available--;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.available++;
    };
  }
}
