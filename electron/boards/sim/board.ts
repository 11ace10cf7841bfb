/**
 * A simulated board: the profile's filesystem, its live files (/proc/stat, meminfo, NPU load,
 * temperatures), a process table, and the shell that runs commands from SSH and ADB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalize, VirtualFs } from './vfs';
import type { LoadedProfile, SimProfile } from './profile';
import { rknnBenchmark, type NpuActivity } from './rknn-benchmark';
import {
  Shell,
  type BoardApi,
  type CommandFn,
  type Io,
  type Proc,
  type ShellHost,
  type SimUser,
} from './shell/run';
import { textCommands } from './shell/commands/text';
import { fileCommands } from './shell/commands/files';
import { systemCommands } from './shell/commands/system';

export interface RunOptions {
  user: SimUser;
  env?: Record<string, string>;
  /** Resolves with all of stdin at EOF (defaults to empty). */
  stdin?: () => Promise<Buffer>;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

export interface RunningCommand {
  /** The login shell's process; kill() it to stop the command. */
  proc: Proc;
  done: Promise<number>;
}

const USER_HZ = 100;

export class SimBoard implements ShellHost, BoardApi {
  readonly vfs: VirtualFs;
  readonly profile: SimProfile;
  readonly commands: Record<string, CommandFn>;
  readonly fileBackedPrograms = new Set(['rknn_benchmark', 'rknn_server']);
  readonly bootedAt = Date.now();
  readonly uname: BoardApi['uname'];
  readonly cpuCount: number;
  private procs = new Map<number, Proc>();
  private killSignals = new WeakMap<Proc, number>();
  private detach = new Map<Proc, () => void>();
  private nextPid = 1200;
  /** How many runs use each NPU core right now. */
  private npuBusy: number[];
  private lastHeatAt = Date.now();
  private heat = 0;
  private cpuJiffies: Array<{ busy: number; idle: number }>;
  private lastCpuAt = Date.now();
  private readonly baseMemAvailableKb: number;
  private readonly memTotalKb: number;
  private readonly serverProc: Proc | null = null;
  private readonly root: SimUser = { name: 'root', uid: 0, home: '/root' };

  /** The board is its own BoardApi (ShellHost.board). */
  get board(): BoardApi {
    return this;
  }

  constructor(loaded: LoadedProfile) {
    this.profile = loaded.profile;
    this.vfs = new VirtualFs(loaded.dir);
    this.uname = {
      sysname: 'Linux',
      release: this.profile.kernel.release,
      version: this.profile.kernel.version,
      machine: this.profile.kernel.machine,
    };
    const cpuinfo = this.readLower('/proc/cpuinfo');
    this.cpuCount = Math.max(1, (cpuinfo.match(/^processor\s*:/gm) ?? []).length);
    this.cpuJiffies = Array.from({ length: this.cpuCount }, () => ({ busy: 5000, idle: 95000 }));
    this.npuBusy = Array.from({ length: Math.max(1, this.profile.npuCores) }, () => 0);
    const meminfo = this.readLower('/proc/meminfo');
    this.memTotalKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 1_048_576);
    this.baseMemAvailableKb = Number(
      /MemAvailable:\s+(\d+)/.exec(meminfo)?.[1] ?? this.memTotalKb * 0.8,
    );
    const npu: NpuActivity = { begin: (cores) => this.beginNpu(cores) };
    this.commands = {
      ...textCommands,
      ...fileCommands,
      ...systemCommands,
      rknn_benchmark: rknnBenchmark(this.profile, npu),
      rknn_server: this.rknnServer(),
    };
    if (this.profile.rknnServer.running && this.vfs.exists('/usr/bin/rknn_server')) {
      this.serverProc = this.spawn('rknn_server', [], this.root, null);
    }
    this.installLiveFiles();
  }

  dispose(): void {
    for (const p of [...this.procs.values()]) p.controller.abort();
    this.procs.clear();
    this.vfs.dispose();
  }

  private readLower(vpath: string): string {
    try {
      return fs.readFileSync(path.join(this.vfs.lower, vpath), 'utf8');
    } catch {
      return '';
    }
  }

  hostname(): string {
    return this.readLower('/proc/sys/kernel/hostname').trim() || this.profile.id;
  }

  userNamed(name: string): SimUser | null {
    if (name === 'root') return this.root;
    const u = this.profile.users.find((x) => x.name === name);
    return u ? { name: u.name, uid: u.uid, home: u.home } : null;
  }

  // ---- processes -------------------------------------------------------------------------

  spawn(name: string, args: string[], user: SimUser, parent: Proc | null): Proc {
    const pid = this.nextPid++;
    const controller = new AbortController();
    const proc: Proc = {
      pid,
      pgid: parent?.pgid ?? pid,
      ppid: parent?.pid ?? 1,
      name,
      args,
      user,
      controller,
      startedAt: Date.now(),
    };
    if (parent) {
      // a child dies with its parent (the session's SIGHUP)
      const onAbort = () => {
        this.killSignals.set(proc, this.killSignals.get(parent) ?? 15);
        controller.abort();
      };
      if (parent.controller.signal.aborted) onAbort();
      else {
        parent.controller.signal.addEventListener('abort', onAbort, { once: true });
        this.detach.set(proc, () => parent.controller.signal.removeEventListener('abort', onAbort));
      }
    }
    this.procs.set(pid, proc);
    return proc;
  }

  exit(proc: Proc): void {
    this.procs.delete(proc.pid);
    this.detach.get(proc)?.();
    this.detach.delete(proc);
  }

  processes(): Proc[] {
    return [...this.procs.values()];
  }

  killSignal(proc: Proc): number {
    return this.killSignals.get(proc) ?? 15;
  }

  kill(target: number, signal: number, group: boolean): boolean {
    const victims = [...this.procs.values()].filter((p) =>
      group ? p.pgid === target : p.pid === target,
    );
    for (const p of victims) {
      if (signal === 0) continue;
      this.killSignals.set(p, signal);
      p.controller.abort();
      if (p === this.serverProc) this.procs.delete(p.pid);
    }
    return victims.length > 0;
  }

  /** Runs a command line as a login shell would (`sh -c`), streaming output. */
  run(command: string, o: RunOptions): RunningCommand {
    const shell = new Shell(this, o.user, { env: o.env, name: 'sh', args: ['-c', command] });
    const io: Io = {
      stdin: o.stdin ?? (() => Promise.resolve(Buffer.alloc(0))),
      stdout: (d) => o.onStdout(Buffer.isBuffer(d) ? d : Buffer.from(d)),
      stderr: (d) => o.onStderr(Buffer.isBuffer(d) ? d : Buffer.from(d)),
    };
    return { proc: shell.proc, done: shell.run(command, io) };
  }

  // ---- live state ------------------------------------------------------------------------

  private beginNpu(cores: number[]): () => void {
    this.updateHeat();
    for (const c of cores) this.npuBusy[c] = (this.npuBusy[c] ?? 0) + 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.updateHeat();
      for (const c of cores) this.npuBusy[c] = Math.max(0, (this.npuBusy[c] ?? 1) - 1);
    };
  }

  private activity(): number {
    const busy = this.npuBusy.filter((n) => n > 0).length;
    return this.npuBusy.length ? busy / this.npuBusy.length : 0;
  }

  /** Heat follows NPU activity with a ~20 s time constant. */
  private updateHeat(): void {
    const now = Date.now();
    const dt = (now - this.lastHeatAt) / 1000;
    this.lastHeatAt = now;
    const target = this.activity() > 0 ? 0.4 + 0.6 * this.activity() : 0;
    this.heat += (target - this.heat) * (1 - Math.exp(-dt / 20));
  }

  private advanceCpu(): void {
    const now = Date.now();
    const dt = (now - this.lastCpuAt) / 1000;
    this.lastCpuAt = now;
    const running = this.procs.size;
    const load = Math.min(0.95, 0.03 + (this.activity() > 0 ? 0.18 : 0) + running * 0.002);
    this.cpuJiffies.forEach((c, i) => {
      const l = Math.min(0.98, load * (i === 0 ? 1.4 : 1) + Math.random() * 0.02);
      c.busy += dt * USER_HZ * l;
      c.idle += dt * USER_HZ * (1 - l);
    });
  }

  disk(vpath: string): { fs: string; mount: string; totalKb: number; usedKb: number } {
    const d = this.profile.disk;
    let upperBytes = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else upperBytes += fs.statSync(p).size;
      }
    };
    walk(this.vfs.upper);
    void vpath;
    return {
      fs: d.fs,
      mount: '/',
      totalKb: d.totalMb * 1024,
      usedKb: Math.round(d.usedMb * 1024 + upperBytes / 1024),
    };
  }

  private installLiveFiles(): void {
    const v = this.vfs;
    v.setDynamic('/proc/stat', () => {
      this.advanceCpu();
      const lines: string[] = [];
      const sum = this.cpuJiffies.reduce(
        (a, c) => ({ busy: a.busy + c.busy, idle: a.idle + c.idle }),
        { busy: 0, idle: 0 },
      );
      const fmt = (name: string, c: { busy: number; idle: number }) =>
        `${name} ${Math.round(c.busy * 0.8)} 0 ${Math.round(c.busy * 0.2)} ${Math.round(c.idle)} 0 0 0 0 0 0`;
      lines.push(fmt('cpu ', sum));
      this.cpuJiffies.forEach((c, i) => lines.push(fmt(`cpu${i}`, c)));
      lines.push(
        `btime ${Math.floor(this.bootedAt / 1000)}`,
        `processes ${this.nextPid}`,
        `procs_running ${1 + this.activity()}`,
      );
      return `${lines.join('\n')}\n`;
    });
    v.setDynamic('/proc/meminfo', () => {
      const running = [...this.procs.values()].filter((p) => p.name === 'rknn_benchmark').length;
      const avail = Math.max(0, this.baseMemAvailableKb - running * 61_440);
      return (
        this.readLower('/proc/meminfo').replace(
          /^(MemAvailable:\s+)\d+/m,
          (_, k: string) => `${k}${avail}`,
        ) || `MemTotal: ${this.memTotalKb} kB\nMemAvailable: ${avail} kB\n`
      );
    });
    v.setDynamic('/proc/uptime', () => {
      const up = (Date.now() - this.bootedAt) / 1000;
      return `${up.toFixed(2)} ${(up * this.cpuCount * 0.95).toFixed(2)}\n`;
    });
    v.setDynamic('/proc/loadavg', () => {
      const l = (0.05 + this.activity() * 1.2).toFixed(2);
      return `${l} ${l} ${l} 1/${this.procs.size + 80} ${this.nextPid}\n`;
    });
    if (fs.existsSync(path.join(v.lower, 'sys/kernel/debug/rknpu/load'))) {
      v.setDynamic('/sys/kernel/debug/rknpu/load', () => this.npuLoadText());
    }
    // thermal zones: the profile's value is the idle temperature; load heats them up
    v.addResolver((p) => {
      const m = /^\/sys\/class\/thermal\/thermal_zone(\d+)\/temp$/.exec(p);
      if (!m) return undefined;
      const base = Number(this.readLower(p).trim());
      if (!Number.isFinite(base) || !this.readLower(p)) return undefined;
      return () => {
        this.updateHeat();
        const { idleC, loadC } = this.profile.thermal;
        const offset = base / 1000 - idleC;
        const c = idleC + offset + (loadC - idleC) * this.heat + (Math.random() - 0.5) * 0.4;
        return `${Math.round(c * 1000)}\n`;
      };
    });
    // /proc/<pid>/stat and cmdline of virtual processes
    v.addResolver((p) => {
      const m = /^\/proc\/(\d+)\/(stat|cmdline|comm)$/.exec(p);
      if (!m) return undefined;
      const proc = this.procs.get(Number(m[1]));
      if (!proc) return undefined;
      if (m[2] === 'comm') return () => `${proc.name}\n`;
      if (m[2] === 'cmdline') return () => Buffer.from(`${[proc.name, ...proc.args].join('\0')}\0`);
      return () =>
        `${proc.pid} (${proc.name}) S ${proc.ppid} ${proc.pgid} ${proc.pgid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 0\n`;
    });
  }

  npuLoadText(): string {
    const cores = this.npuBusy.map((n, i) => {
      let pct = n > 0 ? 88 + Math.floor(Math.random() * 11) : Math.floor(Math.random() * 2);
      if (this.profile.quirks.absurdNpuLoad && i === this.npuBusy.length - 1 && n > 0)
        pct = 184 + Math.floor(Math.random() * 50);
      return pct;
    });
    if (this.profile.npuCores <= 1) return `NPU load:  ${String(cores[0]).padStart(2)}%\n`;
    return `NPU load:  ${cores.map((p, i) => `Core${i}: ${String(p).padStart(2)}%`).join(', ')},\n`;
  }

  private rknnServer(): CommandFn {
    return async (ctx) => {
      ctx.io.stdout(`start rknn server, version:${this.profile.runtime.librknnrt ?? 'unknown'}\n`);
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      return 128 + this.killSignal(ctx.proc);
    };
  }

  /** True when a path exists on the board (for tests and the sftp server). */
  exists(vpath: string): boolean {
    return this.vfs.exists(normalize(vpath));
  }
}
