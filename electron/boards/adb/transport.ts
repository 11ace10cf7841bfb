/**
 * ADB transport: `adb:SERIAL` (a device the adb server sees) and `adb+tcp://host:port`
 * (connected first with `adb connect`). Commands use adb's shell protocol v1, which has no
 * exit status and merges stderr into stdout, so the command is wrapped to print its pid first
 * and an exit marker last. The device tracker turns a vanished device into BOARD_DISCONNECTED.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { CoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { OutputBuffer, OutputDemuxer, killCommand, shQuote, wrapCommand } from '../exec-wrap';
import {
  BaseTransport,
  cancelledError,
  execTimeoutError,
  noopLogger,
  type ReconnectOptions,
} from '../transport-base';
import { sha256File, verifyRemoteSha256 } from '../checksum';
import {
  normalizeTransferOptions,
  type ExecOptions,
  type ExecResult,
  type TransferOptions,
  type TransferProgress,
  type TransferResult,
} from '../types';
import type { AdbDeviceEvent, AdbServer } from './server';

export interface AdbTransportOptions {
  server: AdbServer;
  /** `adb:SERIAL`, or host and port for `adb+tcp://`. */
  serial?: string;
  tcp?: { host: string; port: number };
  /** How long to wait for a device to become ready. */
  readyTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  log?: Logger;
}

export class AdbTransport extends BaseTransport {
  readonly kind = 'adb' as const;
  readonly serial: string;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: AdbTransportOptions) {
    const serial = o.serial ?? `${o.tcp?.host}:${o.tcp?.port}`;
    super(
      o.tcp ? `adb+tcp://${serial}` : `adb:${serial}`,
      o.reconnect ?? { enabled: Boolean(o.tcp) },
      o.log ?? noopLogger,
    );
    this.serial = serial;
  }

  protected async doConnect(): Promise<void> {
    const server = this.o.server;
    if (this.o.tcp) await server.connect(this.o.tcp.host, this.o.tcp.port);
    const until = Date.now() + (this.o.readyTimeoutMs ?? 10_000);
    for (;;) {
      const devices = await server.devices();
      const me = devices.find((d) => d.serial === this.serial);
      if (me?.ready) break;
      if (
        me &&
        (me.state === 'unauthorized' || me.state === 'no-permissions') &&
        Date.now() > until - 7_000
      ) {
        throw new CoralError(
          `ADB_DEVICE_${me.state === 'unauthorized' ? 'UNAUTHORIZED' : 'NO_PERMISSIONS'}`,
          me.message,
          { ...(me.hint ? { hint: me.hint } : {}) },
        );
      }
      if (Date.now() > until) {
        if (me)
          throw new CoralError(
            `ADB_DEVICE_${me.state.toUpperCase().replace(/-/g, '_')}`,
            me.message,
            { ...(me.hint ? { hint: me.hint } : {}) },
          );
        const others = devices.map((d) => `${d.serial} (${d.state})`).join(', ');
        throw new CoralError(
          'ADB_DEVICE_NOT_FOUND',
          `No adb device ${this.serial} on the adb server ${server.address}.`,
          {
            hint: others
              ? `Devices seen: ${others}.`
              : 'No devices are attached; check the cable, or use adb+tcp://host:port for a board on the network.',
          },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    this.watch();
  }

  /** Follows the device in the tracker: removal or going offline drops the connection. */
  private watch(): void {
    this.unsubscribe?.();
    const tracker = this.o.server.trackDevices();
    const onDevice = (e: AdbDeviceEvent) => {
      if (e.device.serial !== this.serial) return;
      if (e.type === 'remove' || !e.device.ready) {
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.connectionLost(
          new CoralError(
            'BOARD_DISCONNECTED',
            `${this.target} disappeared from adb (${e.type === 'remove' ? 'unplugged' : e.device.state}).`,
            {
              hint:
                e.device.hint ?? 'Check the cable or network; the app reconnects when it is back.',
            },
          ),
        );
      }
    };
    tracker.on('device', onDevice);
    this.unsubscribe = () => tracker.off('device', onDevice);
  }

  /**
   * adb does not always announce a network device going away (it keeps it `offline` while it
   * retries), so a command that ended without its exit marker makes us look ourselves.
   */
  private async checkAlive(): Promise<void> {
    if (this.state !== 'connected') return;
    try {
      const me = (await this.o.server.devices()).find((d) => d.serial === this.serial);
      if (me?.ready) return;
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.connectionLost(
        new CoralError(
          'BOARD_DISCONNECTED',
          `${this.target} is ${me ? me.state : 'gone'} in adb.`,
          {
            hint: me?.hint ?? 'Check the cable or network; the app reconnects when it is back.',
          },
        ),
      );
    } catch (e) {
      this.connectionLost(this.o.server.explain(e, `checking ${this.target}`));
    }
  }

  protected async doClose(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private device() {
    return this.o.server.device(this.serial);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.stdin !== undefined) {
      throw new CoralError(
        'BOARD_UNSUPPORTED',
        `Sending stdin to a command is not supported over adb (${this.target}).`,
        {
          hint: 'Push the data as a file and read it on the board instead.',
        },
      );
    }
    if (options.signal?.aborted) throw cancelledError(this.target);
    await this.connect();
    const started = Date.now();
    const killable = options.killable ?? true;
    const collect = options.collect ?? true;
    const out = new OutputBuffer(options.maxBuffer ?? 16 * 1024 * 1024);
    const wrapped = wrapCommand(command, { env: options.env, killable, exitMarker: true });
    let stream: Duplex;
    try {
      stream = await this.device().shell(wrapped);
    } catch (e) {
      throw this.o.server.explain(e, `starting a command on ${this.target}`);
    }
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let stopping: CoralError | null = null;
      let timer: NodeJS.Timeout | null = null;
      const demux = new OutputDemuxer(
        { killable, exitMarker: true },
        (chunk) => {
          if (collect) out.add(chunk);
          options.onStdout?.(chunk);
        },
        (pid) => options.onStart?.({ pid }),
      );
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        untrack();
        fn();
      };
      const stop = (error: CoralError) => {
        if (settled || stopping) return;
        stopping = error;
        void this.killRemote(demux).finally(() => {
          stream.destroy();
          finish(() => reject(error));
        });
      };
      const onAbort = () => stop(cancelledError(this.target));
      const untrack = this.track((e) => {
        stream.destroy();
        finish(() => reject(e));
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs && options.timeoutMs > 0) {
        timer = setTimeout(
          () => stop(execTimeoutError(this.target, command, options.timeoutMs as number)),
          options.timeoutMs,
        );
      }
      stream.on('data', (d: Buffer) => demux.push(d));
      stream.on('error', () => {
        // 'close' follows; the missing exit marker decides what happened
      });
      stream.on('close', () => {
        if (stopping) return;
        const code = demux.end();
        if (code === undefined) {
          finish(() => reject(this.disconnectedError()));
          void this.checkAlive();
          return;
        }
        finish(() =>
          resolve({
            code,
            stdout: out.text(),
            stderr: '',
            durationMs: Date.now() - started,
            ...(demux.pid !== undefined ? { pid: demux.pid } : {}),
            ...(out.truncated ? { truncated: true } : {}),
          }),
        );
      });
    });
  }

  private async killRemote(demux: OutputDemuxer): Promise<void> {
    for (let i = 0; i < 100 && demux.pid === undefined; i++)
      await new Promise((r) => setTimeout(r, 50));
    if (demux.pid === undefined) return;
    try {
      const s = await this.device().shell(killCommand(demux.pid, demux.pgid));
      await new Promise<void>((resolve) => {
        s.on('close', () => resolve());
        s.on('end', () => resolve());
        s.resume();
        setTimeout(resolve, 3000).unref();
      });
    } catch {
      // the device may be gone already
    }
  }

  async push(
    local: string,
    remote: string,
    opts?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult> {
    const options = normalizeTransferOptions(opts);
    const started = Date.now();
    let total: number;
    try {
      total = fs.statSync(local).size;
    } catch (e) {
      throw new CoralError(
        'BOARD_TRANSFER_FAILED',
        `Cannot push ${local} to ${this.target}: ${(e as Error).message}.`,
        { hint: 'Check the local path.', cause: e },
      );
    }
    if (options.signal?.aborted) throw cancelledError(this.target, `Pushing ${local}`);
    await this.connect();
    const dir = path.posix.dirname(remote);
    if (dir !== '.' && dir !== '/')
      await this.exec(`mkdir -p ${shQuote(dir)}`, { killable: false, timeoutMs: 15_000 });
    const transfer = await this.device().push(local, remote, options.mode ?? 0o644);
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (e?: CoralError) => {
        if (done) return;
        done = true;
        options.signal?.removeEventListener('abort', onAbort);
        untrack();
        if (e) reject(e);
        else resolve();
      };
      const onAbort = () => {
        transfer.cancel();
        finish(cancelledError(this.target, `Pushing ${local}`));
      };
      const untrack = this.track((e) => {
        transfer.cancel();
        finish(e);
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      transfer.on('progress', (s: { bytesTransferred: number }) =>
        options.onProgress?.({ bytes: s.bytesTransferred, total }),
      );
      transfer.on('end', () => {
        options.onProgress?.({ bytes: total, total });
        finish();
      });
      transfer.on('error', (e: Error) =>
        finish(
          new CoralError(
            'BOARD_TRANSFER_FAILED',
            `Could not push ${local} to ${remote} on ${this.target}: ${e.message}`,
            { hint: 'Check that the directory exists on the board and is writable.', cause: e },
          ),
        ),
      );
    });
    const result: TransferResult = { bytes: total, durationMs: Date.now() - started };
    if (options.verify) result.sha256 = await verifyRemoteSha256(this, local, remote);
    return result;
  }

  async pull(
    remote: string,
    local: string,
    opts?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult> {
    const options = normalizeTransferOptions(opts);
    const started = Date.now();
    await this.connect();
    const device = this.device();
    let total = 0;
    try {
      total = (await device.stat(remote)).size;
    } catch {
      // size unknown; progress reports bytes only
    }
    fs.mkdirSync(path.dirname(path.resolve(local)), { recursive: true });
    const transfer = await device.pull(remote);
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      const file = fs.createWriteStream(local);
      const onAbort = () => {
        transfer.cancel();
        file.destroy();
        reject(cancelledError(this.target, `Pulling ${remote}`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      transfer.on('progress', (s: { bytesTransferred: number }) => {
        bytes = s.bytesTransferred;
        options.onProgress?.({ bytes, total });
      });
      transfer.on('error', (e: Error) => {
        options.signal?.removeEventListener('abort', onAbort);
        file.destroy();
        reject(
          new CoralError(
            'BOARD_TRANSFER_FAILED',
            `Could not pull ${remote} from ${this.target}: ${e.message}`,
            { hint: 'Check the remote path.', cause: e },
          ),
        );
      });
      file.on('finish', () => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      transfer.pipe(file);
    });
    const result: TransferResult = {
      bytes: fs.statSync(local).size,
      durationMs: Date.now() - started,
    };
    if (options.verify) result.sha256 = await sha256File(local);
    return result;
  }
}
