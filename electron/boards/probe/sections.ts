/**
 * The framing used by the probe and telemetry scripts: one shell script prints every section
 * between `@@S name` and `@@E <exit code>` markers, so a single round trip carries all of
 * them and the parser knows which command produced which bytes (and whether it failed).
 */
import { CoralError } from '../../runtime/errors';
import { shQuote } from '../exec-wrap';

export interface SectionSpec {
  name: string;
  /** A POSIX sh command (busybox-compatible); its stderr is captured with its stdout. */
  command: string;
}

export interface Section {
  name: string;
  /** The command's output (stdout and stderr), CRLF normalised. */
  text: string;
  /** Its exit status. */
  rc: number;
}

export const HEADER = '@@CORAL';
export const FOOTER = '@@CORAL_END';

/** Parse errors of board output: what was wrong, and where. */
export class BoardOutputError extends CoralError {
  constructor(what: string, message: string, hint?: string) {
    super('BOARD_OUTPUT_INVALID', `The ${what} output ${message}.`, {
      hint:
        hint ??
        'Run the command on the board by hand to see what it prints; the board may not run a POSIX shell.',
    });
    this.name = 'BoardOutputError';
  }
}

/** Builds one script: each section framed, everything in one round trip. */
export function buildScript(kind: string, sections: SectionSpec[]): string {
  const lines = [`echo ${HEADER} ${kind} 1`];
  for (const s of sections) {
    lines.push(`echo '@@S ${s.name}'; ( ${s.command} ) 2>&1; printf '\\n@@E %s\\n' "$?"`);
  }
  lines.push(`echo ${FOOTER}`);
  return lines.join('\n');
}

/** The command for one section alone (used to compare batched with one-by-one probing). */
export function sectionCommand(s: SectionSpec): string {
  return `echo '@@S ${s.name}'; ( ${s.command} ) 2>&1; printf '\\n@@E %s\\n' "$?"`;
}

export function quotePaths(paths: string[]): string {
  return paths.map(shQuote).join(' ');
}

/**
 * Splits framed output into sections. Throws BoardOutputError when the header or footer is
 * missing (garbage, an HTML page, a truncated transfer) — partial data is never passed off
 * as a complete probe.
 */
export function parseSections(
  kind: string,
  raw: string | Buffer,
  opts: { requireFooter?: boolean } = {},
): Map<string, Section> {
  const text = (Buffer.isBuffer(raw) ? raw.toString('utf8') : raw)
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n');
  const headerAt = text.indexOf(`${HEADER} ${kind} `);
  if (headerAt < 0) {
    const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    throw new BoardOutputError(
      kind,
      `has no ${HEADER} ${kind} header (it starts with "${start || '(nothing)'}")`,
    );
  }
  const body = text.slice(headerAt);
  const sections = new Map<string, Section>();
  const re = /^@@S ([a-z0-9_]+)\n([\s\S]*?)\n@@E (\d+)$/gm;
  let m: RegExpExecArray | null;
  let lastEnd = 0;
  while ((m = re.exec(body))) {
    sections.set(m[1], { name: m[1], text: m[2], rc: Number(m[3]) });
    lastEnd = re.lastIndex;
  }
  if ((opts.requireFooter ?? true) && !new RegExp(`^${FOOTER}$`, 'm').test(body.slice(lastEnd))) {
    const last = [...sections.keys()].pop();
    throw new BoardOutputError(
      kind,
      `ends early${last ? ` after the section "${last}"` : ' before the first section'} (no ${FOOTER} marker)`,
      'The connection may have dropped, or the board killed the script; run the probe again.',
    );
  }
  return sections;
}
