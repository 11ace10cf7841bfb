import crypto from 'node:crypto';
import fs from 'node:fs';
import { CoralError } from '../runtime/errors';
import { shQuote } from './exec-wrap';
import type { Transport } from './types';

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** sha256 of a file on the board (sha256sum, or busybox's applet); null when neither exists. */
export async function remoteSha256(t: Transport, remote: string): Promise<string | null> {
  const q = shQuote(remote);
  const res = await t.exec(`sha256sum ${q} 2>/dev/null || busybox sha256sum ${q} 2>/dev/null`, {
    killable: false,
    timeoutMs: 120_000,
  });
  const m = /^([0-9a-f]{64})\b/m.exec(res.stdout);
  return m ? m[1] : null;
}

/** Compares the board's copy with the local file; throws BOARD_TRANSFER_CORRUPT on mismatch. */
export async function verifyRemoteSha256(
  t: Transport,
  local: string,
  remote: string,
): Promise<string> {
  const [want, got] = await Promise.all([sha256File(local), remoteSha256(t, remote)]);
  if (got === null) {
    throw new CoralError(
      'BOARD_TRANSFER_UNVERIFIED',
      `Cannot verify ${remote} on ${t.target}: the board has no sha256sum.`,
      {
        hint: 'Install coreutils or busybox with sha256sum on the board, or push without verification.',
      },
    );
  }
  if (got !== want) {
    throw new CoralError(
      'BOARD_TRANSFER_CORRUPT',
      `${remote} on ${t.target} differs from ${local} after the transfer (sha256 ${got} ≠ ${want}).`,
      {
        hint: 'Check free space on the board and push again.',
      },
    );
  }
  return want;
}
