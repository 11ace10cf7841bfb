/**
 * Keys of the virtual board: its persistent host key (so a trusted virtual board stays
 * trusted across restarts) and a client key the app uses to log in to it. These are SSH
 * keys like the ones in /etc/ssh and ~/.ssh, written 0600 — not user secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  file: string;
}

/** Reads a key pair from `file` (and `file.pub`), generating ed25519 keys when missing. */
export function ensureKeyPair(file: string, comment: string): KeyPair {
  const pubFile = `${file}.pub`;
  if (fs.existsSync(file) && fs.existsSync(pubFile)) {
    return {
      privateKey: fs.readFileSync(file, 'utf8'),
      publicKey: fs.readFileSync(pubFile, 'utf8').trim(),
      file,
    };
  }
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, pair.private, { mode: 0o600 });
  fs.writeFileSync(pubFile, `${pair.public.trim()}\n`, { mode: 0o644 });
  return { privateKey: pair.private, publicKey: pair.public.trim(), file };
}

/** A fresh in-memory key pair (tests, throwaway boards). */
export function generateKeyPair(comment = 'coral-virtual-board'): {
  privateKey: string;
  publicKey: string;
} {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

export function simKeyDir(dataDir: string): string {
  return path.join(dataDir, 'board-sim');
}
