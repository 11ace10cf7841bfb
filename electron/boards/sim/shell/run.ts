/**
 * The virtual board's shell interpreter. Every `sh` is a virtual process (pid, process
 * group, abort controller) so `kill`, `pidof` and cancel-by-pid behave like on a board.
 * Pipelines run stage by stage with buffered output (the last stage streams).
 */
import { normalize, VfsError, type VfsUser, type VirtualFs } from '../vfs';
import { expandToString, expandWords, type ExpandContext } from './expand';
import {
  parseShell,
  ShellSyntaxError,
  type AndOr,
  type Command,
  type List,
  type Pipeline,
  type Redir,
} from './parse';

export interface Io {
  /** The whole of stdin (resolves at EOF). */
  stdin: () => Promise<Buffer>;
  stdout: (d: Buffer | string) => void;
  stderr: (d: Buffer | string) => void;
}

export interface SimUser extends VfsUser {
  name: string;
}

export interface Proc {
  pid: number;
  pgid: number;
  ppid: number;
  name: string;
  args: string[];
  user: SimUser;
  controller: AbortController;
  startedAt: number;
}

/** Facts and live state of the simulated board, for commands like df, ps, uname. */
export interface BoardApi {
  hostname(): string;
  uname: { sysname: string; release: string; version: string; machine: string };
  cpuCount: number;
  processes(): Proc[];
  /** Delivers a signal to a pid, or to a process group when `group` is set; false when none matched. */
  kill(target: number, signal: number, group: boolean): boolean;
  disk(path: string): { fs: string; mount: string; totalKb: number; usedKb: number };
  bootedAt: number;
}

/** What the shell needs from the board around it. */
export interface ShellHost {
  board: BoardApi;
  vfs: VirtualFs;
  commands: Record<string, CommandFn>;
  /** Programs that exist only when their file is on the board (rknn_benchmark…). */
  fileBackedPrograms: Set<string>;
  spawn(name: string, args: string[], user: SimUser, parent: Proc | null): Proc;
  exit(proc: Proc): void;
  /** Signal number of the last kill a process received. */
  killSignal(proc: Proc): number;
}

export interface CmdCtx {
  name: string;
  io: Io;
  shell: Shell;
  host: ShellHost;
  user: SimUser;
  signal: AbortSignal;
  cwd: string;
  env: Record<string, string>;
  /** The program's own process (its pid for ps, pidof and kill). */
  proc: Proc;
}

export type CommandFn = (ctx: CmdCtx, args: string[]) => Promise<number>;

class ExitSignal {
  constructor(readonly code: number) {}
}
class ReturnSignal {
  constructor(readonly code: number) {}
}
class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}
export class KilledSignal {
  constructor(readonly code: number) {}
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'busybox']);

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Shell {
  vars = new Map<string, string>();
  exported = new Set<string>();
  functions = new Map<string, Command>();
  positional: string[] = [];
  cwd: string;
  status = 0;
  readonly proc: Proc;

  constructor(
    readonly host: ShellHost,
    readonly user: SimUser,
    opts: {
      parent?: Shell;
      /** A new program (sh -c) sees only exported variables; subshells see them all. */
      newProgram?: boolean;
      env?: Record<string, string>;
      args?: string[];
      name?: string;
    } = {},
  ) {
    this.proc = host.spawn(opts.name ?? 'sh', opts.args ?? [], user, opts.parent?.proc ?? null);
    if (opts.parent) {
      this.vars = new Map(opts.parent.vars);
      this.exported = new Set(opts.parent.exported);
      this.cwd = opts.parent.cwd;
      if (opts.newProgram) {
        for (const k of [...this.vars.keys()])
          if (!this.exported.has(k) && k !== 'IFS') this.vars.delete(k);
      } else {
        this.functions = new Map(opts.parent.functions);
        this.positional = opts.parent.positional;
        this.subshellOf = opts.parent;
      }
    } else {
      this.cwd = user.home;
      const base: Record<string, string> = {
        PATH: DEFAULT_PATH,
        HOME: user.home,
        USER: user.name,
        LOGNAME: user.name,
        SHELL: '/bin/sh',
        PWD: user.home,
        IFS: ' \t\n',
      };
      for (const [k, v] of Object.entries({ ...base, ...(opts.env ?? {}) })) {
        this.vars.set(k, v);
        if (k !== 'IFS') this.exported.add(k);
      }
    }
  }

  get signal(): AbortSignal {
    return this.proc.controller.signal;
  }

  env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /** Runs a script to completion; returns the exit status. Always releases the process. */
  async run(src: string, io: Io): Promise<number> {
    try {
      let list: List;
      try {
        list = parseShell(src);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          io.stderr(`sh: ${e.message}\n`);
          return (this.status = 2);
        }
        throw e;
      }
      return await this.runList(list, io);
    } catch (e) {
      if (e instanceof ExitSignal) return (this.status = e.code);
      if (e instanceof KilledSignal) return (this.status = e.code);
      if (e instanceof ReturnSignal) return (this.status = e.code);
      if (e instanceof LoopSignal) return this.status;
      if (e instanceof ShellSyntaxError) {
        io.stderr(`sh: ${e.message}\n`);
        return (this.status = 2);
      }
      throw e;
    } finally {
      this.host.exit(this.proc);
    }
  }

  private checkKilled(): void {
    if (this.signal.aborted) throw new KilledSignal(128 + this.host.killSignal(this.proc));
  }

  async runList(list: List, io: Io): Promise<number> {
    for (const item of list) {
      this.checkKilled();
      if (item.background) {
        const child = new Shell(this.host, this.user, { parent: this });
        void child.runAndOrDetached(item, io);
        this.status = 0;
        continue;
      }
      this.status = await this.runAndOr(item, io);
    }
    return this.status;
  }

  private async runAndOrDetached(item: AndOr, io: Io): Promise<void> {
    try {
      await this.runAndOr({ ...item, background: false }, io);
    } catch {
      // a background job's fate is not the caller's
    } finally {
      this.host.exit(this.proc);
    }
  }

  private async runAndOr(item: AndOr, io: Io): Promise<number> {
    let status = await this.runPipeline(item.first, io);
    this.status = status;
    for (const { op, pipeline } of item.rest) {
      if ((op === '&&' && status === 0) || (op === '||' && status !== 0)) {
        status = await this.runPipeline(pipeline, io);
        this.status = status;
      }
    }
    return status;
  }

  private async runPipeline(p: Pipeline, io: Io): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      status = await this.runCommand(p.commands[0], io);
    } else {
      let stdin = io.stdin;
      status = 0;
      for (let i = 0; i < p.commands.length; i++) {
        const last = i === p.commands.length - 1;
        const chunks: Buffer[] = [];
        const stageIo: Io = {
          stdin,
          stdout: last ? io.stdout : (d) => chunks.push(Buffer.isBuffer(d) ? d : Buffer.from(d)),
          stderr: io.stderr,
        };
        // each stage of a pipeline runs in a subshell, as in sh
        const sub = new Shell(this.host, this.user, { parent: this });
        sub.functions = this.functions;
        try {
          status = await sub.runCommand(p.commands[i], stageIo);
        } catch (e) {
          if (e instanceof ExitSignal) status = e.code;
          else throw e;
        } finally {
          this.host.exit(sub.proc);
        }
        const data = Buffer.concat(chunks);
        stdin = () => Promise.resolve(data);
      }
    }
    this.checkKilled();
    return p.negate ? (status === 0 ? 1 : 0) : status;
  }

  expandContext(io: Io): ExpandContext {
    return {
      getVar: (n) => this.vars.get(n),
      setVar: (n, v) => this.vars.set(n, v),
      special: (n) =>
        n === '?' ? String(this.status) : n === '$' ? String(this.rootPid()) : n === '-' ? '' : '0',
      positional: () => this.positional,
      home: () => this.vars.get('HOME') ?? this.user.home,
      substitute: async (cmd) => {
        this.substitutions++;
        const out: Buffer[] = [];
        const sub = new Shell(this.host, this.user, { parent: this });
        sub.functions = this.functions;
        sub.positional = this.positional;
        this.status = await sub.run(cmd, {
          stdin: io.stdin,
          stdout: (d) => out.push(Buffer.isBuffer(d) ? d : Buffer.from(d)),
          stderr: io.stderr,
        });
        return Buffer.concat(out).toString('utf8');
      },
      glob: (pattern) => this.host.vfs.glob(pattern, this.cwd, this.user),
    };
  }

  /** $$ is the pid of the top shell of a script, also inside subshells. */
  private rootPid(): number {
    return this.subshellOf?.rootPid() ?? this.proc.pid;
  }
  subshellOf: Shell | null = null;
  private substitutions = 0;

  private async applyRedirs(redirs: Redir[], io: Io): Promise<{ io: Io; finish: () => void }> {
    let cur: Io = { ...io };
    const finishers: Array<() => void> = [];
    const x = this.expandContext(io);
    for (const r of redirs) {
      const target = await expandToString(x, r.target);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') continue;
        const src = target === '1' ? cur.stdout : target === '2' ? cur.stderr : null;
        if (!src) throw new ShellSyntaxError(`${target}: bad file descriptor`);
        if (r.fd === 1) cur = { ...cur, stdout: src };
        else if (r.fd === 2) cur = { ...cur, stderr: src };
        continue;
      }
      const path = normalize(target, this.cwd);
      if (r.op === '<') {
        if (path === '/dev/null') cur = { ...cur, stdin: () => Promise.resolve(Buffer.alloc(0)) };
        else {
          const data = this.host.vfs.readFile(path, this.user);
          cur = { ...cur, stdin: () => Promise.resolve(data) };
        }
        continue;
      }
      let sink: (d: Buffer | string) => void;
      if (path === '/dev/null') sink = () => {};
      else if (path === '/dev/stderr') sink = io.stderr;
      else if (path === '/dev/stdout') sink = io.stdout;
      else {
        const vfs = this.host.vfs;
        const user = this.user;
        if (r.op === '>') vfs.writeFile(path, '', user);
        else if (!vfs.exists(path)) vfs.writeFile(path, '', user);
        const pending: Buffer[] = [];
        sink = (d) => pending.push(Buffer.isBuffer(d) ? d : Buffer.from(d));
        finishers.push(() => {
          if (pending.length) vfs.writeFile(path, Buffer.concat(pending), user, { append: true });
        });
      }
      if (r.fd === 1) cur = { ...cur, stdout: sink };
      else if (r.fd === 2) cur = { ...cur, stderr: sink };
    }
    return { io: cur, finish: () => finishers.forEach((f) => f()) };
  }

  async runCommand(cmd: Command, io: Io): Promise<number> {
    this.checkKilled();
    if (cmd.type === 'function') {
      this.functions.set(cmd.name, cmd.body);
      return 0;
    }
    let redirected: { io: Io; finish: () => void };
    try {
      redirected = await this.applyRedirs(cmd.redirs, io);
    } catch (e) {
      if (e instanceof VfsError) {
        io.stderr(`sh: can't create ${e.vpath}: ${e.reason}\n`);
        return 1;
      }
      throw e;
    }
    try {
      return await this.runCompound(cmd, redirected.io);
    } finally {
      redirected.finish();
    }
  }

  private async runCompound(cmd: Exclude<Command, { type: 'function' }>, io: Io): Promise<number> {
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd, io);
      case 'group':
        return this.runList(cmd.body, io);
      case 'subshell': {
        const sub = new Shell(this.host, this.user, { parent: this });
        sub.subshellOf = this;
        sub.functions = new Map(this.functions);
        sub.positional = this.positional;
        sub.vars = new Map(this.vars);
        sub.status = this.status;
        try {
          return await sub.runList(cmd.body, io);
        } catch (e) {
          if (e instanceof ExitSignal) return e.code;
          throw e;
        } finally {
          this.host.exit(sub.proc);
        }
      }
      case 'if': {
        for (const c of cmd.clauses) {
          if ((await this.runList(c.cond, io)) === 0) return this.runList(c.body, io);
        }
        return cmd.otherwise ? this.runList(cmd.otherwise, io) : 0;
      }
      case 'for': {
        const items = cmd.items
          ? await expandWords(this.expandContext(io), cmd.items)
          : this.positional;
        let status = 0;
        for (const item of items) {
          this.vars.set(cmd.name, item);
          try {
            status = await this.runList(cmd.body, io);
          } catch (e) {
            if (e instanceof LoopSignal) {
              if (e.kind === 'break') break;
              continue;
            }
            throw e;
          }
        }
        return status;
      }
      case 'while': {
        let status = 0;
        for (;;) {
          const c = await this.runList(cmd.cond, io);
          if ((c === 0) === cmd.until) break;
          try {
            status = await this.runList(cmd.body, io);
          } catch (e) {
            if (e instanceof LoopSignal) {
              if (e.kind === 'break') break;
              continue;
            }
            throw e;
          }
          await new Promise((r) => setImmediate(r));
        }
        return status;
      }
    }
  }

  private async runSimple(cmd: Extract<Command, { type: 'simple' }>, io: Io): Promise<number> {
    const x = this.expandContext(io);
    const substitutionsBefore = this.substitutions;
    const assigns: Array<[string, string]> = [];
    for (const a of cmd.assigns) {
      const eq = a.indexOf('=');
      assigns.push([a.slice(0, eq), await expandToString(x, a.slice(eq + 1))]);
    }
    const argv = await expandWords(x, cmd.words);
    if (!argv.length) {
      for (const [k, v] of assigns) this.vars.set(k, v);
      // an assignment's status is that of its last command substitution, else 0
      return this.substitutions !== substitutionsBefore ? this.status : 0;
    }
    const [name, ...args] = argv;
    const builtin = await this.builtin(name, args, io, assigns);
    if (builtin !== null) return builtin;
    const fn = this.functions.get(name);
    if (fn) {
      const saved = this.positional;
      this.positional = args;
      try {
        return await this.runCommand(fn, io);
      } catch (e) {
        if (e instanceof ReturnSignal) return e.code;
        throw e;
      } finally {
        this.positional = saved;
      }
    }
    const env = { ...this.env(), ...Object.fromEntries(assigns) };
    return this.runProgram(name, args, io, env);
  }

  /** Finds and runs a program: simulated commands, or shell scripts on the virtual filesystem. */
  async runProgram(
    name: string,
    args: string[],
    io: Io,
    env: Record<string, string>,
  ): Promise<number> {
    const vfs = this.host.vfs;
    const base = name.split('/').pop() as string;
    let file: string | null = null;
    if (name.includes('/')) {
      file = normalize(name, this.cwd);
      if (!vfs.exists(file, this.user)) {
        io.stderr(`sh: ${name}: not found\n`);
        return 127;
      }
      if (vfs.stat(file).type === 'dir') {
        io.stderr(`sh: ${name}: Permission denied\n`);
        return 126;
      }
    } else {
      for (const dir of (env.PATH ?? DEFAULT_PATH).split(':')) {
        const p = normalize(`${dir}/${name}`);
        if (vfs.exists(p, this.user) && vfs.stat(p).type === 'file') {
          file = p;
          break;
        }
      }
    }
    const impl = this.host.commands[base];
    const needsFile = this.host.fileBackedPrograms.has(base);
    if (impl && (!needsFile || file)) {
      // every program is a process of its own (ps, pidof and kill see it), except the shells,
      // which make their own
      const proc = SHELLS.has(base) ? this.proc : this.host.spawn(base, args, this.user, this.proc);
      const ctx = this.commandContext(name, io, env, proc);
      try {
        return await impl(ctx, args);
      } catch (e) {
        if (e instanceof KilledSignal) {
          if (proc === this.proc) throw e;
          return e.code; // the program was killed; the shell goes on (unless killed too)
        }
        if (e instanceof VfsError) {
          io.stderr(`${base}: ${e.message}\n`);
          return 1;
        }
        throw e;
      } finally {
        if (proc !== this.proc) this.host.exit(proc);
      }
    }
    if (file) {
      const head = vfs.readFile(file, this.user).subarray(0, 256).toString('latin1');
      if (head.startsWith('#!') && /\b(sh|bash|ash|dash)\b/.test(head.split('\n')[0])) {
        const child = new Shell(this.host, this.user, {
          parent: this,
          newProgram: true,
          name: base,
          args,
        });
        child.positional = args;
        return child.run(vfs.readFile(file, this.user).toString('utf8'), io);
      }
      io.stderr(`sh: ${name}: cannot execute binary file: Exec format error\n`);
      return 126;
    }
    io.stderr(`sh: ${name}: not found\n`);
    return 127;
  }

  commandContext(
    name: string,
    io: Io,
    env: Record<string, string>,
    proc: Proc = this.proc,
  ): CmdCtx {
    return {
      name,
      io,
      shell: this,
      host: this.host,
      user: this.user,
      proc,
      signal: proc.controller.signal,
      cwd: this.cwd,
      env,
    };
  }

  /** Builtins that change the shell itself; null when `name` is not one. */
  private async builtin(
    name: string,
    args: string[],
    io: Io,
    assigns: Array<[string, string]>,
  ): Promise<number | null> {
    switch (name) {
      case ':':
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'exit':
        throw new ExitSignal(args[0] !== undefined ? Number(args[0]) & 255 : this.status);
      case 'return':
        throw new ReturnSignal(args[0] !== undefined ? Number(args[0]) & 255 : this.status);
      case 'break':
      case 'continue':
        throw new LoopSignal(name);
      case 'cd': {
        const dir = normalize(args[0] ?? this.vars.get('HOME') ?? '/', this.cwd);
        if (!this.host.vfs.exists(dir, this.user) || this.host.vfs.stat(dir).type !== 'dir') {
          io.stderr(`sh: cd: can't cd to ${args[0]}\n`);
          return 2;
        }
        this.cwd = dir;
        this.vars.set('PWD', dir);
        return 0;
      }
      case 'pwd':
        io.stdout(`${this.cwd}\n`);
        return 0;
      case 'export':
      case 'readonly':
      case 'local':
        for (const a of args) {
          const eq = a.indexOf('=');
          const k = eq < 0 ? a : a.slice(0, eq);
          if (eq >= 0) this.vars.set(k, a.slice(eq + 1));
          if (name === 'export') this.exported.add(k);
        }
        return 0;
      case 'unset':
        for (const a of args.filter((a) => !a.startsWith('-'))) {
          this.vars.delete(a);
          this.exported.delete(a);
          this.functions.delete(a);
        }
        return 0;
      case 'shift': {
        const n = Number(args[0] ?? 1);
        this.positional = this.positional.slice(n);
        return 0;
      }
      case 'set':
        if (args[0] === '--') this.positional = args.slice(1);
        return 0;
      case 'trap':
      case 'umask':
      case 'wait':
      case 'ulimit':
        return 0;
      case 'eval':
        return this.runList(parseShell(args.join(' ')), io);
      case '.':
      case 'source': {
        const file = normalize(args[0] ?? '', this.cwd);
        const text = this.host.vfs.readFile(file, this.user).toString('utf8');
        return this.runList(parseShell(text), io);
      }
      case 'exec': {
        if (!args.length) return 0;
        const env = { ...this.env(), ...Object.fromEntries(assigns) };
        throw new ExitSignal(await this.runProgram(args[0], args.slice(1), io, env));
      }
      case 'command':
      case 'type':
      case 'which': {
        const list = name === 'command' ? (args[0] === '-v' ? args.slice(1) : null) : args;
        if (list === null) {
          const env = { ...this.env(), ...Object.fromEntries(assigns) };
          return this.runProgram(args[0], args.slice(1), io, env);
        }
        let status = 0;
        for (const n of list) {
          const found = this.which(n);
          if (found) io.stdout(`${found}\n`);
          else status = 1;
        }
        return status;
      }
      default:
        return null;
    }
  }

  which(name: string): string | null {
    const vfs = this.host.vfs;
    for (const dir of (this.vars.get('PATH') ?? DEFAULT_PATH).split(':')) {
      const p = normalize(`${dir}/${name}`);
      if (vfs.exists(p, this.user)) return p;
    }
    if (this.host.commands[name] && !this.host.fileBackedPrograms.has(name)) return `/bin/${name}`;
    return null;
  }
}
