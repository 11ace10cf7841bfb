/**
 * OpenSSH known_hosts: parsing (plain, patterns, negations, hashed `|1|salt|hash` entries,
 * @revoked / @cert-authority markers), checking a presented host key, and appending trusted
 * keys to the app's own file. The user's ~/.ssh/known_hosts is only ever read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns or a hashed entry). */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostEntry }
  | {
      status: 'changed';
      expected: Array<{ fingerprint: string; file: string; line: number }>;
      actual: string;
    }
  | { status: 'revoked'; entry: KnownHostEntry; actual: string }
  | { status: 'unknown'; actual: string; otherKnownTypes: string[] };

/** `SHA256:<base64 without padding>` as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (its first string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len > 64 || 4 + len > key.length) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** How known_hosts names a host: `host` on port 22, else `[host]:port`. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift() as string;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return; // unknown marker: ignored, as OpenSSH does
    }
    if (fields.length < 3) return;
    const [hosts, keyType, b64] = fields;
    if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOf(key) !== keyType) return; // a damaged line never matches anything
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  // `[host]:port` brackets are literal in known_hosts; only * and ? are wildcards
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether an entry's host field names the host token (`host` or `[host]:port`). */
export function hostFieldMatches(hosts: string, token: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt64, hash64] = hosts.split('|');
    if (!salt64 || !hash64) return false;
    const mac = crypto.createHmac('sha1', Buffer.from(salt64, 'base64')).update(token).digest();
    const want = Buffer.from(hash64, 'base64');
    return want.length === mac.length && crypto.timingSafeEqual(mac, want);
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(p).test(token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function readKnownHostsFile(file: string): KnownHostEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseKnownHosts(text, file);
}

/** Checks a presented key against the given known_hosts files (missing files are fine). */
export function checkHostKey(
  host: string,
  port: number,
  key: Buffer,
  files: string[],
): HostKeyCheck {
  const token = hostToken(host, port);
  const type = keyTypeOf(key);
  const actual = fingerprint(key);
  const forHost = files.flatMap(readKnownHostsFile).filter((e) => hostFieldMatches(e.hosts, token));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked, actual };
  const plain = forHost.filter((e) => !e.marker);
  const match = plain.find((e) => e.key.equals(key));
  if (match) return { status: 'known', entry: match };
  const sameType = plain.filter((e) => e.keyType === type);
  if (sameType.length) {
    return {
      status: 'changed',
      expected: sameType.map((e) => ({
        fingerprint: fingerprint(e.key),
        file: e.file,
        line: e.line,
      })),
      actual,
    };
  }
  return { status: 'unknown', actual, otherKnownTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types known for a host, so the client can ask the server for those first. */
export function knownKeyTypes(host: string, port: number, files: string[]): string[] {
  const token = hostToken(host, port);
  return [
    ...new Set(
      files
        .flatMap(readKnownHostsFile)
        .filter((e) => !e.marker && hostFieldMatches(e.hosts, token))
        .map((e) => e.keyType),
    ),
  ];
}

/** Appends a trusted key to the app's own known_hosts file (created 0600). */
export function appendKnownHost(file: string, host: string, port: number, key: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let prefix = '';
  try {
    const existing = fs.readFileSync(file, 'utf8');
    if (existing.length && !existing.endsWith('\n')) prefix = '\n';
  } catch {
    // new file
  }
  const line = `${prefix}${hostToken(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
  fs.appendFileSync(file, line, { mode: 0o600 });
}

/** Removes every plain entry for a host from the app's file; returns how many were removed. */
export function removeKnownHost(file: string, host: string, port: number): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const token = hostToken(host, port);
  let removed = 0;
  const kept = text.split('\n').filter((line) => {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('@')) return true;
    const hosts = t.split(/\s+/)[0];
    if (hostFieldMatches(hosts, token)) {
      removed++;
      return false;
    }
    return true;
  });
  if (removed) fs.writeFileSync(file, kept.join('\n'), { mode: 0o600 });
  return removed;
}
