/**
 * Word expansion: tilde, parameters ($x ${x} ${x:-y} ${x:=y} ${#x} $? $$ $# $@ $1…),
 * command substitution, quote removal, field splitting of unquoted expansions and pathname
 * expansion (globs) against the virtual filesystem.
 */
import { ShellSyntaxError } from './parse';

/** A piece of an expanded word: whether it came from a quoted context matters for splitting and globbing. */
interface Seg {
  text: string;
  quoted: boolean;
  /** Came from an expansion (subject to field splitting when unquoted). */
  expanded: boolean;
}

export interface ExpandContext {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  special(name: string): string | undefined;
  positional(): string[];
  home(): string;
  substitute(command: string): Promise<string>;
  glob(pattern: string): string[];
}

async function parameter(ctx: ExpandContext, expr: string): Promise<string> {
  if (expr.startsWith('#') && expr.length > 1)
    return String((await parameter(ctx, expr.slice(1))).length);
  const m = /^([A-Za-z_]\w*|\d+|[?$#@*!-])(?:(:?[-=+?])([\s\S]*))?$/.exec(expr);
  if (!m) throw new ShellSyntaxError(`\${${expr}}: bad substitution`);
  const [, name, op, word] = m;
  const value = lookup(ctx, name);
  if (!op) return value ?? '';
  const unsetOrNull = op.startsWith(':')
    ? value === undefined || value === ''
    : value === undefined;
  const alt = async () => expandToString(ctx, word ?? '');
  switch (op.replace(':', '')) {
    case '-':
      return unsetOrNull ? alt() : (value as string);
    case '=': {
      if (!unsetOrNull) return value as string;
      const v = await alt();
      ctx.setVar(name, v);
      return v;
    }
    case '+':
      return unsetOrNull ? '' : alt();
    default:
      if (unsetOrNull)
        throw new ShellSyntaxError(`${name}: ${(await alt()) || 'parameter not set'}`);
      return value as string;
  }
}

function lookup(ctx: ExpandContext, name: string): string | undefined {
  if (/^\d+$/.test(name)) return name === '0' ? 'sh' : ctx.positional()[Number(name) - 1];
  if (/^[?$#@*!-]$/.test(name)) {
    if (name === '#') return String(ctx.positional().length);
    if (name === '@' || name === '*') return ctx.positional().join(' ');
    return ctx.special(name);
  }
  return ctx.getVar(name);
}

/** Expands the parts of a word into segments (no splitting yet). */
async function segments(ctx: ExpandContext, word: string, inDouble = false): Promise<Seg[]> {
  const out: Seg[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ text: lit, quoted: inDouble, expanded: false });
    lit = '';
  };
  let i = 0;
  if (!inDouble && word.startsWith('~') && (word.length === 1 || word[1] === '/')) {
    out.push({ text: ctx.home(), quoted: true, expanded: false });
    i = 1;
  }
  while (i < word.length) {
    const c = word[i];
    if (c === '\\') {
      const n = word[i + 1];
      if (n === undefined) {
        lit += '\\';
        i++;
        continue;
      }
      if (inDouble && !'$`"\\\n'.includes(n)) lit += '\\';
      flush();
      if (n !== '\n') out.push({ text: n, quoted: true, expanded: false });
      i += 2;
      continue;
    }
    if (c === "'" && !inDouble) {
      flush();
      const end = word.indexOf("'", i + 1);
      out.push({ text: word.slice(i + 1, end), quoted: true, expanded: false });
      i = end + 1;
      continue;
    }
    if (c === '"' && !inDouble) {
      flush();
      let j = i + 1;
      let depth = 0;
      for (; j < word.length; j++) {
        if (word[j] === '\\') j++;
        else if (word[j] === '$' && word[j + 1] === '(') depth++;
        else if (word[j] === ')' && depth > 0) depth--;
        else if (word[j] === '"' && depth === 0) break;
      }
      const inner = await segments(ctx, word.slice(i + 1, j), true);
      out.push(...inner, { text: '', quoted: true, expanded: false });
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const n = word[i + 1];
      if (n === '(' && word[i + 2] === '(') {
        const end = word.indexOf('))', i + 3);
        if (end < 0) throw new ShellSyntaxError('missing ))');
        flush();
        const expr = await expandToString(ctx, word.slice(i + 3, end));
        out.push({ text: String(arithmetic(expr, ctx)), quoted: inDouble, expanded: true });
        i = end + 2;
        continue;
      }
      if (n === '(') {
        const end = matchParen(word, i + 2);
        flush();
        const text = (await ctx.substitute(word.slice(i + 2, end))).replace(/\n+$/, '');
        out.push({ text, quoted: inDouble, expanded: true });
        i = end + 1;
        continue;
      }
      if (n === '{') {
        const end = word.indexOf('}', i + 2);
        flush();
        out.push({
          text: await parameter(ctx, word.slice(i + 2, end)),
          quoted: inDouble,
          expanded: true,
        });
        i = end + 1;
        continue;
      }
      const m = /^([A-Za-z_]\w*|\d|[?$#@*!-])/.exec(word.slice(i + 1));
      if (m) {
        flush();
        out.push({ text: lookup(ctx, m[1]) ?? '', quoted: inDouble, expanded: true });
        i += 1 + m[1].length;
        continue;
      }
      lit += '$';
      i++;
      continue;
    }
    if (c === '`') {
      const end = word.indexOf('`', i + 1);
      flush();
      const text = (await ctx.substitute(word.slice(i + 1, end).replace(/\\`/g, '`'))).replace(
        /\n+$/,
        '',
      );
      out.push({ text, quoted: inDouble, expanded: true });
      i = end + 1;
      continue;
    }
    lit += c;
    i++;
  }
  flush();
  return out;
}

function matchParen(word: string, start: number): number {
  let depth = 1;
  for (let i = start; i < word.length; i++) {
    const c = word[i];
    if (c === '\\') i++;
    else if (c === "'") i = word.indexOf("'", i + 1);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError('missing )');
}

/** Expands a word to one string (no splitting, no globbing): assignments, redirect targets. */
export async function expandToString(ctx: ExpandContext, word: string): Promise<string> {
  return (await segments(ctx, word)).map((s) => s.text).join('');
}

/** Expands words into fields: splitting unquoted expansions on whitespace, then globbing. */
export async function expandWords(ctx: ExpandContext, words: string[]): Promise<string[]> {
  const fields: string[] = [];
  for (const word of words) {
    const segs = await segments(ctx, word);
    // Build fields; each field keeps a glob pattern where quoted chars are escaped.
    interface Field {
      text: string;
      pattern: string;
      globbable: boolean;
      any: boolean;
    }
    let cur = null as Field | null;
    const out: Field[] = [];
    const start = () => (cur ??= { text: '', pattern: '', globbable: false, any: false });
    for (const s of segs) {
      if (s.expanded && !s.quoted) {
        const parts = s.text.split(/[ \t\n]+/);
        parts.forEach((p, idx) => {
          if (idx > 0 && cur) {
            out.push(cur);
            cur = null;
          }
          if (p === '') return;
          const c = start();
          c.text += p;
          c.pattern += p;
          c.any = true;
          if (/[*?[]/.test(p)) c.globbable = true;
        });
        continue;
      }
      const c = start();
      c.any = true;
      c.text += s.text;
      if (s.quoted) c.pattern += s.text.replace(/[*?[\]]/g, (ch) => `[${ch === ']' ? '\\]' : ch}]`);
      else {
        c.pattern += s.text;
        if (/[*?[]/.test(s.text)) c.globbable = true;
      }
    }
    if (cur) out.push(cur);
    for (const f of out) {
      if (!f.any) continue;
      if (f.globbable) {
        const matches = ctx.glob(f.pattern);
        if (matches.length) {
          fields.push(...matches);
          continue;
        }
      }
      fields.push(f.text);
    }
    // "" and '' produce an empty field
    if (!out.length && segs.some((s) => s.quoted && !s.expanded)) fields.push('');
  }
  return fields;
}

/** $(( … )): integer arithmetic with + - * / % comparisons && || ! and parentheses. */
export function arithmetic(expr: string, ctx: Pick<ExpandContext, 'getVar'>): number {
  const toks = expr.match(/\d+|[A-Za-z_]\w*|&&|\|\||[<>=!]=|[-+*/%()<>!]/g) ?? [];
  let pos = 0;
  const peek = () => toks[pos];
  const next = () => toks[pos++];
  const bool = (b: boolean) => (b ? 1 : 0);
  const primary = (): number => {
    const t = next();
    if (t === undefined) throw new ShellSyntaxError(`arithmetic syntax error: "${expr}"`);
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new ShellSyntaxError(`arithmetic syntax error: "${expr}"`);
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return bool(primary() === 0);
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return Number(ctx.getVar(t) ?? 0) || 0;
    throw new ShellSyntaxError(`arithmetic syntax error: "${expr}"`);
  };
  const mul = (): number => {
    let v = primary();
    while (['*', '/', '%'].includes(peek() ?? '')) {
      const op = next();
      const r = primary();
      if ((op === '/' || op === '%') && r === 0)
        throw new ShellSyntaxError('arithmetic: division by zero');
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const add = (): number => {
    let v = mul();
    while (peek() === '+' || peek() === '-') v = next() === '+' ? v + mul() : v - mul();
    return v;
  };
  const cmp = (): number => {
    let v = add();
    while (['<', '>', '<=', '>=', '==', '!='].includes(peek() ?? '')) {
      const op = next();
      const r = add();
      v = bool(
        op === '<'
          ? v < r
          : op === '>'
            ? v > r
            : op === '<='
              ? v <= r
              : op === '>='
                ? v >= r
                : op === '=='
                  ? v === r
                  : v !== r,
      );
    }
    return v;
  };
  const and = (): number => {
    let v = cmp();
    while (peek() === '&&') {
      next();
      const r = cmp();
      v = bool(v !== 0 && r !== 0);
    }
    return v;
  };
  const or = (): number => {
    let v = and();
    while (peek() === '||') {
      next();
      const r = and();
      v = bool(v !== 0 || r !== 0);
    }
    return v;
  };
  const v = or();
  if (pos < toks.length) throw new ShellSyntaxError(`arithmetic syntax error: "${expr}"`);
  return v;
}
