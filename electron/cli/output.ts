import { CoralError, toCoralError } from '../runtime/errors';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
};

/** Exit codes: 0 ok, 1 invalid input (or a failed operation), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Thrown by commands that want a specific exit code after printing their own output. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Renders rows as an aligned text table; cells are stringified, undefined shows as '-'. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null ? '-' : String(c))));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Prints an error as message + hint; returns the exit code to use. */
export function printError(io: Io, e: unknown, json = false): number {
  const err = toCoralError(e);
  if (json) {
    io.out(JSON.stringify({ error: err.toJSON() }, null, 2));
  } else {
    io.err(`error: ${err.message}`);
    if (err.hint) io.err(`hint: ${err.hint}`);
  }
  return err.code === 'USAGE' ? EXIT_USAGE : EXIT_INVALID;
}

export function usageError(message: string, hint?: string): CoralError {
  return new CoralError('USAGE', message, hint ? { hint } : {});
}
