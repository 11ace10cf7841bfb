import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { forkChild, type ChildLike } from '../../runtime/child-process';
import { CoralError, type CoralErrorShape } from '../../runtime/errors';
import type { BenchOptions, SourceResult, SourceSink } from '../../bench/types';
import type { OrtInfo } from './driver';
import type { HostMessage, HostRequest, LoadInfo } from './protocol';

/** After a cancel, how long the worker may take to hand back its samples before it is killed. */
export const CANCEL_GRACE_MS = 3000;
/** How long dispose() waits for the worker to exit before killing it. */
const EXIT_GRACE_MS = 2000;

/** The worker entry: host.ts under tsx when running from source, onnx-host.js when bundled. */
export function hostEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return {
      file: path.join(path.dirname(self), 'host.ts'),
      execArgv: ['--import', pathToFileURL(tsx).href],
    };
  }
  // Bundled: the main process code may sit in out/main or in a chunk folder below it.
  const dir = path.dirname(self);
  const candidates = [path.join(dir, 'onnx-host.js'), path.join(dir, '..', 'onnx-host.js')];
  return { file: candidates.find((c) => fs.existsSync(c)) ?? candidates[0], execArgv: [] };
}

type Pending = {
  onMessage: (msg: HostMessage) => void;
  reject: (e: CoralError) => void;
};

/**
 * A child process running onnxruntime (host.ts). One request at a time is typical (one run
 * per worker), but ids keep replies apart. If the process dies, every pending request
 * rejects with ONNX_WORKER_DIED naming the model, the exit code or signal and the last
 * lines of its stderr; the calling process is unaffected.
 */
export class OnnxWorker {
  private readonly child: ChildLike;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = '';
  private exited: Promise<void>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private disposing = false;
  /** What the worker is doing, for the error message if it dies. */
  private activity = 'starting';

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const { file, execArgv } = hostEntry();
    this.child = forkChild({ file, execArgv, env, name: 'Coral ONNX worker' });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.child.on('message', (msg: HostMessage) => {
      if ('id' in msg) this.pending.get(msg.id)?.onMessage(msg);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitInfo = { code, signal };
        const err = this.deathError();
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve();
      });
      this.child.on('error', (e: Error) => {
        // Errors of a running child (a send racing its exit) are followed by 'exit'; only a
        // child that never started (no pid) has to be reported here.
        if (this.child.pid !== undefined) return;
        this.exitInfo = { code: null, signal: null };
        const err = new CoralError(
          'ONNX_WORKER_FAILED',
          `Could not start the ONNX worker: ${e.message}`,
          {
            hint: 'Check that onnxruntime-node is installed (npm install).',
            cause: e,
          },
        );
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  private deathError(): CoralError {
    const { code, signal } = this.exitInfo ?? { code: null, signal: null };
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-5).join('\n');
    return new CoralError(
      'ONNX_WORKER_DIED',
      `The ONNX worker (pid ${this.child.pid}) stopped unexpectedly (${how}) while ${this.activity}.`,
      {
        hint:
          'onnxruntime crashed or was killed (out of memory?); Coral Studio itself is fine. ' +
          'Try --opt-level basic, fewer threads, or another execution provider.',
        detail: { pid: this.child.pid, code, signal, stderr: tail || undefined },
      },
    );
  }

  private request(
    req: Omit<HostRequest, 'id'>,
    onMessage: (msg: HostMessage, id: number) => void,
  ): Promise<never> & { id: number } {
    const id = this.nextId++;
    let reject!: (e: CoralError) => void;
    const promise = new Promise<never>((_resolve, rej) => {
      reject = rej;
    }) as Promise<never> & { id: number };
    promise.id = id;
    if (!this.alive) {
      reject(this.deathError());
      return promise;
    }
    this.pending.set(id, { onMessage: (m) => onMessage(m, id), reject });
    this.child.send({ ...req, id } as HostRequest);
    return promise;
  }

  private call<T>(
    req: Omit<HostRequest, 'id'>,
    pick: (msg: HostMessage) => T | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.request(req, (msg, id) => {
        if (msg.type === 'error') {
          this.pending.delete(id);
          reject(fromShape(msg.error));
          return;
        }
        const value = pick(msg);
        if (value !== undefined) {
          this.pending.delete(id);
          resolve(value);
        }
      }).catch(reject);
    });
  }

  /** onnxruntime's version and execution providers, as the worker sees them. */
  info(): Promise<OrtInfo> {
    this.activity = 'reporting its onnxruntime version';
    return this.call({ type: 'info' }, (m) => (m.type === 'info' ? m.info : undefined));
  }

  /** Loads the model in onnxruntime (and releases it): what onnxruntime thinks of the file. */
  load(model: string, options: BenchOptions): Promise<LoadInfo> {
    this.activity = `loading ${model}`;
    return this.call({ type: 'load', model, options } as Omit<HostRequest, 'id'>, (m) =>
      m.type === 'loaded' ? m.info : undefined,
    );
  }

  /**
   * Benchmarks a model in the worker, forwarding samples, phases and warnings to the sink.
   * On abort, asks the worker to stop (it returns the samples so far); a worker that does not
   * stop within CANCEL_GRACE_MS is killed and the run still ends as cancelled.
   */
  bench(
    model: string,
    options: BenchOptions,
    sink: SourceSink,
    signal: AbortSignal,
  ): Promise<SourceResult> {
    if (signal.aborted) return Promise.resolve({});
    this.activity = `benchmarking ${model}`;
    let requestId = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (this.alive) this.child.send({ type: 'cancel', id: requestId } satisfies HostRequest);
      killTimer = setTimeout(() => this.child.kill('SIGKILL'), CANCEL_GRACE_MS);
    };
    return new Promise<SourceResult>((resolve, reject) => {
      const req = this.request(
        { type: 'bench', model, options } as Omit<HostRequest, 'id'>,
        (msg, id) => {
          switch (msg.type) {
            case 'samples':
              sink.samples(msg.values);
              break;
            case 'phase':
              sink.phase(msg.phase);
              break;
            case 'warn':
              sink.warn(msg.message);
              break;
            case 'result':
              this.pending.delete(id);
              resolve(msg.result);
              break;
            case 'error':
              this.pending.delete(id);
              reject(fromShape(msg.error));
              break;
          }
        },
      );
      requestId = req.id;
      // A worker killed after a cancel is not a failure: the run is cancelled, samples kept.
      req.catch((e: CoralError) => (signal.aborted ? resolve({}) : reject(e)));
      signal.addEventListener('abort', onAbort, { once: true });
    }).finally(() => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
    });
  }

  /** Stops the worker: closes the channel (it exits by itself), kills it if it lingers. */
  async dispose(): Promise<void> {
    if (this.disposing) return this.exited;
    this.disposing = true;
    this.activity = 'shutting down';
    if (this.alive) {
      if (this.child.connected) this.child.disconnect();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

function fromShape(e: CoralErrorShape): CoralError {
  return new CoralError(e.code, e.message, {
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
  });
}

/** Runs `fn` with a fresh worker and always stops the worker afterwards. */
export async function withWorker<T>(
  fn: (w: OnnxWorker) => Promise<T>,
  env?: NodeJS.ProcessEnv,
): Promise<T> {
  const worker = new OnnxWorker(env);
  try {
    return await fn(worker);
  } finally {
    await worker.dispose();
  }
}
