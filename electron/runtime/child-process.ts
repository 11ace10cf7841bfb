import { fork } from 'node:child_process';
import type { EventEmitter } from 'node:events';

/**
 * The part of a child process the runtime uses to run native inference code out of process
 * (so a crash there cannot take the app down). Node's `child_process.fork` provides it; in
 * the packaged app the RunAsNode fuse is off, so Electron's main process plugs in
 * `utilityProcess.fork` through `setChildForker` (this room may not import electron).
 *
 * Events: 'message' (msg), 'exit' (code, signal), 'error' (err).
 */
export interface ChildLike extends EventEmitter {
  readonly pid?: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly connected: boolean;
  send(message: unknown): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  disconnect(): void;
}

export interface ForkRequest {
  /** The bundled entry (or the .ts source under tsx). */
  file: string;
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  /** A short name for the OS process list and error messages. */
  name: string;
}

export type ChildForker = (request: ForkRequest) => ChildLike;

const nodeForker: ChildForker = ({ file, execArgv, env }) =>
  fork(file, [], {
    execArgv,
    env,
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });

let current: ChildForker = nodeForker;

/** Replaces how children are started; returns a function that restores the previous one. */
export function setChildForker(forker: ChildForker): () => void {
  const previous = current;
  current = forker;
  return () => {
    current = previous;
  };
}

export function forkChild(request: ForkRequest): ChildLike {
  return current(request);
}

/**
 * The child's side: messages from and to the parent, whether it was started by Node's fork
 * (process.send) or as an Electron utility process (process.parentPort).
 */
export interface ParentChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the parent goes away (Node: 'disconnect'; Electron kills utility children). */
  onDisconnect(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

export function parentChannel(): ParentChannel | undefined {
  const port = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (m) => port.postMessage(m),
      onMessage: (l) => port.on('message', (e) => l(e.data)),
      onDisconnect: () => {},
    };
  }
  if (!process.send) return undefined;
  return {
    send: (m) => process.send?.(m),
    onMessage: (l) => process.on('message', l),
    onDisconnect: (l) => process.on('disconnect', l),
  };
}
