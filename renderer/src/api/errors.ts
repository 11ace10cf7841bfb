import type { IpcError } from '../../../electron/ipc/contract-core';

/** An error envelope rebuilt on the page: stable code, message, hint. */
export class ApiError extends Error implements IpcError {
  readonly code: string;
  readonly hint?: string;
  readonly detail?: unknown;

  constructor(error: IpcError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    if (error.hint) this.hint = error.hint;
    if (error.detail !== undefined) this.detail = error.detail;
  }
}

/** Anything thrown, as the {code, message, hint} the views show. */
export function asIpcError(e: unknown): IpcError {
  if (e instanceof ApiError)
    return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof Error) return { code: 'UNEXPECTED', message: e.message };
  return { code: 'UNEXPECTED', message: String(e) };
}

export const isCancelled = (e: unknown) => e instanceof ApiError && e.code === 'CANCELLED';
