/**
 * A parser for the POSIX sh subset the virtual board understands: lists (; & newline),
 * && / ||, pipelines, subshells, { groups }, if/elif/else, for, while/until, functions,
 * redirections (< > >> 2> 2>&1 >&2), single/double quotes, $var ${var:-x} $(cmd) `cmd`.
 * Enough for the probe, telemetry, the RKNN path and what people type at a board.
 */

export class ShellSyntaxError extends Error {}

export interface Redir {
  fd: number;
  op: '<' | '>' | '>>' | '>&' | '<&';
  /** A word (file name or fd number), expanded at run time. */
  target: string;
}

export type Command =
  | { type: 'simple'; assigns: string[]; words: string[]; redirs: Redir[] }
  | { type: 'subshell'; body: List; redirs: Redir[] }
  | { type: 'group'; body: List; redirs: Redir[] }
  | {
      type: 'if';
      clauses: Array<{ cond: List; body: List }>;
      otherwise: List | null;
      redirs: Redir[];
    }
  | { type: 'for'; name: string; items: string[] | null; body: List; redirs: Redir[] }
  | { type: 'while'; until: boolean; cond: List; body: List; redirs: Redir[] }
  | { type: 'function'; name: string; body: Command };

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
  background: boolean;
}

export type List = AndOr[];

type Token =
  | { t: 'word'; v: string }
  | { t: 'op'; v: string }
  | { t: 'redir'; fd: number; op: Redir['op'] }
  | { t: 'nl' }
  | { t: 'eof' };

const OPS = ['&&', '||', ';;', ';', '&', '|', '(', ')'];

/** Reads from `i` to the end of a balanced $( … ) or ` … `; returns the index after it. */
function skipBalanced(src: string, i: number, open: string, close: string): number {
  let depth = 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quote');
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i = skipDouble(src, i + 1);
      continue;
    }
    if (c === open && open !== close) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  throw new ShellSyntaxError(`missing ${close}`);
}

function skipDouble(src: string, i: number): number {
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '$' && src[i + 1] === '(') i = skipBalanced(src, i + 2, '(', ')');
    else if (c === '`') i = skipBalanced(src, i + 1, '`', '`');
    else i++;
  }
  throw new ShellSyntaxError('unterminated double quote');
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      out.push({ t: 'nl' });
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const redir = /^(\d*)(>>|>&|<&|>\||>|<)/.exec(src.slice(i, i + 6));
    if (redir && (redir[1] !== '' || /[<>]/.test(c))) {
      const op = (redir[2] === '>|' ? '>' : redir[2]) as Redir['op'];
      const fd = redir[1] !== '' ? Number(redir[1]) : op.startsWith('<') ? 0 : 1;
      out.push({ t: 'redir', fd, op });
      i += redir[0].length;
      continue;
    }
    if (c === '&' && src[i + 1] === '>') {
      // bash's &>file: stdout and stderr to file
      out.push({ t: 'redir', fd: 1, op: '>' });
      i += 2;
      const save = out.length;
      const w = readWord(src, skipSpaces(src, i));
      out.push({ t: 'word', v: w.word }, { t: 'redir', fd: 2, op: '>&' }, { t: 'word', v: '1' });
      i = w.end;
      void save;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    const w = readWord(src, i);
    out.push({ t: 'word', v: w.word });
    i = w.end;
  }
  out.push({ t: 'eof' });
  return out;
}

function skipSpaces(src: string, i: number): number {
  while (src[i] === ' ' || src[i] === '\t') i++;
  return i;
}

function readWord(src: string, start: number): { word: string; end: number } {
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (' \t\n;&|()<>'.includes(c)) break;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quote');
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i = skipDouble(src, i + 1);
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      i = skipBalanced(src, i + 2, '(', ')');
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw new ShellSyntaxError('missing }');
      i = end + 1;
      continue;
    }
    if (c === '`') {
      i = skipBalanced(src, i + 1, '`', '`');
      continue;
    }
    i++;
  }
  if (i === start) throw new ShellSyntaxError(`unexpected "${src[start]}"`);
  return { word: src.slice(start, Math.min(i, src.length)), end: i };
}

const RESERVED_END = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}', 'esac']);

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.pos];
  }
  private next(): Token {
    return this.toks[this.pos++];
  }
  private isWord(v?: string): boolean {
    const t = this.peek();
    return t.t === 'word' && (v === undefined || t.v === v);
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private skipNl(): void {
    while (this.peek().t === 'nl') this.pos++;
  }
  private expectWord(v: string): void {
    this.skipNl();
    if (!this.isWord(v))
      throw new ShellSyntaxError(`syntax error: expected "${v}" near ${describe(this.peek())}`);
    this.pos++;
  }
  private expectOp(v: string): void {
    this.skipNl();
    if (!this.isOp(v))
      throw new ShellSyntaxError(`syntax error: expected "${v}" near ${describe(this.peek())}`);
    this.pos++;
  }

  program(): List {
    const list = this.list();
    this.skipNl();
    if (this.peek().t !== 'eof')
      throw new ShellSyntaxError(`syntax error near ${describe(this.peek())}`);
    return list;
  }

  /** A list ends at EOF, `)` or a reserved word that closes a compound command. */
  list(): List {
    const items: AndOr[] = [];
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (
        t.t === 'eof' ||
        (t.t === 'op' && t.v === ')') ||
        (t.t === 'word' && RESERVED_END.has(t.v))
      )
        break;
      const ao = this.andOr();
      items.push(ao);
      const sep = this.peek();
      if (sep.t === 'op' && (sep.v === ';' || sep.v === '&')) {
        this.pos++;
        if (sep.v === '&') ao.background = true;
      } else if (sep.t === 'nl') {
        this.pos++;
      } else break;
    }
    return items;
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.next() as { v: '&&' | '||' }).v;
      this.skipNl();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { first, rest, background: false };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.isWord('!')) {
      negate = true;
      this.pos++;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.pos++;
      this.skipNl();
      commands.push(this.command());
    }
    return { negate, commands };
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    while (this.peek().t === 'redir') {
      const r = this.next() as { fd: number; op: Redir['op'] };
      const w = this.next();
      if (w.t !== 'word') throw new ShellSyntaxError('syntax error: redirection without a target');
      out.push({ fd: r.fd, op: r.op, target: w.v });
    }
    return out;
  }

  private command(): Command {
    const t = this.peek();
    if (t.t === 'op' && t.v === '(') {
      this.pos++;
      const body = this.list();
      this.expectOp(')');
      return { type: 'subshell', body, redirs: this.redirs() };
    }
    if (t.t === 'word') {
      switch (t.v) {
        case '{': {
          this.pos++;
          const body = this.list();
          this.expectWord('}');
          return { type: 'group', body, redirs: this.redirs() };
        }
        case 'if':
          return this.ifCommand();
        case 'for':
          return this.forCommand();
        case 'while':
        case 'until':
          return this.whileCommand();
      }
    }
    return this.simple();
  }

  private ifCommand(): Command {
    this.pos++;
    const clauses: Array<{ cond: List; body: List }> = [];
    let otherwise: List | null = null;
    const cond = this.list();
    this.expectWord('then');
    clauses.push({ cond, body: this.list() });
    for (;;) {
      this.skipNl();
      if (this.isWord('elif')) {
        this.pos++;
        const c = this.list();
        this.expectWord('then');
        clauses.push({ cond: c, body: this.list() });
      } else if (this.isWord('else')) {
        this.pos++;
        otherwise = this.list();
      } else break;
    }
    this.expectWord('fi');
    return { type: 'if', clauses, otherwise, redirs: this.redirs() };
  }

  private forCommand(): Command {
    this.pos++;
    const name = this.next();
    if (name.t !== 'word' || !/^[A-Za-z_]\w*$/.test(name.v))
      throw new ShellSyntaxError('syntax error: bad for loop variable');
    let items: string[] | null = null;
    this.skipNl();
    if (this.isWord('in')) {
      this.pos++;
      items = [];
      while (this.peek().t === 'word') items.push((this.next() as { v: string }).v);
    }
    if (this.isOp(';')) this.pos++;
    this.expectWord('do');
    const body = this.list();
    this.expectWord('done');
    return { type: 'for', name: name.v, items, body, redirs: this.redirs() };
  }

  private whileCommand(): Command {
    const until = (this.next() as { v: string }).v === 'until';
    const cond = this.list();
    this.expectWord('do');
    const body = this.list();
    this.expectWord('done');
    return { type: 'while', until, cond, body, redirs: this.redirs() };
  }

  private simple(): Command {
    const assigns: string[] = [];
    const words: string[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'redir') {
        redirs.push(...this.redirs());
        continue;
      }
      if (t.t !== 'word') break;
      if (words.length === 0 && /^[A-Za-z_]\w*=/.test(t.v)) {
        assigns.push(t.v);
        this.pos++;
        continue;
      }
      words.push(t.v);
      this.pos++;
      // name() { ... }
      if (words.length === 1 && this.isOp('(') && this.toks[this.pos + 1]?.t === 'op') {
        const close = this.toks[this.pos + 1] as { v: string };
        if (close.v === ')') {
          this.pos += 2;
          this.skipNl();
          return { type: 'function', name: words[0], body: this.command() };
        }
      }
    }
    if (!assigns.length && !words.length && !redirs.length) {
      throw new ShellSyntaxError(`syntax error near ${describe(this.peek())}`);
    }
    return { type: 'simple', assigns, words, redirs };
  }
}

function describe(t: Token): string {
  switch (t.t) {
    case 'eof':
      return 'end of input';
    case 'nl':
      return 'newline';
    case 'redir':
      return `"${t.op}"`;
    default:
      return `"${t.v}"`;
  }
}

export function parseShell(src: string): List {
  return new Parser(tokenize(src)).program();
}
