/**
 * The one error type of the house. `code` is a stable SCREAMING_SNAKE string, `message`
 * says what and where in one line, `hint` says what to do next.
 */
export interface CoralErrorShape {
  code: string;
  message: string;
  hint?: string;
  detail?: unknown;
}

export class CoralError extends Error implements CoralErrorShape {
  readonly code: string;
  readonly hint?: string;
  readonly detail?: unknown;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; detail?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoralError';
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.detail !== undefined) this.detail = options.detail;
  }

  toJSON(): CoralErrorShape {
    const out: CoralErrorShape = { code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.detail !== undefined) out.detail = this.detail;
    return out;
  }
}

export function isCoralError(e: unknown): e is CoralError {
  return e instanceof CoralError;
}

/** Turns anything thrown into a CoralError, keeping the original as `cause`. */
export function toCoralError(e: unknown, code = 'INTERNAL', hint?: string): CoralError {
  if (e instanceof CoralError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new CoralError(code, message, { cause: e, ...(hint ? { hint } : {}) });
}

/** A one-line message for logs: the message, then the hint when there is one. */
export function describeError(e: unknown): string {
  const err = toCoralError(e);
  return err.hint ? `${err.message} (${err.hint})` : err.message;
}

export function errorStack(e: unknown): string | undefined {
  return e instanceof Error ? e.stack : undefined;
}
