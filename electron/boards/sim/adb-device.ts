/**
 * The device side of the ADB protocol over TCP (what adbd speaks after `adb connect`):
 * CNXN/AUTH handshake, OPEN/OKAY/WRTE/CLSE streams with one-write-in-flight flow control,
 * and the services `shell:`, `exec:` and `sync:` (STAT, LIST, SEND, RECV) over the virtual
 * board. A real adb server talks to it exactly as to a board on the network.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { CoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { normalize, VfsError } from './vfs';
import type { SimBoard } from './board';
import type { SimUser } from './shell/run';

const A_CNXN = 0x4e584e43;
const A_AUTH = 0x48545541;
const A_OPEN = 0x4e45504f;
const A_OKAY = 0x59414b4f;
const A_WRTE = 0x45545257;
const A_CLSE = 0x45534c43;
const A_VERSION = 0x01000001;
const MAX_PAYLOAD = 256 * 1024;
const AUTH_TOKEN = 1;

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export function encodeMessage(
  command: number,
  arg0: number,
  arg1: number,
  data: Buffer = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(24);
  let sum = 0;
  for (const b of data) sum = (sum + b) >>> 0;
  header.writeUInt32LE(command, 0);
  header.writeUInt32LE(arg0 >>> 0, 4);
  header.writeUInt32LE(arg1 >>> 0, 8);
  header.writeUInt32LE(data.length, 12);
  header.writeUInt32LE(sum, 16);
  header.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, data]);
}

/** Splits a byte stream into ADB messages; throws on a bad magic (not ADB). */
export class MessageReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): AdbMessage[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: AdbMessage[] = [];
    while (this.buf.length >= 24) {
      const command = this.buf.readUInt32LE(0);
      const magic = this.buf.readUInt32LE(20);
      if ((command ^ 0xffffffff) >>> 0 !== magic) throw new Error('bad ADB message magic');
      const len = this.buf.readUInt32LE(12);
      if (len > 16 * 1024 * 1024) throw new Error('ADB message too large');
      if (this.buf.length < 24 + len) break;
      out.push({
        command,
        arg0: this.buf.readUInt32LE(4),
        arg1: this.buf.readUInt32LE(8),
        data: Buffer.from(this.buf.subarray(24, 24 + len)),
      });
      this.buf = this.buf.subarray(24 + len);
    }
    return out;
  }
}

interface Stream {
  localId: number;
  remoteId: number;
  queue: Buffer[];
  inFlight: boolean;
  closing: boolean;
  closed: boolean;
  onOpen?: () => void;
  onData?: (d: Buffer) => void;
  onClose?: () => void;
}

export interface SimAdbOptions {
  board: SimBoard;
  host?: string;
  port?: number;
  /** 'deny': ask for authorization and never grant it (the device shows as `unauthorized`). */
  auth?: 'none' | 'deny';
  log?: Logger;
}

export class SimAdbDevice {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly o: SimAdbOptions) {}

  async start(): Promise<number> {
    const server = net.createServer((sock) => this.onConnection(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new CoralError(
                'SIM_PORT_IN_USE',
                `The ADB port ${this.o.port} of the virtual board is already in use.`,
                {
                  hint: 'Pick another port with --adb-port, or 0 for a free one.',
                },
              )
            : e,
        ),
      );
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private banner(): string {
    const p = this.o.board.profile;
    const props = [
      `ro.product.name=${p.adb.product ?? p.id}`,
      `ro.product.model=${p.adb.model ?? p.name}`,
      `ro.product.device=${p.adb.device ?? p.soc}`,
      'features=cmd',
    ];
    return `device::${props.join(';')};`;
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.setNoDelay(true);
    const reader = new MessageReader();
    const streams = new Map<number, Stream>();
    let nextId = 1;
    let maxData = MAX_PAYLOAD;
    let connected = false;
    const send = (cmd: number, a0: number, a1: number, data?: Buffer) => {
      if (!sock.destroyed) sock.write(encodeMessage(cmd, a0, a1, data));
    };
    const pump = (s: Stream) => {
      if (s.inFlight || s.closed) return;
      const next = s.queue.shift();
      if (next) {
        s.inFlight = true;
        send(A_WRTE, s.localId, s.remoteId, next);
      } else if (s.closing) {
        s.closed = true;
        send(A_CLSE, s.localId, s.remoteId);
        streams.delete(s.localId);
      }
    };
    const write = (s: Stream, data: Buffer) => {
      for (let i = 0; i < data.length; i += maxData) s.queue.push(data.subarray(i, i + maxData));
      pump(s);
    };
    const close = (s: Stream) => {
      s.closing = true;
      pump(s);
    };
    const user =
      this.o.board.userNamed(this.o.board.profile.adb.user) ??
      (this.o.board.userNamed('root') as SimUser);

    sock.on('data', (chunk) => {
      let messages: AdbMessage[];
      try {
        messages = reader.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const m of messages) {
        switch (m.command) {
          case A_CNXN:
            maxData = Math.min(MAX_PAYLOAD, m.arg1 || MAX_PAYLOAD);
            if (this.o.auth === 'deny') {
              send(A_AUTH, AUTH_TOKEN, 0, crypto.randomBytes(20));
            } else {
              connected = true;
              send(A_CNXN, A_VERSION, MAX_PAYLOAD, Buffer.from(this.banner()));
            }
            break;
          case A_AUTH:
            // signatures and public keys are never accepted in 'deny' mode: ask again, forever
            if (m.arg0 === 2) send(A_AUTH, AUTH_TOKEN, 0, crypto.randomBytes(20));
            break;
          case A_OPEN: {
            if (!connected) break;
            const service = m.data.toString('utf8').replace(/\0+$/, '');
            const s: Stream = {
              localId: nextId++,
              remoteId: m.arg0,
              queue: [],
              inFlight: false,
              closing: false,
              closed: false,
            };
            if (!this.openService(service, s, user, write, close)) {
              send(A_CLSE, 0, m.arg0);
              break;
            }
            streams.set(s.localId, s);
            send(A_OKAY, s.localId, s.remoteId);
            s.onOpen?.();
            break;
          }
          case A_OKAY: {
            const s = streams.get(m.arg1);
            if (s) {
              s.inFlight = false;
              pump(s);
            }
            break;
          }
          case A_WRTE: {
            const s = streams.get(m.arg1);
            if (!s) break;
            send(A_OKAY, s.localId, s.remoteId);
            s.onData?.(m.data);
            break;
          }
          case A_CLSE: {
            const s = streams.get(m.arg1);
            if (s) {
              streams.delete(s.localId);
              if (!s.closed) {
                s.closed = true;
                send(A_CLSE, s.localId, s.remoteId);
              }
              s.onClose?.();
            }
            break;
          }
        }
      }
    });
    const teardown = () => {
      this.sockets.delete(sock);
      for (const s of streams.values()) s.onClose?.();
      streams.clear();
    };
    sock.on('close', teardown);
    sock.on('error', () => sock.destroy());
  }

  private openService(
    service: string,
    s: Stream,
    user: SimUser,
    write: (s: Stream, d: Buffer) => void,
    close: (s: Stream) => void,
  ): boolean {
    const board = this.o.board;
    const shell = /^(?:shell(?:,[^:]*)?|exec):(.*)$/s.exec(service);
    if (shell) {
      const command = shell[1];
      s.onOpen = () => {
        if (!command) {
          this.interactive(s, user, write, close);
          return;
        }
        const run = board.run(command, {
          user,
          onStdout: (d) => write(s, d),
          onStderr: (d) => write(s, d),
        });
        s.onClose = () => board.kill(run.proc.pgid, 1, true);
        void run.done.finally(() => close(s));
      };
      return true;
    }
    if (service === 'sync:') {
      const sync = new SyncSession(
        board,
        user,
        (d) => write(s, d),
        () => close(s),
      );
      s.onData = (d) => sync.push(d);
      s.onClose = () => sync.abort();
      return true;
    }
    if (service.startsWith('root:')) {
      s.onOpen = () => {
        write(s, Buffer.from('adbd is already running as root\n'));
        close(s);
      };
      return true;
    }
    return false;
  }

  private interactive(
    s: Stream,
    user: SimUser,
    write: (s: Stream, d: Buffer) => void,
    close: (s: Stream) => void,
  ): void {
    const board = this.o.board;
    const prompt = () =>
      write(s, Buffer.from(`${board.hostname()}:/ ${user.uid === 0 ? '#' : '$'} `));
    prompt();
    let line = '';
    s.onData = (d) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          write(s, Buffer.from('\r\n'));
          const cmd = line.trim();
          line = '';
          if (cmd === 'exit') return close(s);
          if (!cmd) {
            prompt();
            continue;
          }
          const fix = (b: Buffer) => Buffer.from(b.toString('utf8').replace(/\r?\n/g, '\r\n'));
          void board
            .run(cmd, {
              user,
              onStdout: (b) => write(s, fix(b)),
              onStderr: (b) => write(s, fix(b)),
            })
            .done.finally(prompt);
        } else {
          line += ch;
          write(s, Buffer.from(ch));
        }
      }
    };
  }
}

/** The sync: sub-protocol (file transfer) of one stream. */
class SyncSession {
  private buf = Buffer.alloc(0);
  private send: { fd: number; path: string; mode: number } | null = null;

  constructor(
    private readonly board: SimBoard,
    private readonly user: SimUser,
    private readonly write: (d: Buffer) => void,
    private readonly end: () => void,
  ) {}

  private reply(id: string, ...words: number[]): void {
    const b = Buffer.alloc(4 + words.length * 4);
    b.write(id, 0, 'latin1');
    words.forEach((w, i) => b.writeUInt32LE(w >>> 0, 4 + i * 4));
    this.write(b);
  }

  private fail(message: string): void {
    const msg = Buffer.from(message);
    const b = Buffer.alloc(8);
    b.write('FAIL', 0, 'latin1');
    b.writeUInt32LE(msg.length, 4);
    this.write(Buffer.concat([b, msg]));
  }

  abort(): void {
    if (this.send) fs.closeSync(this.send.fd);
    this.send = null;
  }

  push(data: Buffer): void {
    this.buf = Buffer.concat([this.buf, data]);
    while (this.buf.length >= 8) {
      const id = this.buf.subarray(0, 4).toString('latin1');
      const len = this.buf.readUInt32LE(4);
      // DONE carries an mtime, not a length
      const bodyLen = id === 'DONE' ? 0 : len;
      if (this.buf.length < 8 + bodyLen) return;
      const body = this.buf.subarray(8, 8 + bodyLen);
      this.buf = this.buf.subarray(8 + bodyLen);
      this.handle(id, len, body);
    }
  }

  private handle(id: string, len: number, body: Buffer): void {
    const vfs = this.board.vfs;
    try {
      switch (id) {
        case 'STAT': {
          const p = normalize(body.toString('utf8'));
          try {
            const st = vfs.stat(p, this.user);
            this.reply(
              'STAT',
              (st.type === 'dir' ? 0o040000 : 0o100000) | st.mode,
              st.size,
              Math.floor(st.mtimeMs / 1000),
            );
          } catch {
            this.reply('STAT', 0, 0, 0);
          }
          return;
        }
        case 'LIST': {
          const p = normalize(body.toString('utf8'));
          try {
            for (const name of vfs.readdir(p, this.user)) {
              const st = vfs.stat(p === '/' ? `/${name}` : `${p}/${name}`);
              const n = Buffer.from(name);
              const b = Buffer.alloc(20);
              b.write('DENT', 0, 'latin1');
              b.writeUInt32LE((st.type === 'dir' ? 0o040000 : 0o100000) | st.mode, 4);
              b.writeUInt32LE(st.size >>> 0, 8);
              b.writeUInt32LE(Math.floor(st.mtimeMs / 1000), 12);
              b.writeUInt32LE(n.length, 16);
              this.write(Buffer.concat([b, n]));
            }
          } catch {
            // an unreadable directory lists as empty, as adbd does
          }
          this.reply('DONE', 0, 0, 0, 0);
          return;
        }
        case 'SEND': {
          const spec = body.toString('utf8');
          const comma = spec.lastIndexOf(',');
          const path = normalize(comma >= 0 ? spec.slice(0, comma) : spec);
          const mode = comma >= 0 ? Number(spec.slice(comma + 1)) & 0o7777 : 0o644;
          this.send = { fd: vfs.openForWrite(path, this.user, mode || 0o644), path, mode };
          return;
        }
        case 'DATA': {
          if (!this.send) return this.fail('DATA without SEND');
          fs.writeSync(this.send.fd, body);
          return;
        }
        case 'DONE': {
          if (!this.send) return this.fail('DONE without SEND');
          fs.closeSync(this.send.fd);
          vfs.chmod(this.send.path, this.send.mode || 0o644, this.user);
          this.send = null;
          this.reply('OKAY', 0);
          void len;
          return;
        }
        case 'RECV': {
          const p = normalize(body.toString('utf8'));
          const real = vfs.realPathForRead(p, this.user);
          const data = real ? fs.readFileSync(real) : vfs.readFile(p, this.user);
          for (let i = 0; i < data.length; i += 64 * 1024) {
            const chunk = data.subarray(i, i + 64 * 1024);
            const h = Buffer.alloc(8);
            h.write('DATA', 0, 'latin1');
            h.writeUInt32LE(chunk.length, 4);
            this.write(Buffer.concat([h, chunk]));
          }
          this.reply('DONE', 0);
          return;
        }
        case 'QUIT':
          this.end();
          return;
        default:
          this.fail(`unknown sync command ${id}`);
      }
    } catch (e) {
      if (this.send) {
        fs.closeSync(this.send.fd);
        this.send = null;
      }
      this.fail(e instanceof VfsError ? `${e.vpath}: ${e.reason}` : (e as Error).message);
    }
  }
}
