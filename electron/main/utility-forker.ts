import { EventEmitter } from 'node:events';
import { utilityProcess, type UtilityProcess } from 'electron';
import type { ChildForker, ChildLike, ForkRequest } from '../runtime/child-process';

/**
 * Runs the runtime's out-of-process workers (onnxruntime, librknnrt) as Electron utility
 * processes. The packaged app has the RunAsNode fuse off, so child_process.fork of the app
 * binary would start another app instead of Node.
 */
class UtilityChild extends EventEmitter implements ChildLike {
  private alive = true;

  constructor(private readonly proc: UtilityProcess) {
    super();
    proc.on('message', (m: unknown) => this.emit('message', m));
    proc.once('exit', (code: number) => {
      this.alive = false;
      this.emit('exit', code, null);
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get stderr() {
    return this.proc.stderr;
  }

  get connected(): boolean {
    return this.alive;
  }

  send(message: unknown): boolean {
    if (!this.alive) return false;
    this.proc.postMessage(message);
    return true;
  }

  kill(): boolean {
    return this.proc.kill();
  }

  /** A utility process has no IPC channel to close; ending it is how the parent lets go. */
  disconnect(): void {
    if (this.alive) this.proc.kill();
  }
}

export const utilityForker: ChildForker = ({ file, env, name }: ForkRequest) =>
  new UtilityChild(
    utilityProcess.fork(file, [], {
      env,
      serviceName: name,
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
