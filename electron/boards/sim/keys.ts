/**
 * Keys of the virtual board: its persistent host key (so a trusted virtual board stays
 * trusted across restarts) and a client key the app uses to log in to it. These are SSH
 * keys like the ones in /etc/ssh and ~/.ssh, written 0600 — not user secrets.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { CoralError } from '../../runtime/errors';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  file: string;
}

/**
 * A new ed25519 key pair that ssh2 itself can read back. ssh2's generator occasionally
 * (about 3 in 1,000) writes an OpenSSH private key its own parser rejects as "Malformed";
 * such a key would make the virtual board fail to start, so it is simply generated again.
 */
export function generateKeyPair(comment = 'coral-virtual-board'): {
  privateKey: string;
  publicKey: string;
} {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) {
      return { privateKey: pair.private, publicKey: pair.public.trim() };
    }
  }
  throw new CoralError(
    'SIM_KEYGEN_FAILED',
    'Could not generate an SSH key for the virtual board.',
    {
      hint: 'This should not happen; please report it with `coral diag export`.',
    },
  );
}

/**
 * Reads a key pair from `file` (and `file.pub`), generating ed25519 keys when missing.
 * The private key is published with link(), which fails if another process got there first,
 * so concurrent starts agree on one key and a reader never sees a half-written file; the
 * public key is derived from the private one, never trusted from a possibly stale .pub.
 */
export function ensureKeyPair(file: string, comment: string): KeyPair {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, generateKeyPair(comment).privateKey, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const privateKey = fs.readFileSync(file, 'utf8');
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new CoralError(
      'SIM_KEY_INVALID',
      `The virtual board key ${file} cannot be read: ${parsed.message}.`,
      {
        hint: 'Delete the file; a new key is made on the next start (virtual boards are then trusted anew).',
      },
    );
  }
  const publicKey = `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ${comment}`;
  const pubFile = `${file}.pub`;
  if (!fs.existsSync(pubFile) || fs.readFileSync(pubFile, 'utf8').trim() !== publicKey) {
    const tmp = `${pubFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${publicKey}\n`, { mode: 0o644 });
    fs.renameSync(tmp, pubFile);
  }
  return { privateKey, publicKey, file };
}

export function simKeyDir(dataDir: string): string {
  return path.join(dataDir, 'board-sim');
}
