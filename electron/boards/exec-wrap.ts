/**
 * The small shell protocol shared by both transports: a wrapper that reports the remote pid
 * (so cancel can kill the process over a second channel), exports env variables, and — where
 * the transport cannot report exit codes (adb shell v1) — prints an exit marker at the end.
 * Everything here is plain POSIX sh, so it runs under busybox, dash, bash and the sim.
 */
import { CoralError } from '../runtime/errors';

export const PID_MARKER = '@@CORAL_PID';
export const EXIT_MARKER = '@@CORAL_EXIT';

/** Quotes a string for POSIX sh: 'it'\''s'. */
export function shQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_\-./=:@%+,]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envExports(env: Record<string, string> | undefined): string {
  if (!env) return '';
  return Object.entries(env)
    .map(([k, v]) => {
      if (!ENV_NAME.test(k)) {
        throw new CoralError(
          'BOARD_ENV_INVALID',
          `The environment variable name "${k}" is not valid.`,
          {
            hint: 'Use letters, digits and underscores, not starting with a digit.',
          },
        );
      }
      return `export ${k}=${shQuote(v)}`;
    })
    .join('; ');
}

export interface WrapOptions {
  env?: Record<string, string>;
  /** Print the pid (and process group) first, so the command can be killed by pid. */
  killable: boolean;
  /** Print `\n@@CORAL_EXIT <code>\n` last (transports without exit status). */
  exitMarker: boolean;
}

/**
 * Builds the command line sent to the board. The user's command runs in its own `sh -c`
 * whose first output line is `@@CORAL_PID <pid> <pgid>`; cancel kills that process group.
 */
export function wrapCommand(command: string, opts: WrapOptions): string {
  const exports = envExports(opts.env);
  let inner = command;
  if (opts.killable) {
    const head = `echo "${PID_MARKER} $$ $(cut -d' ' -f5 /proc/$$/stat 2>/dev/null)"`;
    inner = `${head}\n${exports ? `${exports}\n` : ''}${command}`;
  } else if (exports) {
    inner = `${exports}\n${command}`;
  }
  let line = inner === command && !opts.exitMarker ? command : `sh -c ${shQuote(inner)}`;
  if (opts.exitMarker) line = `${line}; printf '\\n${EXIT_MARKER} %s\\n' "$?"`;
  return line;
}

/** The command that stops a wrapped process: TERM now, KILL after a grace period. */
export function killCommand(pid: number, pgid: number | undefined, graceSeconds = 2): string {
  const group = pgid !== undefined && pgid > 1 ? pgid : undefined;
  const term = group
    ? `kill -TERM -${group} 2>/dev/null || kill -TERM ${pid}`
    : `kill -TERM ${pid}`;
  const kill = group
    ? `kill -KILL -${group} 2>/dev/null || kill -KILL ${pid}`
    : `kill -KILL ${pid}`;
  return `${term} 2>/dev/null; (sleep ${graceSeconds}; ${kill} 2>/dev/null) </dev/null >/dev/null 2>&1 &`;
}

/**
 * Separates the wrapper's markers from the command's real output, chunk by chunk: strips the
 * first pid line, and (when exit markers are used) holds back a short tail so the final
 * marker can be recognised even when split across chunks.
 */
export class OutputDemuxer {
  pid: number | undefined;
  pgid: number | undefined;
  exitCode: number | undefined;
  private head: Buffer | null;
  private tail = Buffer.alloc(0);
  private static readonly TAIL = 64;

  constructor(
    private readonly options: { killable: boolean; exitMarker: boolean },
    private readonly emit: (chunk: Buffer) => void,
    private readonly onPid: (pid: number) => void = () => {},
  ) {
    this.head = options.killable ? Buffer.alloc(0) : null;
  }

  push(chunk: Buffer): void {
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      const nl = this.head.indexOf(0x0a);
      if (nl < 0 && this.head.length < 256) return;
      const firstLine = (nl < 0 ? this.head : this.head.subarray(0, nl)).toString('latin1');
      const m = new RegExp(`^${PID_MARKER} (\\d+)(?: (\\d+))?\\r?$`).exec(firstLine.trimEnd());
      let rest = this.head;
      if (m) {
        this.pid = Number(m[1]);
        if (m[2]) this.pgid = Number(m[2]);
        rest = nl < 0 ? Buffer.alloc(0) : this.head.subarray(nl + 1);
        this.onPid(this.pid);
      }
      this.head = null;
      if (rest.length) this.forward(rest);
      return;
    }
    this.forward(chunk);
  }

  private forward(chunk: Buffer): void {
    if (!this.options.exitMarker) {
      this.emit(chunk);
      return;
    }
    const all = Buffer.concat([this.tail, chunk]);
    const keep = Math.min(all.length, OutputDemuxer.TAIL);
    const out = all.subarray(0, all.length - keep);
    this.tail = Buffer.from(all.subarray(all.length - keep));
    if (out.length) this.emit(out);
  }

  /** Flushes what is left; returns the exit code found in the marker, if any. */
  end(): number | undefined {
    if (this.head !== null && this.head.length) {
      const h = this.head;
      this.head = null;
      this.forward(h);
    }
    if (!this.options.exitMarker) return undefined;
    const text = this.tail.toString('latin1');
    const m = new RegExp(`\\r?\\n${EXIT_MARKER} (\\d+)\\r?\\n?$`).exec(text);
    let rest = this.tail;
    if (m) {
      this.exitCode = Number(m[1]);
      rest = this.tail.subarray(0, m.index);
    }
    this.tail = Buffer.alloc(0);
    if (rest.length) this.emit(rest);
    return this.exitCode;
  }
}

/** Collects output up to a limit. */
export class OutputBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.max) {
      this.truncated = true;
      return;
    }
    const room = this.max - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  ABRT: 6,
  FPE: 8,
  KILL: 9,
  SEGV: 11,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  USR1: 10,
  USR2: 12,
};
