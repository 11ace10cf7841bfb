/**
 * System tools of the virtual board: sh uname id whoami hostname nproc free pidof ps kill
 * sleep date uptime env printenv busybox dmesg.
 */
import { Shell, KilledSignal, type CommandFn } from '../run';
import { SIGNALS } from '../../../exec-wrap';

const SIGNAL_NAMES = Object.fromEntries(Object.entries(SIGNALS).map(([k, v]) => [v, k]));

const sh: CommandFn = async (ctx, args) => {
  const child = new Shell(ctx.host, ctx.user, {
    parent: ctx.shell,
    newProgram: true,
    name: 'sh',
    args,
  });
  for (const [k, v] of Object.entries(ctx.env)) {
    child.vars.set(k, v);
    child.exported.add(k);
  }
  const c = args.indexOf('-c');
  if (c >= 0) {
    child.positional = args.slice(c + 2);
    return child.run(args[c + 1] ?? '', ctx.io);
  }
  const script = args.find((a) => !a.startsWith('-'));
  if (script) {
    child.positional = args.slice(args.indexOf(script) + 1);
    return child.run(
      ctx.host.vfs
        .readFile(script.startsWith('/') ? script : `${ctx.cwd}/${script}`, ctx.user)
        .toString('utf8'),
      ctx.io,
    );
  }
  return child.run((await ctx.io.stdin()).toString('utf8'), ctx.io);
};

const uname: CommandFn = async (ctx, args) => {
  const u = ctx.host.board.uname;
  const flags = args.join('').replace(/-/g, '') || 's';
  const all = flags.includes('a');
  const parts: string[] = [];
  if (all || flags.includes('s')) parts.push(u.sysname);
  if (all || flags.includes('n')) parts.push(ctx.host.board.hostname());
  if (all || flags.includes('r')) parts.push(u.release);
  if (all || flags.includes('v')) parts.push(u.version);
  if (all || flags.includes('m')) parts.push(u.machine);
  if (all || flags.includes('o')) parts.push('GNU/Linux');
  ctx.io.stdout(`${parts.join(' ')}\n`);
  return 0;
};

const id: CommandFn = async (ctx, args) => {
  const { uid, name } = ctx.user;
  if (args.some((a) => /^-[a-z]*u/.test(a)))
    ctx.io.stdout(`${args.some((a) => a.includes('n')) ? name : uid}\n`);
  else if (args.some((a) => /^-[a-z]*g/.test(a)))
    ctx.io.stdout(`${args.some((a) => a.includes('n')) ? name : uid}\n`);
  else ctx.io.stdout(`uid=${uid}(${name}) gid=${uid}(${name}) groups=${uid}(${name})\n`);
  return 0;
};

const sleep: CommandFn = async (ctx, args) => {
  const seconds = args.reduce(
    (sum, a) => sum + (parseFloat(a) || 0) * ({ m: 60, h: 3600 }[a.slice(-1)] ?? 1),
    0,
  );
  await new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  if (ctx.signal.aborted) throw new KilledSignal(128 + ctx.host.killSignal(ctx.proc));
  return 0;
};

const kill: CommandFn = async (ctx, args) => {
  let signal = 15;
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-l') {
      ctx.io.stdout(`${Object.keys(SIGNALS).join(' ')}\n`);
      return 0;
    }
    if (a === '-s') signal = SIGNALS[(args[++i] ?? '').replace(/^SIG/, '')] ?? 15;
    else if (a === '--') targets.push(...args.slice(i + 1));
    else if (/^-[A-Z]+$/.test(a) || /^-SIG/.test(a))
      signal = SIGNALS[a.slice(1).replace(/^SIG/, '')] ?? 15;
    else if (
      /^-\d+$/.test(a) &&
      !targets.length &&
      i === 0 &&
      args.length > 1 &&
      Number(a.slice(1)) < 65
    )
      signal = Number(a.slice(1));
    else targets.push(a);
  }
  let status = 0;
  for (const t of targets) {
    const group = t.startsWith('-');
    const n = Number(group ? t.slice(1) : t);
    if (!Number.isInteger(n) || !ctx.host.board.kill(n, signal, group)) {
      ctx.io.stderr(`sh: kill: can't kill pid ${t}: No such process\n`);
      status = 1;
    }
  }
  return status;
};

const pidof: CommandFn = async (ctx, args) => {
  const pids = ctx.host.board
    .processes()
    .filter((p) => args.includes(p.name))
    .map((p) => p.pid)
    .sort((a, b) => b - a);
  if (!pids.length) return 1;
  ctx.io.stdout(`${pids.join(' ')}\n`);
  return 0;
};

const ps: CommandFn = async (ctx) => {
  ctx.io.stdout('  PID USER       TIME  COMMAND\n');
  for (const p of ctx.host.board.processes().sort((a, b) => a.pid - b.pid)) {
    const secs = Math.floor((Date.now() - p.startedAt) / 1000);
    const time = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
    ctx.io.stdout(
      `${String(p.pid).padStart(5)} ${p.user.name.padEnd(8)} ${time.padStart(6)} ${[p.name, ...p.args].join(' ')}\n`,
    );
  }
  return 0;
};

function memInfo(ctx: Parameters<CommandFn>[0]): Record<string, number> {
  const text = ctx.host.vfs.readFile('/proc/meminfo', ctx.user).toString();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(\w+):\s+(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

const free: CommandFn = async (ctx, args) => {
  const m = memInfo(ctx);
  const div = args.includes('-m') ? 1024 : args.includes('-g') ? 1024 * 1024 : 1;
  const f = (kb: number | undefined) => String(Math.round((kb ?? 0) / div)).padStart(12);
  const total = m.MemTotal ?? 0;
  const avail = m.MemAvailable ?? m.MemFree ?? 0;
  ctx.io.stdout(
    '              total        used        free      shared  buff/cache   available\n',
  );
  ctx.io.stdout(
    `Mem:    ${f(total)}${f(total - avail)}${f(m.MemFree)}${f(m.Shmem)}${f((m.Buffers ?? 0) + (m.Cached ?? 0))}${f(avail)}\n`,
  );
  ctx.io.stdout(
    `Swap:   ${f(m.SwapTotal)}${f((m.SwapTotal ?? 0) - (m.SwapFree ?? 0))}${f(m.SwapFree)}\n`,
  );
  return 0;
};

const date: CommandFn = async (ctx, args) => {
  const now = new Date();
  const fmt = args.find((a) => a.startsWith('+'));
  if (fmt) {
    const pad = (n: number) => String(n).padStart(2, '0');
    ctx.io.stdout(
      `${fmt.slice(1).replace(
        /%([sYmdHMSN%])/g,
        (_, c: string) =>
          ({
            s: String(Math.floor(now.getTime() / 1000)),
            Y: String(now.getUTCFullYear()),
            m: pad(now.getUTCMonth() + 1),
            d: pad(now.getUTCDate()),
            H: pad(now.getUTCHours()),
            M: pad(now.getUTCMinutes()),
            S: pad(now.getUTCSeconds()),
            N: String(now.getUTCMilliseconds() * 1_000_000).padStart(9, '0'),
            '%': '%',
          })[c] ?? '',
      )}\n`,
    );
  } else ctx.io.stdout(`${now.toUTCString().replace('GMT', 'UTC')}\n`);
  return 0;
};

const uptime: CommandFn = async (ctx) => {
  const secs = Math.floor((Date.now() - ctx.host.board.bootedAt) / 1000);
  const load = ctx.host.vfs
    .readFile('/proc/loadavg', ctx.user)
    .toString()
    .split(' ')
    .slice(0, 3)
    .join(', ');
  ctx.io.stdout(
    ` ${new Date().toISOString().slice(11, 19)} up ${Math.floor(secs / 60)} min,  load average: ${load}\n`,
  );
  return 0;
};

const env: CommandFn = async (ctx) => {
  for (const [k, v] of Object.entries(ctx.env)) ctx.io.stdout(`${k}=${v}\n`);
  return 0;
};

const printenv: CommandFn = async (ctx, args) => {
  if (!args.length) return env(ctx, args);
  let status = 0;
  for (const a of args) {
    if (ctx.env[a] !== undefined) ctx.io.stdout(`${ctx.env[a]}\n`);
    else status = 1;
  }
  return status;
};

const dmesg: CommandFn = async (ctx) => {
  if (ctx.user.uid !== 0) {
    ctx.io.stderr('dmesg: klogctl: Operation not permitted\n');
    return 1;
  }
  ctx.io.stdout(
    `[    0.000000] Booting Linux on physical CPU 0x0\n[    0.000000] Linux version ${ctx.host.board.uname.release} (virtual board)\n`,
  );
  return 0;
};

export const systemCommands: Record<string, CommandFn> = {
  sh,
  ash: sh,
  bash: sh,
  uname,
  id,
  whoami: (ctx) => {
    ctx.io.stdout(`${ctx.user.name}\n`);
    return Promise.resolve(0);
  },
  hostname: (ctx) => {
    ctx.io.stdout(`${ctx.host.board.hostname()}\n`);
    return Promise.resolve(0);
  },
  nproc: (ctx) => {
    ctx.io.stdout(`${ctx.host.board.cpuCount}\n`);
    return Promise.resolve(0);
  },
  sleep,
  kill,
  pidof,
  ps,
  free,
  date,
  uptime,
  env,
  printenv,
  dmesg,
  busybox: async (ctx, args) => {
    if (!args.length) {
      ctx.io.stdout('BusyBox v1.36.1 (virtual board) multi-call binary.\n');
      return 0;
    }
    return ctx.shell.runProgram(args[0], args.slice(1), ctx.io, ctx.env);
  },
};

export { SIGNAL_NAMES };
