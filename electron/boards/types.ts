/**
 * The board transport contract. SSH and ADB both implement it, so probe, telemetry, the
 * RKNN remote benchmark and the CLI work the same over either.
 */
import type { CoralErrorShape } from '../runtime/errors';

export type TransportKind = 'ssh' | 'adb';

/**
 * idle: never connected; connecting: first attempt running; connected: usable;
 * reconnecting: the connection dropped and a backoff retry is scheduled or running;
 * disconnected: dropped and not retrying (or retries exhausted); closed: close() was called.
 */
export type ConnectionState =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed';

export interface StateEvent {
  state: ConnectionState;
  /** Why the state changed, for disconnected/reconnecting. */
  error?: CoralErrorShape;
  /** For reconnecting: the attempt number and the delay before it. */
  attempt?: number;
  delayMs?: number;
}

export interface ExecOptions {
  /** Kills the remote process and rejects with BOARD_EXEC_TIMEOUT after this long. */
  timeoutMs?: number;
  /** Aborting kills the remote process and rejects with CANCELLED. */
  signal?: AbortSignal;
  /** Exported to the remote command (names must be shell identifiers). */
  env?: Record<string, string>;
  /** Written to the command's stdin, then stdin is closed (ssh only). */
  stdin?: string | Buffer;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Called once the remote pid is known (killable commands only). */
  onStart?: (info: { pid: number }) => void;
  /** Keep stdout/stderr in the result (default true), each capped at maxBuffer bytes. */
  collect?: boolean;
  maxBuffer?: number;
  /**
   * When false the command runs without the pid wrapper: a little cheaper, but a timeout or
   * abort can only close the channel (the remote process may keep running). Default true.
   */
  killable?: boolean;
}

export interface ExecResult {
  /** Exit code; 128 + n when the remote process died from signal n. */
  code: number;
  /** The signal name when the process was killed by one (ssh only). */
  signal?: string;
  stdout: string;
  /** Empty over adb: adb's shell protocol v1 merges stderr into stdout. */
  stderr: string;
  durationMs: number;
  pid?: number;
  /** True when output beyond maxBuffer was dropped from the result. */
  truncated?: boolean;
}

export interface TransferProgress {
  bytes: number;
  total: number;
}

export interface TransferOptions {
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  /** File mode for the remote file (push), default 0o644. */
  mode?: number;
  /** After a push, compare the remote sha256 with the local one (fails on mismatch). */
  verify?: boolean;
}

export interface TransferResult {
  bytes: number;
  durationMs: number;
  /** sha256 of the file, hex, when verify was requested. */
  sha256?: string;
}

export interface Transport {
  readonly kind: TransportKind;
  /** A display name for messages: `ssh://user@host:port`, `adb:SERIAL`. */
  readonly target: string;
  readonly state: ConnectionState;
  /** Opens the connection (idempotent; concurrent callers share one attempt). */
  connect(): Promise<void>;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  push(
    local: string,
    remote: string,
    options?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult>;
  pull(
    remote: string,
    local: string,
    options?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult>;
  onState(listener: (e: StateEvent) => void): () => void;
  /** Closes the connection; running commands reject with BOARD_DISCONNECTED. */
  close(): Promise<void>;
}

/** What a UI or CLI answers when a transport needs a human decision or a secret. */
export type PromptRequest =
  | {
      kind: 'host-key';
      /** The board as the user named it. */
      target: string;
      host: string;
      port: number;
      keyType: string;
      /** `SHA256:…` as OpenSSH prints it. */
      fingerprint: string;
      /** Key types already known for this host (a different type is being offered). */
      otherKnownTypes: string[];
    }
  | { kind: 'password'; target: string; user: string; host: string; port: number }
  | { kind: 'passphrase'; target: string; keyFile: string }
  | {
      kind: 'keyboard-interactive';
      target: string;
      name: string;
      instructions: string;
      prompt: string;
      echo: boolean;
    };

/**
 * Answers a prompt: for host-key, 'yes' trusts and remembers the key ('once' trusts it for
 * this connection only); for secrets, the secret. null means the user declined. Secrets
 * live only in memory for the connection.
 */
export type PromptFn = (request: PromptRequest) => Promise<string | null>;

export function normalizeTransferOptions(
  options?: TransferOptions | ((p: TransferProgress) => void),
): TransferOptions {
  if (typeof options === 'function') return { onProgress: options };
  return options ?? {};
}
