/**
 * Test helpers for the boards room: an in-process transport over a virtual board (the real
 * sim shell, no network) and a TCP proxy whose connections can be cut like a pulled cable.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BaseTransport, cancelledError, noopLogger } from '../../electron/boards/transport-base';
import { OutputBuffer, OutputDemuxer, wrapCommand } from '../../electron/boards/exec-wrap';
import type { ExecOptions, ExecResult, TransferResult } from '../../electron/boards/types';
import { SimBoard } from '../../electron/boards/sim/board';
import { loadProfile } from '../../electron/boards/sim/profile';
import type { SimUser } from '../../electron/boards/sim/shell/run';

export const PROFILES_DIR = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../resources/boards',
);
export const SHIPPED_PROFILES = ['rk3588-rock5b', 'rk3566-zero3w', 'rv1106-luckfox-pico'];

export function simBoard(id: string): SimBoard {
  return new SimBoard(loadProfile(path.join(PROFILES_DIR, id)));
}

/** Runs a command on a sim board directly; resolves with code and output. */
export async function simRun(
  board: SimBoard,
  command: string,
  user = 'root',
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const u = board.userNamed(user) as SimUser;
  const r = board.run(command, {
    user: u,
    onStdout: (d) => (out += d.toString('latin1')),
    onStderr: (d) => (err += d.toString('latin1')),
  });
  return { code: await r.done, out, err };
}

/** A Transport over a SimBoard in this process (what sshd would do, minus the network). */
export class LocalSimTransport extends BaseTransport {
  readonly kind = 'ssh' as const;
  constructor(
    readonly board: SimBoard,
    private readonly user = 'root',
  ) {
    super(`local-sim:${board.profile.id}`, { enabled: false }, noopLogger);
  }
  protected async doConnect(): Promise<void> {}
  protected async doClose(): Promise<void> {}
  async exec(command: string, o: ExecOptions = {}): Promise<ExecResult> {
    await this.connect();
    const started = Date.now();
    const killable = o.killable ?? true;
    const out = new OutputBuffer(1 << 24);
    const err = new OutputBuffer(1 << 24);
    const demux = new OutputDemuxer({ killable, exitMarker: false }, (d) => {
      out.add(d);
      o.onStdout?.(d);
    });
    const run = this.board.run(wrapCommand(command, { env: o.env, killable, exitMarker: false }), {
      user: this.board.userNamed(this.user) as SimUser,
      onStdout: (d) => demux.push(d),
      onStderr: (d) => {
        err.add(d);
        o.onStderr?.(d);
      },
    });
    const onAbort = () => this.board.kill(run.proc.pgid, 15, true);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const code = await run.done;
    o.signal?.removeEventListener('abort', onAbort);
    demux.end();
    if (o.signal?.aborted) throw cancelledError(this.target);
    return {
      code,
      stdout: out.text(),
      stderr: err.text(),
      durationMs: Date.now() - started,
      ...(demux.pid ? { pid: demux.pid } : {}),
    };
  }
  async push(local: string, remote: string): Promise<TransferResult> {
    const data = fs.readFileSync(local);
    this.board.vfs.writeFile(remote, data, this.board.userNamed(this.user) ?? undefined);
    return { bytes: data.length, durationMs: 0 };
  }
  async pull(remote: string, local: string): Promise<TransferResult> {
    const data = this.board.vfs.readFile(remote, this.board.userNamed(this.user) ?? undefined);
    fs.writeFileSync(local, data);
    return { bytes: data.length, durationMs: 0 };
  }
}

/** A TCP proxy to 127.0.0.1:target; cut() drops every connection at once. */
export async function tcpProxy(
  target: number,
): Promise<{ port: number; connections(): number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    connections: () => accepted,
    cut,
    close: () =>
      new Promise<void>((r) => {
        cut();
        server.close(() => r());
      }),
  };
}

/** A TCP listener that accepts and never says a word (a port that "hangs"). */
export async function silentListener(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export function tempDir(prefix = 'coral-boards-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
