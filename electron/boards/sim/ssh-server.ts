/**
 * The virtual board's SSH side (ssh2 Server): its own host key, public-key and/or password
 * login, exec (with signals and stdin), a small interactive shell, and SFTP over the virtual
 * filesystem. Binds to loopback unless told otherwise.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel, SFTPWrapper } from 'ssh2';
import { CoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { SIGNALS } from '../exec-wrap';
import { normalize, VfsError, type VStat } from './vfs';
import type { SimBoard } from './board';
import type { SimUser } from './shell/run';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

export interface SimSshOptions {
  board: SimBoard;
  /** Private host key (OpenSSH or PEM text). */
  hostKey: string | Buffer;
  /** Public keys allowed to log in (OpenSSH `authorized_keys` lines or parsed keys). */
  authorizedKeys: ParsedKey[];
  /** A password that is accepted too (kept in memory only). */
  password?: string;
  host?: string;
  port?: number;
  log?: Logger;
}

function safeEqual(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** Parses authorized_keys text into keys (comments and bad lines skipped). */
export function parseAuthorizedKeys(text: string): ParsedKey[] {
  const keys: ParsedKey[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /((?:ssh|ecdsa|sk)-\S+\s+[A-Za-z0-9+/=]+)/.exec(t);
    if (!m) continue;
    const k = ssh2.utils.parseKey(m[1]);
    if (!(k instanceof Error)) keys.push(Array.isArray(k) ? k[0] : k);
  }
  return keys;
}

export class SimSshServer {
  private server: InstanceType<typeof ssh2.Server> | null = null;
  private readonly clients = new Set<Connection>();
  port = 0;

  constructor(private readonly o: SimSshOptions) {}

  async start(): Promise<number> {
    const server = new ssh2.Server(
      { hostKeys: [this.o.hostKey], ident: 'OpenSSH_9.2p1 Coral-virtual-board' },
      (client) => this.onClient(client),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new CoralError(
                'SIM_PORT_IN_USE',
                `The SSH port ${this.o.port} of the virtual board is already in use.`,
                {
                  hint: 'Pick another port with --ssh-port, or 0 for a free one.',
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
    for (const c of this.clients) c.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    let user: SimUser | null = null;
    client.on('error', () => {});
    client.on('close', () => this.clients.delete(client));
    client.on('authentication', (ctx) => {
      const u = this.o.board.userNamed(ctx.username);
      const methods: Array<'publickey' | 'password'> = ['publickey'];
      if (this.o.password !== undefined) methods.push('password');
      if (!u) return ctx.reject(methods);
      if (
        ctx.method === 'password' &&
        this.o.password !== undefined &&
        safeEqual(ctx.password, this.o.password)
      ) {
        user = u;
        return ctx.accept();
      }
      if (ctx.method === 'publickey') {
        const key = this.o.authorizedKeys.find(
          (k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data),
        );
        if (key) {
          if (!ctx.signature) return ctx.accept(); // a query: "would you accept this key?"
          if (ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
            user = u;
            return ctx.accept();
          }
        }
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = {};
        let pty = false;
        let running: { pgid: number } | null = null;
        session.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        session.on('pty', (accept) => {
          pty = true;
          accept?.();
        });
        session.on('signal', (accept, _reject, info) => {
          accept?.();
          if (running) this.o.board.kill(running.pgid, SIGNALS[info.name] ?? 15, true);
        });
        session.on('exec', (accept, _reject, info) => {
          const stream = accept();
          running = this.exec(stream, info.command, user as SimUser, env);
        });
        session.on('shell', (accept) => this.interactive(accept(), user as SimUser, env, pty));
        session.on('sftp', (accept) => this.sftp(accept(), user as SimUser));
      });
    });
  }

  private exec(
    stream: ServerChannel,
    command: string,
    user: SimUser,
    env: Record<string, string>,
  ): { pgid: number } {
    const chunks: Buffer[] = [];
    const stdin = new Promise<Buffer>((resolve) => {
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('close', () => resolve(Buffer.concat(chunks)));
    });
    const run = this.o.board.run(command, {
      user,
      env,
      stdin: () => stdin,
      onStdout: (d) => {
        if (stream.writable) stream.write(d);
      },
      onStderr: (d) => {
        if (stream.writable) stream.stderr.write(d);
      },
    });
    // the client went away: the session's processes get SIGHUP
    stream.on('close', () => this.o.board.kill(run.proc.pgid, 1, true));
    run.done.then(
      (code) => {
        if (!stream.writable) return;
        const signal = Object.entries(SIGNALS).find(
          ([, n]) => code === 128 + n && n !== 0 && run.proc.controller.signal.aborted,
        );
        if (signal) stream.exit(signal[0], false, '');
        else stream.exit(code);
        stream.end();
      },
      (e: unknown) => {
        this.o.log?.error('board-sim', `exec failed: ${(e as Error).message}`);
        if (stream.writable) {
          stream.stderr.write(`sh: internal error: ${(e as Error).message}\n`);
          stream.exit(1);
          stream.end();
        }
      },
    );
    return { pgid: run.proc.pgid };
  }

  /** A line-at-a-time shell for people who ssh in by hand (no job control). */
  private interactive(
    stream: ServerChannel,
    user: SimUser,
    env: Record<string, string>,
    pty: boolean,
  ): void {
    const nl = pty ? '\r\n' : '\n';
    const prompt = () =>
      stream.write(
        `${user.uid === 0 ? 'root' : user.name}@${this.o.board.hostname()}:~${user.uid === 0 ? '#' : '$'} `,
      );
    stream.write(
      `Coral Studio virtual board: ${this.o.board.profile.name}${nl}This shell is simulated; type exit to leave.${nl}`,
    );
    prompt();
    let line = '';
    let busy = false;
    stream.on('data', (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (busy) continue;
        if (ch === '\r' || ch === '\n') {
          if (pty) stream.write(nl);
          const cmd = line.trim();
          line = '';
          if (cmd === 'exit' || cmd === 'logout') {
            stream.exit(0);
            stream.end();
            return;
          }
          if (!cmd) {
            prompt();
            continue;
          }
          busy = true;
          const fix = (b: Buffer) =>
            pty ? Buffer.from(b.toString('utf8').replace(/\r?\n/g, '\r\n')) : b;
          this.o.board
            .run(cmd, {
              user,
              env,
              onStdout: (b) => stream.write(fix(b)),
              onStderr: (b) => stream.write(fix(b)),
            })
            .done.finally(() => {
              busy = false;
              if (stream.writable) prompt();
            });
        } else if (ch === '\x7f' || ch === '\b') {
          if (line) {
            line = line.slice(0, -1);
            if (pty) stream.write('\b \b');
          }
        } else if (ch === '\x03') {
          line = '';
          if (pty) stream.write(`^C${nl}`);
          prompt();
        } else if (ch === '\x04') {
          stream.exit(0);
          stream.end();
          return;
        } else {
          line += ch;
          if (pty) stream.write(ch);
        }
      }
    });
  }

  private sftp(sftp: SFTPWrapper, user: SimUser): void {
    const vfs = this.o.board.vfs;
    const handles = new Map<
      number,
      | { kind: 'read'; fd: number | null; data?: Buffer }
      | { kind: 'write'; fd: number }
      | { kind: 'dir'; names: string[]; path: string; done: boolean }
    >();
    let nextHandle = 1;
    const handleBuf = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const handleOf = (b: Buffer) => (b.length === 4 ? b.readUInt32BE(0) : -1);
    const resolve = (p: string) => normalize(p || '.', user.home);
    const fail = (reqid: number, e: unknown) => {
      if (e instanceof VfsError) {
        sftp.status(
          reqid,
          e.code === 'ENOENT'
            ? STATUS_CODE.NO_SUCH_FILE
            : e.code === 'EACCES'
              ? STATUS_CODE.PERMISSION_DENIED
              : STATUS_CODE.FAILURE,
          e.message,
        );
      } else sftp.status(reqid, STATUS_CODE.FAILURE, (e as Error).message);
    };
    const attrs = (st: VStat) => ({
      mode: (st.type === 'dir' ? 0o040000 : 0o100000) | st.mode,
      uid: user.uid,
      gid: user.uid,
      size: st.size,
      atime: Math.floor(st.mtimeMs / 1000),
      mtime: Math.floor(st.mtimeMs / 1000),
    });

    sftp.on('REALPATH', (reqid, p) => {
      const abs = resolve(p);
      sftp.name(reqid, [{ filename: abs, longname: abs, attrs: {} as never }]);
    });
    const statHandler = (reqid: number, p: string) => {
      try {
        sftp.attrs(reqid, attrs(vfs.stat(resolve(p), user)));
      } catch (e) {
        fail(reqid, e);
      }
    };
    sftp.on('STAT', statHandler);
    sftp.on('LSTAT', statHandler);
    sftp.on('OPEN', (reqid, filename, flags) => {
      const p = resolve(filename);
      try {
        if (flags & OPEN_MODE.WRITE) {
          const fd = vfs.openForWrite(p, user);
          const h = nextHandle++;
          handles.set(h, { kind: 'write', fd });
          return sftp.handle(reqid, handleBuf(h));
        }
        const st = vfs.stat(p, user);
        if (st.type === 'dir') throw new VfsError('EISDIR', p);
        const real = vfs.realPathForRead(p, user);
        const h = nextHandle++;
        handles.set(
          h,
          real
            ? { kind: 'read', fd: fs.openSync(real, 'r') }
            : { kind: 'read', fd: null, data: vfs.readFile(p, user) },
        );
        sftp.handle(reqid, handleBuf(h));
      } catch (e) {
        fail(reqid, e);
      }
    });
    sftp.on('WRITE', (reqid, handle, offset, data) => {
      const h = handles.get(handleOf(handle));
      if (!h || h.kind !== 'write') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      try {
        fs.writeSync(h.fd, data, 0, data.length, offset);
        sftp.status(reqid, STATUS_CODE.OK);
      } catch (e) {
        fail(reqid, e);
      }
    });
    sftp.on('READ', (reqid, handle, offset, length) => {
      const h = handles.get(handleOf(handle));
      if (!h || h.kind !== 'read') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      let chunk: Buffer;
      if (h.fd === null) chunk = (h.data ?? Buffer.alloc(0)).subarray(offset, offset + length);
      else {
        const buf = Buffer.alloc(length);
        chunk = buf.subarray(0, fs.readSync(h.fd, buf, 0, length, offset));
      }
      if (!chunk.length) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, chunk);
    });
    sftp.on('FSTAT', (reqid, handle) => {
      const h = handles.get(handleOf(handle));
      if (!h || h.kind === 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      const size =
        h.fd === null ? (h.kind === 'read' ? (h.data?.length ?? 0) : 0) : fs.fstatSync(h.fd).size;
      sftp.attrs(reqid, {
        mode: 0o100644,
        uid: user.uid,
        gid: user.uid,
        size,
        atime: 0,
        mtime: Math.floor(Date.now() / 1000),
      });
    });
    sftp.on('CLOSE', (reqid, handle) => {
      const id = handleOf(handle);
      const h = handles.get(id);
      handles.delete(id);
      if (h && h.kind !== 'dir' && h.fd !== null) fs.closeSync(h.fd);
      sftp.status(reqid, h ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
    });
    sftp.on('OPENDIR', (reqid, p) => {
      try {
        const abs = resolve(p);
        const names = vfs.readdir(abs, user);
        const h = nextHandle++;
        handles.set(h, { kind: 'dir', names, path: abs, done: false });
        sftp.handle(reqid, handleBuf(h));
      } catch (e) {
        fail(reqid, e);
      }
    });
    sftp.on('READDIR', (reqid, handle) => {
      const h = handles.get(handleOf(handle));
      if (!h || h.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      if (h.done) return sftp.status(reqid, STATUS_CODE.EOF);
      h.done = true;
      sftp.name(
        reqid,
        h.names.map((n) => {
          const st = vfs.stat(h.path === '/' ? `/${n}` : `${h.path}/${n}`);
          return { filename: n, longname: n, attrs: attrs(st) as never };
        }),
      );
    });
    const simple = (fn: (reqid: number, ...a: string[]) => void) => fn;
    sftp.on(
      'MKDIR',
      simple((reqid, p) => this.try(sftp, reqid, () => vfs.mkdir(resolve(p), user))),
    );
    sftp.on(
      'RMDIR',
      simple((reqid, p) => this.try(sftp, reqid, () => vfs.remove(resolve(p), user))),
    );
    sftp.on(
      'REMOVE',
      simple((reqid, p) => this.try(sftp, reqid, () => vfs.remove(resolve(p), user))),
    );
    sftp.on(
      'RENAME',
      simple((reqid, a, b) =>
        this.try(sftp, reqid, () => vfs.rename(resolve(a), resolve(b), user)),
      ),
    );
    sftp.on('SETSTAT', (reqid, p, a) =>
      this.try(sftp, reqid, () => {
        if (a.mode !== undefined) vfs.chmod(resolve(p), a.mode & 0o7777, user);
      }),
    );
    sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
    sftp.on('close', () => {
      for (const h of handles.values()) if (h.kind !== 'dir' && h.fd !== null) fs.closeSync(h.fd);
      handles.clear();
    });
  }

  private try(sftp: SFTPWrapper, reqid: number, fn: () => void): void {
    try {
      fn();
      sftp.status(reqid, STATUS_CODE.OK);
    } catch (e) {
      if (e instanceof VfsError) {
        sftp.status(
          reqid,
          e.code === 'ENOENT'
            ? STATUS_CODE.NO_SUCH_FILE
            : e.code === 'EACCES'
              ? STATUS_CODE.PERMISSION_DENIED
              : STATUS_CODE.FAILURE,
          e.message,
        );
      } else sftp.status(reqid, STATUS_CODE.FAILURE, (e as Error).message);
    }
  }
}
