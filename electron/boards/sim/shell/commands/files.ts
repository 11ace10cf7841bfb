/**
 * File tools of the virtual board: ls mkdir rm rmdir mv cp chmod touch test/[ stat df du sync.
 */
import { normalize, VfsError, type VStat } from '../../vfs';
import type { CmdCtx, CommandFn } from '../run';

function flagsOf(args: string[]): { flags: string; rest: string[] } {
  let flags = '';
  const rest: string[] = [];
  let done = false;
  for (const a of args) {
    if (!done && a === '--') done = true;
    else if (!done && a.startsWith('-') && a.length > 1) flags += a.slice(1);
    else rest.push(a);
  }
  return { flags, rest };
}

function modeString(st: VStat): string {
  const bits = ['r', 'w', 'x'];
  let s = st.type === 'dir' ? 'd' : '-';
  for (let i = 8; i >= 0; i--) s += st.mode & (1 << i) ? bits[(8 - i) % 3] : '-';
  return s;
}

function longLine(ctx: CmdCtx, name: string, st: VStat): string {
  const date = new Date(st.mtimeMs || Date.now()).toISOString().slice(0, 16).replace('T', ' ');
  return `${modeString(st)}    1 ${ctx.user.name.padEnd(8)} ${ctx.user.name.padEnd(8)} ${String(st.size).padStart(9)} ${date} ${name}\n`;
}

const ls: CommandFn = async (ctx, args) => {
  const { flags, rest } = flagsOf(args);
  const long = flags.includes('l');
  const all = flags.includes('a');
  const dirOnly = flags.includes('d');
  const targets = rest.length ? rest : ['.'];
  let status = 0;
  const vfs = ctx.host.vfs;
  for (const t of targets) {
    const p = normalize(t, ctx.cwd);
    let st: VStat;
    try {
      st = vfs.stat(p, ctx.user);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`ls: ${t}: ${e.reason}\n`);
      status = e.code === 'ENOENT' ? 2 : 1;
      continue;
    }
    if (st.type === 'file' || dirOnly) {
      ctx.io.stdout(long ? longLine(ctx, t, st) : `${t}\n`);
      continue;
    }
    if (targets.length > 1) ctx.io.stdout(`${t}:\n`);
    try {
      for (const name of vfs.readdir(p, ctx.user)) {
        if (name.startsWith('.') && !all) continue;
        const child = p === '/' ? `/${name}` : `${p}/${name}`;
        ctx.io.stdout(long ? longLine(ctx, name, vfs.stat(child)) : `${name}\n`);
      }
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`ls: can't open '${t}': ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

function each(
  tool: string,
  fn: (ctx: CmdCtx, flags: string, path: string, arg: string) => void,
): CommandFn {
  return async (ctx, args) => {
    const { flags, rest } = flagsOf(args);
    if (!rest.length) {
      ctx.io.stderr(`${tool}: missing operand\n`);
      return 1;
    }
    let status = 0;
    for (const a of rest) {
      try {
        fn(ctx, flags, normalize(a, ctx.cwd), a);
      } catch (e) {
        if (!(e instanceof VfsError)) throw e;
        if (tool === 'rm' && flags.includes('f') && e.code === 'ENOENT') continue;
        ctx.io.stderr(
          `${tool}: ${tool === 'mkdir' ? `can't create directory '${a}'` : `can't remove '${a}'`}: ${e.reason}\n`,
        );
        status = 1;
      }
    }
    return status;
  };
}

const mkdir = each('mkdir', (ctx, flags, p) =>
  ctx.host.vfs.mkdir(p, ctx.user, flags.includes('p')),
);
const rm = each('rm', (ctx, flags, p) => {
  const st = ctx.host.vfs.stat(p, ctx.user);
  if (st.type === 'dir' && !/[rR]/.test(flags)) throw new VfsError('EISDIR', p);
  ctx.host.vfs.remove(p, ctx.user, true);
});
const rmdir = each('rmdir', (ctx, _f, p) => ctx.host.vfs.remove(p, ctx.user, false));
const touch = each('touch', (ctx, _f, p) => {
  if (!ctx.host.vfs.exists(p, ctx.user)) ctx.host.vfs.writeFile(p, '', ctx.user);
});

function twoArgs(tool: string, fn: (ctx: CmdCtx, from: string, to: string) => void): CommandFn {
  return async (ctx, args) => {
    const { rest } = flagsOf(args);
    if (rest.length < 2) {
      ctx.io.stderr(`${tool}: missing file operand\n`);
      return 1;
    }
    const dest = normalize(rest[rest.length - 1], ctx.cwd);
    const vfs = ctx.host.vfs;
    const destIsDir = vfs.exists(dest, ctx.user) && vfs.stat(dest).type === 'dir';
    let status = 0;
    for (const src of rest.slice(0, -1)) {
      const from = normalize(src, ctx.cwd);
      const to = destIsDir ? `${dest}/${from.split('/').pop()}` : dest;
      try {
        fn(ctx, from, to);
      } catch (e) {
        if (!(e instanceof VfsError)) throw e;
        ctx.io.stderr(`${tool}: can't stat '${src}': ${e.reason}\n`);
        status = 1;
      }
    }
    return status;
  };
}

const mv = twoArgs('mv', (ctx, a, b) => ctx.host.vfs.rename(a, b, ctx.user));
const cp = twoArgs('cp', (ctx, a, b) => {
  const vfs = ctx.host.vfs;
  vfs.writeFile(b, vfs.readFile(a, ctx.user), ctx.user, { mode: vfs.stat(a).mode });
});

const chmod: CommandFn = async (ctx, args) => {
  const { rest } = flagsOf(args.filter((a) => !/^[+-][rwx]+$/.test(a) || a === '--'));
  const modeArg = args.find((a) => /^[0-7]{3,4}$|^[ugoa]*[+-=][rwx]+$/.test(a)) ?? rest[0];
  const files = rest.filter((a) => a !== modeArg);
  let status = 0;
  for (const f of files) {
    const p = normalize(f, ctx.cwd);
    try {
      const cur = ctx.host.vfs.stat(p, ctx.user).mode;
      let mode = cur;
      if (/^[0-7]+$/.test(modeArg)) mode = parseInt(modeArg, 8);
      else {
        const m = /^([ugoa]*)([+-=])([rwx]+)$/.exec(modeArg);
        if (m) {
          const who = m[1] || 'a';
          let bits = 0;
          for (const c of m[3]) bits |= c === 'r' ? 4 : c === 'w' ? 2 : 1;
          let mask = 0;
          if (/[ua]/.test(who)) mask |= bits << 6;
          if (/[ga]/.test(who)) mask |= bits << 3;
          if (/[oa]/.test(who)) mask |= bits;
          mode = m[2] === '+' ? cur | mask : m[2] === '-' ? cur & ~mask : mask;
        }
      }
      ctx.host.vfs.chmod(p, mode, ctx.user);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`chmod: ${f}: ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

function testExpr(ctx: CmdCtx, args: string[]): boolean {
  const vfs = ctx.host.vfs;
  const file = (p: string): VStat | null => {
    try {
      return vfs.stat(normalize(p, ctx.cwd), ctx.user);
    } catch {
      return null;
    }
  };
  const primary = (a: string[]): boolean => {
    if (a[0] === '!') return !primary(a.slice(1));
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const st = file(a[1]);
      switch (a[0]) {
        case '-e':
          return st !== null;
        case '-f':
          return st?.type === 'file';
        case '-d':
          return st?.type === 'dir';
        case '-s':
          return (st?.size ?? 0) > 0;
        case '-r':
          return st !== null;
        case '-w':
          return st !== null && (ctx.user.uid === 0 || (st.mode & 0o200) !== 0);
        case '-x':
          return st !== null && (st.type === 'dir' || (st.mode & 0o111) !== 0);
        case '-z':
          return a[1] === '';
        case '-n':
          return a[1] !== '';
        case '-L':
        case '-h':
          return false;
      }
    }
    const [l, op, r] = a;
    const ln = Number(l);
    const rn = Number(r);
    switch (op) {
      case '=':
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '-eq':
        return ln === rn;
      case '-ne':
        return ln !== rn;
      case '-lt':
        return ln < rn;
      case '-le':
        return ln <= rn;
      case '-gt':
        return ln > rn;
      case '-ge':
        return ln >= rn;
    }
    return false;
  };
  const or = args.indexOf('-o');
  if (or > 0) return testExpr(ctx, args.slice(0, or)) || testExpr(ctx, args.slice(or + 1));
  const and = args.indexOf('-a');
  if (and > 0) return testExpr(ctx, args.slice(0, and)) && testExpr(ctx, args.slice(and + 1));
  return primary(args);
}

const test: CommandFn = async (ctx, args) => (testExpr(ctx, args) ? 0 : 1);
const bracket: CommandFn = async (ctx, args) => {
  if (args[args.length - 1] !== ']') {
    ctx.io.stderr('[: missing ]\n');
    return 2;
  }
  return testExpr(ctx, args.slice(0, -1)) ? 0 : 1;
};

const stat: CommandFn = async (ctx, args) => {
  const fmtIdx = args.findIndex((a) => a === '-c' || a.startsWith('--format'));
  const fmt = fmtIdx >= 0 ? args[fmtIdx + 1] : null;
  const files = args
    .filter((_, i) => fmtIdx < 0 || (i !== fmtIdx && i !== fmtIdx + 1))
    .filter((a) => !a.startsWith('-'));
  let status = 0;
  for (const f of files) {
    try {
      const st = ctx.host.vfs.stat(normalize(f, ctx.cwd), ctx.user);
      if (fmt) {
        ctx.io.stdout(
          `${fmt.replace(/%([snaF])/g, (_, c: string) =>
            c === 's'
              ? String(st.size)
              : c === 'n'
                ? f
                : c === 'a'
                  ? st.mode.toString(8)
                  : st.type === 'dir'
                    ? 'directory'
                    : 'regular file',
          )}\n`,
        );
      } else ctx.io.stdout(`  File: ${f}\n  Size: ${st.size}\n`);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`stat: can't stat '${f}': ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

const df: CommandFn = async (ctx, args) => {
  const { rest } = flagsOf(args);
  const paths = rest.length ? rest : ['/'];
  ctx.io.stdout('Filesystem           1024-blocks    Used Available Capacity Mounted on\n');
  let status = 0;
  for (const p of paths) {
    const abs = normalize(p, ctx.cwd);
    if (!ctx.host.vfs.exists(abs, ctx.user)) {
      ctx.io.stderr(`df: ${p}: No such file or directory\n`);
      status = 1;
      continue;
    }
    const d = ctx.host.board.disk(abs);
    const avail = Math.max(0, d.totalKb - d.usedKb);
    const cap = Math.ceil((d.usedKb / d.totalKb) * 100);
    ctx.io.stdout(
      `${d.fs.padEnd(20)} ${String(d.totalKb).padStart(11)} ${String(d.usedKb).padStart(7)} ${String(avail).padStart(9)} ${`${cap}%`.padStart(8)} ${d.mount}\n`,
    );
  }
  return status;
};

export const fileCommands: Record<string, CommandFn> = {
  ls,
  mkdir,
  rm,
  rmdir,
  touch,
  mv,
  cp,
  chmod,
  test,
  '[': bracket,
  stat,
  df,
  sync: async () => 0,
};
