/**
 * Text tools of the virtual board, busybox-flavoured: echo printf cat tr grep head tail cut
 * wc sort uniq tee seq basename dirname sha256sum md5sum.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { normalize, VfsError } from '../../vfs';
import type { CmdCtx, CommandFn } from '../run';

/** Reads the named files (or stdin for none or "-"), reporting missing ones busybox-style. */
export async function readInputs(
  ctx: CmdCtx,
  tool: string,
  files: string[],
): Promise<{ data: Buffer[]; status: number; names: string[] }> {
  const data: Buffer[] = [];
  const names: string[] = [];
  let status = 0;
  if (!files.length) files = ['-'];
  for (const f of files) {
    if (f === '-') {
      data.push(await ctx.io.stdin());
      names.push('-');
      continue;
    }
    try {
      data.push(ctx.host.vfs.readFile(normalize(f, ctx.cwd), ctx.user));
      names.push(f);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`${tool}: ${f}: ${e.reason}\n`);
      status = 1;
    }
  }
  return { data, status, names };
}

export function unescape(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (_, e: string) => {
    if (/^0?[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    return (
      (
        {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          a: '\x07',
          b: '\b',
          f: '\f',
          v: '\v',
          e: '\x1b',
        } as Record<string, string>
      )[e] ?? `\\${e}`
    );
  });
}

const echo: CommandFn = async (ctx, args) => {
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    const flags = args.shift() as string;
    if (flags.includes('n')) newline = false;
    if (flags.includes('e')) escapes = true;
    if (flags.includes('E')) escapes = false;
  }
  let text = args.join(' ');
  if (escapes) {
    const cut = text.indexOf('\\c');
    if (cut >= 0) {
      text = text.slice(0, cut);
      newline = false;
    }
    text = unescape(text);
  }
  ctx.io.stdout(Buffer.from(text + (newline ? '\n' : ''), 'latin1'));
  return 0;
};

export function formatPrintf(format: string, args: string[]): string {
  let out = '';
  let ai = 0;
  do {
    let consumed = false;
    out += unescape(format).replace(
      /%([-+ #0]*)(\d+|\*)?(?:\.(\d+))?([sdiouxXcfgeEb%])/g,
      (m, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
        if (conv === '%') return '%';
        const arg = args[ai++] ?? '';
        consumed = true;
        let s: string;
        const num = Number(arg.startsWith("'") ? arg.charCodeAt(1) : arg || 0);
        switch (conv) {
          case 's':
          case 'b':
            s = prec !== undefined ? arg.slice(0, Number(prec)) : arg;
            if (conv === 'b') s = unescape(s);
            break;
          case 'd':
          case 'i':
            s = String(Math.trunc(num));
            break;
          case 'u':
            s = String(Math.abs(Math.trunc(num)));
            break;
          case 'o':
            s = Math.trunc(num).toString(8);
            break;
          case 'x':
            s = Math.trunc(num).toString(16);
            break;
          case 'X':
            s = Math.trunc(num).toString(16).toUpperCase();
            break;
          case 'c':
            s = arg.charAt(0);
            break;
          case 'e':
          case 'E':
            s = num.toExponential(prec !== undefined ? Number(prec) : 6);
            break;
          case 'g':
            s = String(Number(num.toPrecision(prec !== undefined ? Number(prec) || 1 : 6)));
            break;
          default:
            s = num.toFixed(prec !== undefined ? Number(prec) : 6);
        }
        const w = Number(width ?? 0);
        if (s.length < w)
          s = flags.includes('-')
            ? s.padEnd(w)
            : flags.includes('0') && conv !== 's'
              ? s.padStart(w, '0')
              : s.padStart(w);
        return s;
      },
    );
    if (!consumed) break;
  } while (ai < args.length);
  return out;
}

const printf: CommandFn = async (ctx, args) => {
  if (!args.length) {
    ctx.io.stderr('printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 2;
  }
  ctx.io.stdout(Buffer.from(formatPrintf(args[0], args.slice(1)), 'latin1'));
  return 0;
};

const cat: CommandFn = async (ctx, args) => {
  const files = args.filter((a) => a === '-' || !a.startsWith('-'));
  if (!files.length) files.push('-');
  let status = 0;
  for (const f of files) {
    if (f === '-') {
      ctx.io.stdout(await ctx.io.stdin());
      continue;
    }
    const p = normalize(f, ctx.cwd);
    try {
      const st = ctx.host.vfs.stat(p, ctx.user);
      if (st.type === 'dir') throw new VfsError('EISDIR', p);
      const real = ctx.host.vfs.realPathForRead(p, ctx.user);
      if (real && st.size > 1 << 20) {
        // stream big files (pushed models) in chunks, like a real cat
        const fd = fs.openSync(real, 'r');
        try {
          const buf = Buffer.alloc(1 << 16);
          let n: number;
          while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
            if (ctx.signal.aborted) break;
            ctx.io.stdout(Buffer.from(buf.subarray(0, n)));
          }
        } finally {
          fs.closeSync(fd);
        }
      } else ctx.io.stdout(ctx.host.vfs.readFile(p, ctx.user));
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.io.stderr(`cat: can't open '${f}': ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\v\\f',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** Expands a tr set (ranges, escapes, [:class:]) into the list of its bytes. */
function trSet(spec: string): number[] {
  const s = unescape(spec).replace(/\[:(\w+):\]/g, (_, c: string) => {
    const cls = CLASSES[c];
    if (!cls) return '';
    return cls
      .replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\(.)/g, (_m, ch: string) => unescape(`\\${ch}`));
  });
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i + 1] === '-' && i + 2 < s.length) {
      for (let c = s.charCodeAt(i); c <= s.charCodeAt(i + 2); c++) out.push(c);
      i += 2;
    } else out.push(s.charCodeAt(i) & 0xff);
  }
  return out;
}

const tr: CommandFn = async (ctx, args) => {
  let complement = false;
  let del = false;
  let squeeze = false;
  while (args[0]?.startsWith('-') && args[0].length > 1) {
    const f = args.shift() as string;
    complement ||= /c|C/.test(f);
    del ||= f.includes('d');
    squeeze ||= f.includes('s');
  }
  if (!args.length) {
    ctx.io.stderr('tr: missing operand\n');
    return 1;
  }
  const set1 = new Set(trSet(args[0]));
  const set2 = args[1] !== undefined ? trSet(args[1]) : [];
  const inSet1 = (b: number) => set1.has(b) !== complement;
  const list1 = trSet(args[0]);
  const input = await ctx.io.stdin();
  const out = Buffer.alloc(input.length);
  let n = 0;
  let last = -1;
  for (const b of input) {
    let o = b;
    if (inSet1(b)) {
      if (del) continue;
      if (set2.length) {
        const idx = complement ? set2.length - 1 : list1.indexOf(b);
        o = set2[Math.min(idx, set2.length - 1)];
      }
      if (squeeze && o === last) continue;
    }
    out[n++] = o;
    last = o;
  }
  ctx.io.stdout(out.subarray(0, n));
  return 0;
};

/** POSIX basic/extended regular expressions to JavaScript. */
export function posixRegex(
  pattern: string,
  extended: boolean,
  fixed: boolean,
  ignoreCase: boolean,
): RegExp {
  const flags = ignoreCase ? 'i' : '';
  if (fixed) return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), flags);
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') {
      const end = pattern.indexOf(
        ']',
        pattern[i + 1] === ']'
          ? i + 2
          : pattern[i + 1] === '^' && pattern[i + 2] === ']'
            ? i + 3
            : i + 1,
      );
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = pattern.slice(i + 1, end);
      // a class like [[:print:]] ends after ":]]"
      let close = end;
      while (/\[:\w*$/.test(cls)) {
        const next = pattern.indexOf(']', close + 1);
        if (next < 0) break;
        cls = pattern.slice(i + 1, next);
        close = next;
      }
      re += `[${cls.replace(/\[:(\w+):\]/g, (_, n: string) => CLASSES[n] ?? '').replace(/\\/g, '\\\\')}]`;
      i = close;
      continue;
    }
    if (c === '\\') {
      const n = pattern[++i];
      if (n === undefined) re += '\\\\';
      else if (!extended && '(){}|+?'.includes(n)) re += n;
      else if ('wWsSbB<>'.includes(n)) re += n === '<' || n === '>' ? '\\b' : `\\${n}`;
      else re += `\\${n}`;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) {
      re += `\\${c}`;
      continue;
    }
    if (c === '/') {
      re += '\\/';
      continue;
    }
    re += c;
  }
  return new RegExp(re, flags);
}

const grep: CommandFn = async (ctx, args) => {
  const o = {
    H: false,
    h: false,
    s: false,
    o: false,
    E: false,
    F: false,
    i: false,
    v: false,
    c: false,
    q: false,
    n: false,
    l: false,
    m: Infinity,
  };
  const patterns: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (f === 'e') {
          patterns.push(a.slice(j + 1) || args[++i]);
          break;
        }
        if (f === 'm') {
          o.m = Number(a.slice(j + 1) || args[++i]);
          break;
        }
        if (f in o) (o as Record<string, unknown>)[f] = true;
        else if (f === 'a' || f === 'r') continue;
        else {
          ctx.io.stderr(`grep: invalid option -- '${f}'\n`);
          return 2;
        }
      }
      continue;
    }
    if (!patterns.length) patterns.push(a);
    else files.push(a);
  }
  if (!patterns.length) {
    ctx.io.stderr('Usage: grep [-HhnlLoqvsriwFE] PATTERN [FILE]...\n');
    return 2;
  }
  const res = patterns.map((p) => posixRegex(p, o.E, o.F, o.i));
  const showName = (o.H || files.length > 1) && !o.h;
  let matchedAny = false;
  let status = 0;
  for (const f of files.length ? files : ['-']) {
    let data: Buffer;
    if (f === '-') data = await ctx.io.stdin();
    else {
      try {
        data = ctx.host.vfs.readFile(normalize(f, ctx.cwd), ctx.user);
      } catch (e) {
        if (!(e instanceof VfsError)) throw e;
        if (!o.s) ctx.io.stderr(`grep: ${f}: ${e.reason}\n`);
        status = 2;
        continue;
      }
    }
    const text = data.toString('latin1');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let count = 0;
    const prefix = showName ? `${f === '-' ? '(standard input)' : f}:` : '';
    for (let li = 0; li < lines.length && count < o.m; li++) {
      const line = lines[li];
      const hit = res.some((r) => r.test(line));
      if (hit === o.v) continue;
      count++;
      matchedAny = true;
      if (o.q) return 0;
      if (o.c || o.l) continue;
      const num = o.n ? `${li + 1}:` : '';
      if (o.o && !o.v) {
        for (const r of res) {
          for (const m of line.matchAll(new RegExp(r.source, `${r.flags}g`))) {
            if (m[0]) ctx.io.stdout(Buffer.from(`${prefix}${num}${m[0]}\n`, 'latin1'));
          }
        }
      } else ctx.io.stdout(Buffer.from(`${prefix}${num}${line}\n`, 'latin1'));
    }
    if (o.c) ctx.io.stdout(`${prefix}${count}\n`);
    if (o.l && count) ctx.io.stdout(`${f}\n`);
  }
  if (status === 2 && !matchedAny) return 2;
  return matchedAny ? 0 : 1;
};

function lineCount(
  args: string[],
  def: number,
): { n: number; files: string[]; bytes: boolean; from: boolean } {
  let n = def;
  let bytes = false;
  let from = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-n' || a === '-c') {
      bytes = a === '-c';
      const v = args[++i] ?? '';
      from = v.startsWith('+');
      n = Math.abs(Number(v));
    } else if (/^-[nc]\+?\d+$/.test(a)) {
      bytes = a[1] === 'c';
      from = a[2] === '+';
      n = Number(a.slice(from ? 3 : 2));
    } else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  return { n, files, bytes, from };
}

const head: CommandFn = async (ctx, args) => {
  const { n, files, bytes } = lineCount(args, 10);
  const { data, status } = await readInputs(ctx, 'head', files);
  for (const d of data) {
    if (bytes) ctx.io.stdout(d.subarray(0, n));
    else {
      const lines = d.toString('latin1').split('\n');
      const keep = lines.slice(0, n);
      const endsWithNl = lines.length > n;
      ctx.io.stdout(Buffer.from(keep.join('\n') + (endsWithNl ? '\n' : ''), 'latin1'));
    }
  }
  return status;
};

const tail: CommandFn = async (ctx, args) => {
  const { n, files, bytes, from } = lineCount(args, 10);
  const { data, status } = await readInputs(ctx, 'tail', files);
  for (const d of data) {
    if (bytes) ctx.io.stdout(from ? d.subarray(n - 1) : d.subarray(Math.max(0, d.length - n)));
    else {
      const lines = d.toString('latin1').replace(/\n$/, '').split('\n');
      const keep = from ? lines.slice(n - 1) : lines.slice(-n);
      ctx.io.stdout(Buffer.from(`${keep.join('\n')}\n`, 'latin1'));
    }
  }
  return status;
};

function parseList(spec: string): (i: number) => boolean {
  const ranges = spec.split(',').map((r) => {
    const [a, b] = r.split('-');
    const lo = a === '' ? 1 : Number(a);
    const hi = b === undefined ? lo : b === '' ? Infinity : Number(b);
    return [lo, hi] as const;
  });
  return (i) => ranges.some(([lo, hi]) => i >= lo && i <= hi);
}

const cut: CommandFn = async (ctx, args) => {
  let delim = '\t';
  let fields: ((i: number) => boolean) | null = null;
  let chars: ((i: number) => boolean) | null = null;
  let onlyDelimited = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-d')) delim = a.length > 2 ? a.slice(2) : args[++i];
    else if (a.startsWith('-f')) fields = parseList(a.length > 2 ? a.slice(2) : args[++i]);
    else if (a.startsWith('-c') || a.startsWith('-b'))
      chars = parseList(a.length > 2 ? a.slice(2) : args[++i]);
    else if (a === '-s') onlyDelimited = true;
    else files.push(a);
  }
  if (!fields && !chars) {
    ctx.io.stderr('cut: you must specify a list of bytes, characters, or fields\n');
    return 1;
  }
  const { data, status } = await readInputs(ctx, 'cut', files);
  for (const d of data) {
    const lines = d.toString('latin1').replace(/\n$/, '').split('\n');
    for (const line of lines) {
      if (chars) {
        ctx.io.stdout(
          Buffer.from(`${[...line].filter((_, i) => chars(i + 1)).join('')}\n`, 'latin1'),
        );
        continue;
      }
      if (!line.includes(delim)) {
        if (!onlyDelimited) ctx.io.stdout(Buffer.from(`${line}\n`, 'latin1'));
        continue;
      }
      const parts = line.split(delim).filter((_, i) => (fields as (i: number) => boolean)(i + 1));
      ctx.io.stdout(Buffer.from(`${parts.join(delim)}\n`, 'latin1'));
    }
  }
  return status;
};

const wc: CommandFn = async (ctx, args) => {
  const flags = args.filter((a) => /^-[lwc]+$/.test(a)).join('');
  const files = args.filter((a) => !/^-[lwc]+$/.test(a));
  const { data, status, names } = await readInputs(ctx, 'wc', files);
  data.forEach((d, i) => {
    const text = d.toString('latin1');
    const counts: number[] = [];
    const all = !flags;
    if (all || flags.includes('l')) counts.push((text.match(/\n/g) ?? []).length);
    if (all || flags.includes('w')) counts.push(text.split(/\s+/).filter(Boolean).length);
    if (all || flags.includes('c')) counts.push(d.length);
    const name = names[i] === '-' ? '' : ` ${names[i]}`;
    ctx.io.stdout(
      `${counts.map((c) => (counts.length > 1 ? String(c).padStart(7) : String(c))).join(' ')}${name}\n`,
    );
  });
  return status;
};

const sort: CommandFn = async (ctx, args) => {
  const numeric = args.some((a) => /^-[a-z]*n/.test(a));
  const reverse = args.some((a) => /^-[a-z]*r/.test(a));
  const unique = args.some((a) => /^-[a-z]*u/.test(a));
  const files = args.filter((a) => !a.startsWith('-'));
  const { data, status } = await readInputs(ctx, 'sort', files);
  let lines = Buffer.concat(data)
    .toString('latin1')
    .replace(/\n$/, '')
    .split('\n')
    .filter((l, i, a) => l !== '' || i < a.length - 1);
  lines.sort(
    numeric ? (a, b) => parseFloat(a) - parseFloat(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  if (reverse) lines.reverse();
  if (unique) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
  if (lines.length) ctx.io.stdout(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
  return status;
};

const uniq: CommandFn = async (ctx, args) => {
  const { data, status } = await readInputs(
    ctx,
    'uniq',
    args.filter((a) => !a.startsWith('-')),
  );
  const lines = Buffer.concat(data).toString('latin1').replace(/\n$/, '').split('\n');
  const out = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
  ctx.io.stdout(Buffer.from(`${out.join('\n')}\n`, 'latin1'));
  return status;
};

const tee: CommandFn = async (ctx, args) => {
  const append = args.includes('-a');
  const input = await ctx.io.stdin();
  for (const f of args.filter((a) => !a.startsWith('-'))) {
    ctx.host.vfs.writeFile(normalize(f, ctx.cwd), input, ctx.user, { append });
  }
  ctx.io.stdout(input);
  return 0;
};

const seq: CommandFn = async (ctx, args) => {
  const nums = args.map(Number);
  const [first, step, last] =
    nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : nums;
  const out: string[] = [];
  for (let i = first; step > 0 ? i <= last : i >= last; i += step) out.push(String(i));
  if (out.length) ctx.io.stdout(`${out.join('\n')}\n`);
  return 0;
};

const basename: CommandFn = async (ctx, args) => {
  let b = (args[0] ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  if (args[1] && b.endsWith(args[1])) b = b.slice(0, -args[1].length);
  ctx.io.stdout(`${b}\n`);
  return 0;
};

const dirname: CommandFn = async (ctx, args) => {
  const p = (args[0] ?? '.').replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  ctx.io.stdout(`${i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i)}\n`);
  return 0;
};

function hashTool(algo: 'sha256' | 'md5'): CommandFn {
  return async (ctx, args) => {
    const files = args.filter((a) => !a.startsWith('-') || a === '-');
    let status = 0;
    for (const f of files.length ? files : ['-']) {
      const hash = crypto.createHash(algo);
      if (f === '-') hash.update(await ctx.io.stdin());
      else {
        try {
          const p = normalize(f, ctx.cwd);
          const real = ctx.host.vfs.realPathForRead(p, ctx.user);
          if (real && ctx.host.vfs.stat(p).type === 'file') hash.update(fs.readFileSync(real));
          else hash.update(ctx.host.vfs.readFile(p, ctx.user));
        } catch (e) {
          if (!(e instanceof VfsError)) throw e;
          ctx.io.stderr(`${algo}sum: can't open '${f}': ${e.reason}\n`);
          status = 1;
          continue;
        }
      }
      ctx.io.stdout(`${hash.digest('hex')}  ${f}\n`);
    }
    return status;
  };
}

export const textCommands: Record<string, CommandFn> = {
  echo,
  printf,
  cat,
  tr,
  grep,
  egrep: (ctx, args) => grep(ctx, ['-E', ...args]),
  fgrep: (ctx, args) => grep(ctx, ['-F', ...args]),
  head,
  tail,
  cut,
  wc,
  sort,
  uniq,
  tee,
  seq,
  basename,
  dirname,
  sha256sum: hashTool('sha256'),
  md5sum: hashTool('md5'),
};
