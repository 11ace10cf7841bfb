import net from 'node:net';
import type { RedactionKind } from './schema';

/**
 * What counts as secret, in one place. Names follow the issue: values of variables whose names
 * contain TOKEN, SECRET, PASSWORD, PASSWD, KEY, CREDENTIAL or AUTH are secret; so are
 * passphrases, PEM private keys, credentials inside URLs and well-known token shapes.
 */

const ENV_SECRET_PARTS = [
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'KEY',
  'CREDENTIAL',
  'AUTH',
];

/** Words that make a camelCase / snake_case / kebab-case field name secret. */
const SECRET_WORDS: Record<string, RedactionKind> = {
  password: 'password',
  passwords: 'password',
  passwd: 'password',
  passphrase: 'password',
  pass: 'password',
  secret: 'secret',
  secrets: 'secret',
  token: 'token',
  tokens: 'token',
  auth: 'token',
  authorization: 'token',
  cookie: 'token',
  key: 'secret',
  keys: 'secret',
  apikey: 'token',
  privatekey: 'private-key',
  credential: 'secret',
  credentials: 'secret',
};

function kindOfPart(part: string): RedactionKind {
  if (part.startsWith('PASS')) return 'password';
  if (part === 'TOKEN' || part === 'AUTH') return 'token';
  return 'secret';
}

/**
 * The redaction kind of a name, or null when the name is not secret. ENV_STYLE names
 * (upper case) match by substring as the issue asks (CORAL_API_KEY, MY_PASSWD); other names
 * match by word so `author`, `monkey` or `autoDiscoverBackends` stay readable.
 */
export function secretKindOfName(name: string): RedactionKind | null {
  if (/^[A-Z0-9_]+$/.test(name) && /[A-Z]/.test(name)) {
    const part = ENV_SECRET_PARTS.find((p) => name.includes(p));
    return part ? kindOfPart(part) : null;
  }
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === 'private' && words[i + 1] === 'key') return 'private-key';
    // A bare `key` is usually a lookup key (`{ key: 'cpu_temp' }`); apiKey, sshKey are secret.
    if ((w === 'key' || w === 'keys') && i === 0) continue;
    const kind = SECRET_WORDS[w];
    if (kind) return kind;
  }
  return null;
}

/** A value too short or too plain to be worth replacing wherever it appears. */
export function isTrivialSecret(value: string): boolean {
  const v = value.trim();
  return (
    v.length < 4 ||
    /^(true|false|null|undefined|none|yes|no|on|off|\*+)$/i.test(v) ||
    v.startsWith('[REDACTED') ||
    /^\d{1,4}$/.test(v)
  );
}

export const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** scheme://user:password@ (the password may itself contain '@'; it ends at the last one). */
export const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@[\]]*):([^\s/?#]+)@/gi;
/** https://TOKEN@host: a bare user part on a web URL is how tokens are usually passed. */
export const URL_TOKEN_USER = /\b((?:https?|wss?|git\+https?):\/\/)([^\s:/?#@[\]]{12,})@/gi;
/** user:password@host without a scheme (board targets typed by hand). */
export const BARE_CREDENTIALS = /(^|[\s"'(=,<])([A-Za-z0-9._-]+):([^\s@/"']+)@(?=[A-Za-z0-9[])/g;

const SECRET_NAME =
  '[A-Za-z0-9_.-]*?(?:password|passwd|passphrase|secret|token|credentials?|authorization|auth|api[_-]?key|private[_-]?key|access[_-]?key|[_-]key)[A-Za-z0-9_-]*';
/** name=value / name: value / "name": "value" inside free text. */
export const NAME_VALUE = new RegExp(
  `(^|[^A-Za-z0-9])(${SECRET_NAME})(["']?\\s*[:=]\\s*)((?:Bearer|Basic|Token)\\s+[^\\s,;&'"]+|"[^"]*"|'[^']*'|[^\\s,;&'"}\\])]+)`,
  'gi',
);
export const AUTH_SCHEME = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})/g;

/** Well-known token shapes that are secret wherever they appear. */
export const TOKEN_SHAPES = [
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bnpm_[A-Za-z0-9]{30,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
];

export function kindOfSecretName(name: string): RedactionKind {
  return secretKindOfName(name) ?? 'secret';
}

const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g;
const IPV6_CANDIDATE = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi;

/** Loopback and unspecified addresses identify nobody; they stay readable. */
export function isAnonymousIp(ip: string): boolean {
  return ip.startsWith('127.') || ip === '0.0.0.0' || ip === '::1' || ip === '::';
}

/** Every IP address in a text, in order of appearance. */
export function findIps(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IPV4)) out.push(m[0]);
  for (const m of text.matchAll(IPV6_CANDIDATE)) if (net.isIPv6(m[0])) out.push(m[0]);
  return out;
}

export function replaceIps(text: string, replace: (ip: string) => string): string {
  let out = text.replace(IPV4, (ip) => replace(ip));
  out = out.replace(IPV6_CANDIDATE, (m) => (net.isIPv6(m) ? replace(m) : m));
  return out;
}

/** scheme://[user[:pass]@]host and user@host: where identifying names hide in text. */
const URL_HOST =
  /\b[a-z][a-z0-9+.-]*:\/\/(?:([^\s:/?#@[\]]*)(?::[^\s/?#]*)?@)?(\[[0-9a-f:]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)/gi;
const USER_AT_HOST =
  /(?<![\w.+-])([a-z_][a-z0-9_-]{0,31})@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*)/g;
const PUBLIC_HOSTS =
  /(^|\.)(github\.com|githubusercontent\.com|npmjs\.org|npmjs\.com|nodejs\.org|electronjs\.org|onnxruntime\.ai|w3\.org)$/i;

/** Users and hosts named in URLs and user@host forms (well-known public hosts excepted). */
export function findUsersAndHosts(text: string): Array<{ kind: 'user' | 'host'; value: string }> {
  const out: Array<{ kind: 'user' | 'host'; value: string }> = [];
  const host = (h: string) => {
    const bare = h.replace(/^\[|\]$/g, '');
    if (net.isIP(bare) || PUBLIC_HOSTS.test(bare) || !/[A-Za-z]/.test(bare)) return;
    out.push({ kind: 'host', value: bare });
  };
  for (const m of text.matchAll(URL_HOST)) {
    if (m[1]) out.push({ kind: 'user', value: m[1] });
    host(m[2]);
  }
  for (const m of text.matchAll(USER_AT_HOST)) {
    out.push({ kind: 'user', value: m[1] });
    host(m[2]);
  }
  return out;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
