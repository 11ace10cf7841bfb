/** Errors of the SSH transport that name the board, the address and what to do. */
import fs from 'node:fs';
import { CoralError } from '../../runtime/errors';
import { hostToken } from './known-hosts';

export function socketError(
  e: NodeJS.ErrnoException,
  target: string,
  host: string,
  port: number,
): CoralError {
  const where = hostToken(host, port);
  switch (e.code) {
    case 'ECONNREFUSED':
      return new CoralError(
        'BOARD_UNREACHABLE',
        `Nothing accepts connections on ${where} (${target}): connection refused.`,
        {
          hint: 'Check the port, and that sshd (or adbd) runs on the board.',
          cause: e,
        },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CoralError(
        'BOARD_UNREACHABLE',
        `The host name ${host} (${target}) does not resolve.`,
        {
          hint: "Check the spelling, or use the board's IP address.",
          cause: e,
        },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CoralError(
        'BOARD_UNREACHABLE',
        `${where} (${target}) is unreachable from this machine.`,
        {
          hint: 'Check that the board and this machine are on the same network.',
          cause: e,
        },
      );
    default:
      return new CoralError(
        'BOARD_UNREACHABLE',
        `Could not connect to ${where} (${target}): ${e.message}`,
        { cause: e },
      );
  }
}

export function localSize(file: string, target: string): number {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return st.size;
  } catch (e) {
    throw new CoralError(
      'BOARD_TRANSFER_FAILED',
      `Cannot push ${file} to ${target}: ${(e as Error).message}.`,
      {
        hint: 'Check the local path.',
        cause: e,
      },
    );
  }
}

export function transferError(
  target: string,
  dir: 'push' | 'pull',
  remote: string,
  e: Error,
): CoralError {
  return new CoralError(
    'BOARD_TRANSFER_FAILED',
    `Could not ${dir} ${remote} ${dir === 'push' ? 'to' : 'from'} ${target}: ${e.message}`,
    {
      hint:
        dir === 'push'
          ? 'Check that the directory exists on the board, is writable and has free space.'
          : 'Check the remote path.',
      cause: e,
    },
  );
}
